"""Quiet users keep their avatar; closed pages do not.

The reaper ends live avatar sessions whose heartbeat stopped. A candidate thinking about an
answer, or a student reading, says nothing for minutes: their avatar must stay (the open page
is the heartbeat). When the page is closed without ending anything, the vendor session must be
stopped by the reaper, and reconnecting later starts a fresh avatar with nothing lost.

The silences pass at once (time-machine moves the clock the heartbeats and the reaper read);
the open page's heartbeat runs at its own pace, so a test waits for its next beat, never for
the timeout itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from asgiref.sync import sync_to_async
from django.utils import timezone

from avatars.models import AvatarSession
from avatars.reaper import reap_once
from classrooms import services as classes
from classrooms.models import BreakoutRoom, ClassSession
from tests import factories
from tests.interviews.conftest import create_interview

pytestmark = pytest.mark.django_db(transaction=True)

HEARTBEAT = 2  # seconds (AVATAR_HEARTBEAT_TIMEOUT; the page refreshes it every 2/3 s)


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        yield traveller


async def silence(clock: time_machine.Coordinates, seconds: float, *, page_open: bool) -> None:
    """`seconds` of silence go by; an open page then beats once more (as it did all along)."""
    clock.shift(seconds)
    if not page_open:
        return
    after = timezone.now()
    async with asyncio.timeout(10):
        while not await AvatarSession.objects.filter(
            status=AvatarSession.Status.READY, last_heartbeat_at__gte=after
        ).aexists():
            await asyncio.sleep(0.05)


async def test_quiet_candidate_keeps_the_avatar_and_a_closed_page_is_reaped(
    fake_providers: Any, fast: Any, candidate: Any, bank: Any, driver: Any, cell: Any, clock: Any
) -> None:
    row = cell(
        area="abandoned sessions",
        case="interview: candidate silent past the heartbeat timeout, then the tab is closed",
        persona="candidate",
        expected=(
            "avatar kept while the page is open; stopped at the vendor once it is closed; "
            "reconnecting resumes with a fresh avatar and the answer intact"
        ),
    )
    fake_providers.configure(fast, avatar="heygen")
    fast.AVATAR_HEARTBEAT_TIMEOUT = HEARTBEAT
    interview = await sync_to_async(create_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.send({"type": "question.next"})
    await d.ask_and_listen()
    await d.send({"type": "answer.text", "text": "First I measured where the time went."})
    await d.until("caption", lambda m: m["final"])

    await silence(clock, HEARTBEAT * 1.75, page_open=True)  # the candidate thinks
    report = await reap_once()
    avatar = await AvatarSession.objects.aget(purpose="interview")
    assert report.ended == {}
    assert avatar.status == AvatarSession.Status.READY
    assert fake_providers.state()["open_sessions"]["heygen"] == 1

    await d.close()  # the tab closes: no goodbye, no interview.end
    await silence(clock, HEARTBEAT * 1.3, page_open=False)
    report = await reap_once()
    await avatar.arefresh_from_db()
    assert report.ended == {str(avatar.public_id): "heartbeat stopped (reaped)"}
    assert avatar.status == AvatarSession.Status.ENDED
    assert fake_providers.state()["open_sessions"]["heygen"] == 0

    d2 = await driver(interview, candidate)
    ready = await d2.start()
    assert ready["connection"]["session_id"] != avatar.provider_session_id  # a fresh avatar
    await d2.send({"type": "hello"})
    state = await d2.state("listening")
    assert state["attempt"]["transcript"] == "First I measured where the time went."
    await d2.send({"type": "interview.end"})
    await d2.state("completed")
    await d2.close()
    vendor_open = fake_providers.state()["open_sessions"]["heygen"]
    row.actual = (
        f"kept after {HEARTBEAT * 1.75:g} s of silence; reaped "
        f"{HEARTBEAT * 1.3:g} s after the tab closed; resumed with a new avatar and the "
        f"answer; vendor open after end {vendor_open}"
    )
    assert vendor_open == 0


def _one_room(professor: Any) -> BreakoutRoom:
    course = factories.make_course(professor, students=1, title="Quiet room")
    session = classes.class_session_create(
        professor=professor,
        course=course,
        student_ids=list(course.students.values_list("pk", flat=True)),
    )
    return BreakoutRoom.objects.get(session=session)


async def test_reading_student_keeps_the_tutor_and_an_empty_room_is_reaped(
    fake_providers: Any, fast: Any, professor: Any, ws_connect: Any, cell: Any, clock: Any
) -> None:
    row = cell(
        area="abandoned sessions",
        case="breakout room: student silent past the heartbeat timeout, then leaves",
        persona="student",
        expected="tutor avatar kept while the student is there; stopped after they leave",
    )
    fake_providers.configure(fast, avatar="heygen")
    fast.AVATAR_HEARTBEAT_TIMEOUT = HEARTBEAT
    room = await sync_to_async(_one_room)(professor)
    await classes.class_session_launch(session=await ClassSession.objects.aget(pk=room.session_id))
    student, connected, code = await ws_connect(f"/ws/rooms/{room.join_token}/")
    assert connected, code

    await silence(clock, HEARTBEAT * 1.75, page_open=True)  # the student reads the material
    report = await reap_once()
    assert report.ended == {}
    assert fake_providers.state()["open_sessions"]["heygen"] == 1

    await student.disconnect()
    await silence(clock, HEARTBEAT * 1.3, page_open=False)
    report = await reap_once()
    vendor_open = fake_providers.state()["open_sessions"]["heygen"]
    row.actual = (
        f"kept after {HEARTBEAT * 1.75:g} s of silence; {len(report.ended)} reaped after the "
        f"student left; vendor open {vendor_open}"
    )
    assert len(report.ended) == 1
    assert vendor_open == 0
    summary = await classes.class_session_end(
        session=await ClassSession.objects.aget(pk=room.session_id)
    )
    assert summary["failures"] == []
