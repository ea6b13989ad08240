"""A class on Zoom with a tutor bot in every breakout room, played against the fake SDK
(tests/fakes/zoom_sdk.py) and the fake vendor server: the real runner, the real bot code, the
room's real voice session and tutor.

Bots run in this process here (a task each, through the runner's `launch` hook); the recovery of
a killed bot uses real OS processes (`test_a_killed_bot_process_is_relaunched`).
"""

from __future__ import annotations

import asyncio
import math
import os
import signal
from array import array
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.utils import timezone

from avatars.models import AvatarSession
from classrooms import services
from classrooms.bots.bot import RoomBot
from classrooms.bots.runner import BotRunner, os_launch
from classrooms.bots.sdk import PCM_RATE, VIDEO_HEIGHT, VIDEO_WIDTH, i420_size
from classrooms.models import BreakoutRoom, ClassSession, MeetingBot, RoomTranscriptLine
from classrooms.selectors import session_snapshot
from classrooms.services.meeting_bots import meeting_bots_reap
from config.errors import InvalidInput
from tests import factories
from tests.fakes.zoom_sdk import MEETING, FakeSdk
from tests.reliability.test_crash_recovery import database_url

pytestmark = pytest.mark.django_db(transaction=True)

QUESTION = "why does the sample mean vary"
ROOMS = 5


@pytest.fixture
def zoom_class(fake_providers: Any, settings: Any) -> Any:
    fake_providers.configure(settings, meetings="zoom", transcriber="deepgram")
    settings.MEETING_BOT_SDK = "tests.fakes.zoom_sdk.FakeSdk"
    settings.MEETING_BOT_HEARTBEAT_INTERVAL = 0.05
    MEETING.reset()
    yield fake_providers
    MEETING.reset()


class TaskProcess:
    """A bot run as a task of this loop, standing in for its OS process."""

    pid = 0

    def __init__(self, task: asyncio.Task[str]) -> None:
        self.task = task

    def alive(self) -> bool:
        return not self.task.done()

    def stop(self) -> None:
        self.task.cancel()


async def _no_wait(seconds: float) -> None:
    await asyncio.sleep(0)


def in_process(bot_id: int, launch: int) -> TaskProcess:
    bot = RoomBot(bot_id=bot_id, launch=launch, sdk=FakeSdk(), pause=_no_wait, quiet=_no_wait)
    return TaskProcess(asyncio.get_running_loop().create_task(bot.run()))


def _zoom_session(professor: Any, rooms: int) -> ClassSession:
    course = factories.make_course(professor, students=rooms, title="Statistics")
    return services.class_session_create(
        professor=professor,
        course=course,
        student_ids=list(course.students.values_list("pk", flat=True)),
        meeting_provider="zoom",
    )


async def _started(professor: Any, rooms: int = ROOMS) -> ClassSession:
    session = await sync_to_async(_zoom_session)(professor, rooms)
    await services.class_session_launch(session=session)
    await session.arefresh_from_db()
    assert session.status == ClassSession.Status.LIVE
    return session


async def _bots(session: ClassSession) -> list[MeetingBot]:
    return [
        b
        async for b in MeetingBot.objects.filter(room__session=session)
        .select_related("room")
        .order_by("room__position")
    ]


async def _until(check: Callable[[], Any], what: str, limit: float = 20.0) -> Any:
    """Poll the database (through `check`, async) until it answers truthy."""
    async with asyncio.timeout(limit):
        while True:
            result = await check()
            if result:
                return result
            await asyncio.sleep(0.02)
    raise AssertionError(what)


async def _all_in(session: ClassSession, status: str) -> bool:
    return all(b.status == status for b in await _bots(session))


def _pcm(words: int, rate: int = PCM_RATE) -> list[bytes]:
    """A student's voice as the SDK delivers it: 10 ms frames of 16-bit mono PCM (a tone: the
    fake transcriber hears the scripted words whatever the audio is)."""
    frame = rate // 100
    samples = array("h", (int(3000 * math.sin(2 * math.pi * 220 * i / rate)) for i in range(frame)))
    return [samples.tobytes()] * (words * 10)


def _rms(pcm: bytes) -> float:
    samples = array("h", pcm)
    return math.sqrt(sum(s * s for s in samples) / max(1, len(samples)))


