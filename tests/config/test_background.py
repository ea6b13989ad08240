"""The background registry: loops start once per process, are tracked, survive their own
failures and stop on request; spawned jobs run once per name and arguments."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from avatars.models import AvatarSession
from classrooms import services as classes
from classrooms.background import sessions_left_unfinished, sessions_waiting_for_launch
from classrooms.models import BreakoutRoom, ClassSession
from classrooms.services.starting import _rooms_claim
from config import background
from config.background import Registry, Runner
from tests import factories


async def settle(condition: Any, timeout: float = 3.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met")
        await asyncio.sleep(0.01)


async def test_a_failing_loop_is_recorded_and_does_not_stop_the_others() -> None:
    registry = Registry()
    calls: list[str] = []

    @registry.periodic("broken", every=0.05)
    async def broken() -> None:
        calls.append("broken")
        raise RuntimeError("boom")

    @registry.periodic("fine", every=0.05)
    async def fine() -> None:
        calls.append("fine")

    @registry.at_start("once")
    async def once() -> None:
        calls.append("once")

    runner = Runner(registry, asyncio.get_running_loop())
    runner.start_loops()
    runner.start_loops()  # idempotent
    await settle(lambda: calls.count("broken") >= 3 and calls.count("fine") >= 3)
    await runner.stop()
    assert calls.count("once") == 1
    assert runner.states["broken"].failures >= 3
    assert runner.states["broken"].last_error == "RuntimeError: boom"
    assert runner.states["fine"].failures == 0
    assert runner.states["once"].runs == 1
    assert not runner.tasks
    assert {s.state for s in runner.states.values()} == {"stopped"}


async def test_a_job_runs_once_per_name_and_arguments() -> None:
    registry = Registry()
    started: list[int] = []
    release = asyncio.Event()

    @registry.job("slow")
    async def slow(*, item: int) -> None:
        started.append(item)
        await release.wait()

    runner = Runner(registry, asyncio.get_running_loop())
    first = runner.run_job("slow", {"item": 1})
    assert first is not None
    assert runner.run_job("slow", {"item": 1}) is None  # already running here
    assert runner.run_job("slow", {"item": 2}) is not None
    await settle(lambda: len(started) == 2)
    release.set()
    await first
    again = runner.run_job("slow", {"item": 1})  # finished: may run again
    assert again is not None
    await again
    await runner.stop()
    assert sorted(started) == [1, 1, 2]


async def test_pickup_starts_the_work_the_database_says_is_waiting() -> None:
    registry = Registry()
    done: list[int] = []

    @registry.job("deliver", pending=lambda: [{"item": 7}, {"item": 8}])
    async def deliver(*, item: int) -> None:
        done.append(item)

    runner = Runner(registry, asyncio.get_running_loop())
    assert await runner.pickup() == 2
    await settle(lambda: sorted(done) == [7, 8])
    await runner.stop()


async def test_start_is_once_per_process_and_honours_the_loops_setting(settings: Any) -> None:
    settings.AVATAR_BACKGROUND_LOOPS = False
    runner = background.start()
    try:
        assert background.start() is runner
        assert not runner.loops_started
        assert not runner.tasks
        assert background.current() is runner
        # The apps' declarations were discovered.
        assert {"avatars.reap", "avatars.keepalive", "classrooms.resume", "classrooms.reap"} <= set(
            background.REGISTRY.loops
        )
        assert "class_session.launch" in background.REGISTRY.jobs
    finally:
        await background.stop()
    assert background.current() is None


async def test_spawn_needs_a_declared_job() -> None:
    with pytest.raises(LookupError):
        background.spawn("no.such.job")


async def test_spawn_without_inline_jobs_leaves_the_work_to_the_workers(settings: Any) -> None:
    settings.AVATAR_BACKGROUND_LOOPS = False
    settings.BACKGROUND_JOBS_INLINE = False
    runner = background.start()
    try:
        assert background.spawn("class_session.launch", session_id=0) is False
        assert not runner.tasks
    finally:
        await background.stop()


async def test_the_asgi_app_starts_the_registry_on_lifespan_and_stops_it() -> None:
    from config.asgi import application

    sent: list[dict[str, Any]] = []
    inbox = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]

    async def receive() -> dict[str, Any]:
        if inbox[0]["type"] == "lifespan.shutdown":
            assert background.current() is not None
        return inbox.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await application({"type": "lifespan"}, receive, send)
    assert [m["type"] for m in sent] == [
        "lifespan.startup.complete",
        "lifespan.shutdown.complete",
    ]
    assert background.current() is None


def _class_session(professor: Any, rooms: int = 2) -> Any:
    course = factories.make_course(professor, students=rooms, title="Pickup")
    return classes.class_session_create(
        professor=professor,
        course=course,
        student_ids=list(course.students.values_list("pk", flat=True)),
    )


@pytest.mark.django_db(transaction=True)
async def test_a_launch_left_to_the_workers_is_picked_up_from_the_database(
    settings: Any, professor: Any
) -> None:
    settings.BACKGROUND_JOBS_INLINE = False  # a web process in front of workers
    session = await sync_to_async(_class_session)(professor)
    assert background.spawn("class_session.launch", session_id=session.pk) is False
    await session.arefresh_from_db()
    assert session.status == ClassSession.Status.STARTING  # nothing ran in the web process

    background.autodiscover()
    worker = Runner(background.REGISTRY, asyncio.get_running_loop())
    assert await worker.pickup() == 1
    assert await worker.pickup() == 0  # running here already: not started twice
    await asyncio.gather(*worker.tasks.values())
    await session.arefresh_from_db()
    assert session.status == ClassSession.Status.LIVE
    statuses = {r.status async for r in BreakoutRoom.objects.filter(session=session)}
    assert statuses == {BreakoutRoom.Status.ACTIVE}
    assert await worker.pickup() == 0  # launched: no longer waiting
    assert worker.states["class_session.launch"].runs == 1
    await worker.stop()


@pytest.mark.django_db
def test_a_launch_whose_meeting_claim_went_stale_is_waiting_again(
    settings: Any, professor: Any
) -> None:
    session = _class_session(professor)
    assert sessions_waiting_for_launch() == [{"session_id": session.pk}]
    ClassSession.objects.filter(pk=session.pk).update(meeting_id=classes.MEETING_CREATING)
    assert sessions_waiting_for_launch() == []  # someone is creating the meeting
    long_ago = timezone.now() - timedelta(seconds=settings.CLASS_DEPLOY_STALE_SECONDS + 1)
    ClassSession.objects.filter(pk=session.pk).update(started_at=long_ago)
    assert sessions_waiting_for_launch() == [{"session_id": session.pk}]


@pytest.mark.django_db
def test_sessions_a_dead_process_left_are_waiting_for_a_resume(
    settings: Any, professor: Any
) -> None:
    long_ago = timezone.now() - timedelta(seconds=settings.CLASS_DEPLOY_STALE_SECONDS + 1)
    session = _class_session(professor)
    ClassSession.objects.filter(pk=session.pk).update(status=ClassSession.Status.LIVE)
    rooms = _rooms_claim(session_id=session.pk)  # deploying, avatars requested (live)
    assert sessions_left_unfinished() == []
    BreakoutRoom.objects.filter(session=session).update(deploy_claimed_at=long_ago)
    assert sessions_left_unfinished() == []  # the deploying process still keeps its avatars
    AvatarSession.objects.filter(pk=rooms[0].avatar_session_id).update(
        status=AvatarSession.Status.ENDED  # the reaper ended the dead process's avatar
    )
    assert sessions_left_unfinished() == [{"session_id": session.pk}]

    ending = _class_session(professor)
    ClassSession.objects.filter(pk=ending.pk).update(
        status=ClassSession.Status.ENDING, ending_at=timezone.now()
    )
    assert {"session_id": ending.pk} not in sessions_left_unfinished()  # being ended now
    ClassSession.objects.filter(pk=ending.pk).update(ending_at=long_ago)
    assert {"session_id": ending.pk} in sessions_left_unfinished()