async def test_five_bots_join_are_assigned_and_room_3_hears_its_student_and_answers(
    zoom_class: Any, professor: Any
) -> None:
    zoom_class.knobs(deepgram_live={"utterances": [QUESTION], "words_per_chunk": 1})
    session = await _started(professor)
    bots = await _bots(session)
    assert [b.display_name for b in bots] == [f"Tutor · {b.room.name}" for b in bots]
    assert {b.status for b in bots} == {MeetingBot.Status.REQUESTED}

    runner = BotRunner(capacity=ROOMS, launch=in_process, name="test-runner")
    assert (await runner.tick())["launched"] == ROOMS
    await _until(lambda: _all_in(session, MeetingBot.Status.WAITING_FOR_ROOM), "all waiting")
    assert sorted(MEETING.bots) == sorted(b.display_name for b in bots)
    for sdk in MEETING.bots.values():
        assert sdk.request is not None
        assert sdk.request.meeting_id == session.meeting_id

    for bot in bots:  # the host opens the breakout rooms, each bot assigned to its room
        MEETING.assign(bot.display_name, bot.room.name)
    await _until(lambda: _all_in(session, MeetingBot.Status.IN_ROOM), "all in their rooms")
    frame = (i420_size(VIDEO_WIDTH, VIDEO_HEIGHT), VIDEO_WIDTH, VIDEO_HEIGHT)

    async def cameras() -> bool:  # a camera picture in Zoom's I420 format in every room
        return all(sdk.video_out[:1] == [frame] for sdk in MEETING.bots.values())

    await _until(cameras, "every bot shows a picture")

    room3, bot3 = bots[2].room, MEETING.bot(bots[2].display_name)

    async def greeted() -> bool:
        return await RoomTranscriptLine.objects.filter(room=room3, source="greeting").aexists()

    await _until(greeted, "room 3's tutor said hello")
    sent_before = len(bot3.audio_out)
    for frame in _pcm(len(QUESTION.split())):
        MEETING.speak(room3.name, frame, PCM_RATE)

    async def answered() -> list[RoomTranscriptLine]:
        return [
            line
            async for line in RoomTranscriptLine.objects.filter(room__session=session)
            .exclude(source="greeting")
            .order_by("created_at", "id")
        ]

    lines = await _until(
        lambda: _answered_twice(answered), "the student's line and the tutor's answer"
    )
    assert (lines[0].room_id, lines[0].speaker) == (room3.pk, "student")
    assert (lines[0].text, lines[0].source) == (QUESTION, "voice")
    assert (lines[1].room_id, lines[1].speaker) == (room3.pk, "tutor")
    # The answer leaves as the bot's microphone audio: 20 ms of 32 kHz 16-bit mono per chunk,
    # as long as the answer's words at the speaking pace, and audible.
    await _until(lambda: _settled(bot3), "the answer was sent")
    answer = bot3.audio_out[sent_before:]
    assert answer
    assert {rate for _, rate in answer} == {PCM_RATE}
    assert {len(pcm) for pcm, _ in answer[:-1]} == {PCM_RATE // 50 * 2}
    seconds = sum(len(pcm) for pcm, _ in answer) / (PCM_RATE * 2)
    assert seconds >= 0.4 * len(lines[1].text.split()) * 0.9
    assert max(_rms(pcm) for pcm, _ in answer) > 1000
    # Deepgram was told the audio is raw PCM at the SDK's rate (no container to read it from).
    live = [e for e in zoom_class.state()["log"] if e["endpoint"] == "live"]
    assert live
    assert all(e["query"]["encoding"] == "linear16" for e in live)
    assert {e["query"]["sample_rate"] for e in live} == {str(PCM_RATE)}

    await services.class_session_end(session=session)
    await _until(lambda: _all_in(session, MeetingBot.Status.ENDED), "every bot left")
    assert all(sdk.left for sdk in MEETING.history)
    await runner.tick()
    assert runner.children == {}
    await session.arefresh_from_db()
    assert session.summary["bot_minutes"] >= 0
    assert "bot_cost" in session.summary


async def _answered_twice(read: Callable[[], Any]) -> Any:
    lines = await read()
    return lines if len(lines) >= 2 else None


async def _settled(sdk: FakeSdk) -> bool:
    count = len(sdk.audio_out)
    await asyncio.sleep(0.05)
    return count == len(sdk.audio_out)


async def test_a_transcriber_that_will_not_open_is_not_asked_a_hundred_times_a_second(
    zoom_class: Any, professor: Any
) -> None:
    zoom_class.knobs(deepgram_live={"fail": "503"})
    session = await _started(professor, rooms=1)
    runner = BotRunner(capacity=1, launch=in_process, name="test-runner")
    await runner.tick()
    await _until(lambda: _all_in(session, MeetingBot.Status.WAITING_FOR_ROOM), "waiting")
    (bot,) = await _bots(session)
    MEETING.assign(bot.display_name, bot.room.name)
    await _until(lambda: _all_in(session, MeetingBot.Status.IN_ROOM), "in its room")
    for frame in _pcm(10):  # a second of speech: 100 frames
        MEETING.speak(bot.room.name, frame, PCM_RATE)

    async def tried() -> int:
        await asyncio.sleep(0.2)
        return zoom_class.state()["requests"].get("deepgram.live", 0)

    assert await _until(tried, "the transcriber was tried") == 1
    await services.class_session_end(session=session)
    await _until(lambda: _all_in(session, MeetingBot.Status.ENDED), "the bot left")


async def test_a_bot_never_assigned_shows_as_waiting_with_the_web_link(
    zoom_class: Any, professor: Any
) -> None:
    session = await _started(professor, rooms=2)
    runner = BotRunner(capacity=2, launch=in_process, name="test-runner")
    await runner.tick()
    await _until(lambda: _all_in(session, MeetingBot.Status.WAITING_FOR_ROOM), "all waiting")
    first, second = await _bots(session)
    first_room, second_room = first.room.name, second.room.name
    MEETING.assign(first.display_name, first_room)

    async def first_in() -> bool:
        bot = await MeetingBot.objects.aget(pk=first.pk)
        return bot.status == MeetingBot.Status.IN_ROOM

    await _until(first_in, "the assigned bot is in its room")
    snapshot = await sync_to_async(session_snapshot)(session=session)
    cards = {card["name"]: card for card in snapshot["rooms"]}
    waiting = cards[second_room]["bot"]
    assert waiting["status"] == "waiting_for_room"
    assert waiting["next_step"] == (
        f"Open breakout rooms in Zoom; {second.display_name} waits to be assigned to {second_room}."
    )
    assert waiting["fallback_link"] == cards[second_room]["short_link"]
    in_room = cards[first_room]["bot"]
    assert in_room["next_step"] == f"{first.display_name} is in {first_room} in Zoom."
    assert in_room["fallback_link"] == ""
    await services.class_session_end(session=session)
    await _until(lambda: _all_in(session, MeetingBot.Status.ENDED), "every bot left")


async def test_a_bot_assigned_to_another_room_stays_out_and_says_so(
    zoom_class: Any, professor: Any
) -> None:
    session = await _started(professor, rooms=2)
    runner = BotRunner(capacity=2, launch=in_process, name="test-runner")
    await runner.tick()
    await _until(lambda: _all_in(session, MeetingBot.Status.WAITING_FOR_ROOM), "all waiting")
    first, second = await _bots(session)
    first_room, second_room = first.room.name, second.room.name
    MEETING.assign(first.display_name, second_room)

    async def told() -> MeetingBot | None:
        bot = await MeetingBot.objects.aget(pk=first.pk)
        return bot if bot.error else None

    told_bot = await _until(told, "the monitor is told")
    assert told_bot.status == MeetingBot.Status.WAITING_FOR_ROOM
    assert told_bot.error == f'Assigned to "{second_room}" in Zoom; assign it to "{first_room}".'
    assert MEETING.bot(first.display_name).room == ""
    await services.class_session_end(session=session)
    await _until(lambda: _all_in(session, MeetingBot.Status.ENDED), "every bot left")


async def test_two_runners_never_launch_the_same_bot(zoom_class: Any, professor: Any) -> None:
    session = await _started(professor, rooms=3)
    one = BotRunner(capacity=2, launch=in_process, name="one")
    two = BotRunner(capacity=2, launch=in_process, name="two")
    first, second = await asyncio.gather(one.tick(), two.tick())
    assert first["launched"] + second["launched"] == 3
    assert not set(one.children) & set(two.children)
    await _until(lambda: _all_in(session, MeetingBot.Status.WAITING_FOR_ROOM), "all waiting")
    assert len(MEETING.history) == 3
    await services.class_session_end(session=session)
    await _until(lambda: _all_in(session, MeetingBot.Status.ENDED), "every bot left")


async def test_a_silent_bot_is_relaunched_then_failed_and_its_avatar_stopped(
    zoom_class: Any, professor: Any, settings: Any
) -> None:
    settings.MEETING_BOT_MAX_LAUNCHES = 2
    session = await _started(professor, rooms=1)
    (bot,) = await _bots(session)
    runner = BotRunner(capacity=1, launch=lambda b, n: _Dead(), name="dead-runner")
    silent = {"heartbeat_at": timezone.now() - timedelta(minutes=5)}

    await runner.tick()  # launched; its process never writes a heartbeat
    await MeetingBot.objects.filter(pk=bot.pk).aupdate(**silent)
    runner.children.clear()  # the runner died with it: only the reaper can tell
    assert (await meeting_bots_reap()).get("requested") == 1
    await bot.arefresh_from_db()
    assert (bot.status, bot.launches) == (MeetingBot.Status.REQUESTED, 1)

    await runner.tick()  # the second and last launch
    await MeetingBot.objects.filter(pk=bot.pk).aupdate(**silent)
    runner.children.clear()
    report = await meeting_bots_reap()
    assert report.get("failed") == 1
    assert report["avatars_stopped"] == 1
    await bot.arefresh_from_db()
    assert (bot.status, bot.launches) == (MeetingBot.Status.FAILED, 2)
    assert "Share the room's web link" in bot.error
    room = await BreakoutRoom.objects.select_related("avatar_session").aget(pk=bot.room_id)
    assert room.avatar_session.status not in AvatarSession.LIVE_STATUSES
    snapshot = await sync_to_async(session_snapshot)(session=session)
    assert snapshot["rooms"][0]["bot"]["fallback_link"] == snapshot["rooms"][0]["short_link"]

    # The professor restarts the room: a fresh avatar, and the bot gets another launch.
    await sync_to_async(services.breakout_room_restart_begin)(room=room)
    await bot.arefresh_from_db()
    assert (bot.status, bot.error) == (MeetingBot.Status.REQUESTED, "")


class _Dead:
    pid = 4242

    def alive(self) -> bool:
        return True  # as far as this runner knows

    def stop(self) -> None:
        pass


@pytest.mark.slow
async def test_a_killed_bot_process_is_relaunched(
    zoom_class: Any, professor: Any, monkeypatch: Any
) -> None:
    session = await _started(professor, rooms=1)
    (bot,) = await _bots(session)
    # No open connection or transaction of ours in the child's way (closed on the thread that
    # opened them: the database calls of an async test run on sync_to_async's thread).
    await sync_to_async(connections.close_all)()
    for name, value in {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "DATABASE_URL": await sync_to_async(database_url)(),
        "MEETING_BOT_SDK": "tests.fakes.zoom_sdk.FakeSdk",
        "MEETING_BOT_HEARTBEAT_INTERVAL": "0.2",
    }.items():
        monkeypatch.setenv(name, value)
    runner = BotRunner(capacity=1, launch=os_launch, name="os-runner")
    try:
        await runner.tick()

        async def joined(launch: int) -> bool:
            await bot.arefresh_from_db()
            return bot.launches == launch and bot.status == MeetingBot.Status.WAITING_FOR_ROOM

        await _until(lambda: joined(1), "the bot process joined", limit=60)
        assert bot.pid
        assert bot.pid != os.getpid()
        os.kill(bot.pid, signal.SIGKILL)
        await _until(lambda: _exited(runner), "the runner sees it exit", limit=10)
        await runner.tick()  # relaunched: a new process, launch 2
        await _until(lambda: joined(2), "the bot rejoined", limit=60)
        assert (await MeetingBot.objects.aget(pk=bot.pk)).pid != bot.pid or bot.launches == 2
    finally:
        runner.stop()
        for child in runner.children.values():
            with _suppress():
                await asyncio.to_thread(child.popen.wait, 20)  # type: ignore[attr-defined]
    await bot.arefresh_from_db()
    assert bot.status == MeetingBot.Status.REQUESTED  # SIGTERM: back for another runner
    assert await bot.events.filter(reason="its process exited").aexists()


async def _exited(runner: BotRunner) -> bool:
    return any(not child.alive() for child in runner.children.values())


def _suppress() -> Any:
    import contextlib

    return contextlib.suppress(Exception)


def test_a_zoom_class_without_a_server_transcriber_is_refused_when_started(
    professor: Any, settings: Any, fake_providers: Any
) -> None:
    settings.TRANSCRIBER = "local"  # speech is recognised in browsers only: a bot hears nothing
    course = factories.make_course(professor, students=2, title="Statistics")
    ids = list(course.students.values_list("pk", flat=True))
    with pytest.raises(InvalidInput, match="A class on Zoom needs speech recognition"):
        services.class_session_create(
            professor=professor, course=course, student_ids=ids, meeting_provider="zoom"
        )
    assert not ClassSession.objects.exists()
    # A session prepared while a transcriber was set up is refused at Start, not mid-class.
    fake_providers.configure(settings, transcriber="deepgram")
    session = services.class_session_prepare(
        professor=professor, course=course, student_ids=ids, meeting_provider="zoom"
    )
    settings.TRANSCRIBER = "local"
    with pytest.raises(InvalidInput, match="A class on Zoom needs speech recognition"):
        services.class_session_start(session=session, professor=professor)
    session.refresh_from_db()
    assert session.status == ClassSession.Status.PREPARED
