"""Socket floods: a sender over its socket limit (settings.SOCKET_RATE_LIMITS, per connection
and per room, session or interview) gets a `rate_limited` error frame and nothing happens: no
line saved, no tutor reply started, nothing relayed. Other rooms carry on.

The clock is injected with time-machine: 200 messages "in 10 seconds" are 50 ms of travelled
time apart, with no real waits. After every message the test sends a ping (never limited) and
reads up to the pong, so each message is handled at its own moment of the clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from asgiref.sync import sync_to_async

from avatars.models import VoiceTurn
from classrooms import services as class_services
from classrooms.models import RoomTranscriptLine
from tests import factories
from tests.security.conftest import build_world

pytestmark = pytest.mark.django_db(transaction=True)

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
STEP = dt.timedelta(milliseconds=50)


@pytest.fixture(autouse=True)
def _documented_limits(settings: Any) -> None:
    """The limits as shipped (the test settings loosen them for the other suites)."""
    settings.SOCKET_RATE_LIMITS = settings.SOCKET_RATE_LIMIT_DEFAULTS


async def _exchange(comm: Any, message: dict[str, Any]) -> list[dict[str, Any]]:
    """Send one message, then a ping; return the frames that came before the pong."""
    await comm.send_json_to(message)
    await comm.send_json_to({"type": "ping"})
    frames = []
    while True:
        frame = await comm.receive_json_from(timeout=10)
        if frame["type"] == "pong":
            return frames
        frames.append(frame)


def _limited(frames: list[dict[str, Any]]) -> bool:
    return any(f["type"] == "error" and f["code"] == "rate_limited" for f in frames)


async def _student_lines(room: Any) -> int:
    return await RoomTranscriptLine.objects.filter(room=room, speaker="student").acount()


async def _drain(comm: Any) -> None:
    await comm.send_json_to({"type": "ping"})
    while (await comm.receive_json_from(timeout=10))["type"] != "pong":
        pass


async def test_a_flood_of_200_lines_in_10_seconds_is_cut_to_the_documented_rate(
    ws_connect: Any, record: Any
) -> None:
    """Defaults: "4 per 10 seconds; 12 per minute" per connection, so 4 of 200 get through;
    each may start at most one tutor reply. A student in another room is answered as usual."""
    world = await sync_to_async(build_world)()
    await class_services.class_session_launch(session=world.session)
    before = await _student_lines(world.room1)
    with time_machine.travel(START, tick=False) as clock:
        flooder, connected, _ = await ws_connect(f"/ws/rooms/{world.room1.join_token}/")
        assert connected
        other, connected, _ = await ws_connect(f"/ws/rooms/{world.room2.join_token}/")
        assert connected
        await _drain(flooder)
        await _drain(other)
        accepted = refused = 0
        other_frames: list[dict[str, Any]] = []
        for n in range(200):
            frames = await _exchange(flooder, {"type": "turn.text", "text": f"Spam {n}?"})
            if _limited(frames):
                refused += 1
            else:
                accepted += 1
            if n == 100:  # mid-flood, the other room's student asks a question
                other_frames = await _exchange(
                    other, {"type": "turn.text", "text": "Is sampling random?"}
                )
            clock.shift(STEP)
        while not any(f["type"] == "tutor.say" for f in other_frames):
            other_frames.append(await other.receive_json_from(timeout=10))
        await flooder.disconnect()
        await other.disconnect()
    saved = await _student_lines(world.room1) - before
    replies = await VoiceTurn.objects.filter(
        kind="room", conversation=str(world.room1.public_id)
    ).acount()
    record(
        "socket floods",
        "200 typed lines in 10 s on one room socket",
        "student_right_token",
        "4 accepted, 196 rate_limited, <= 4 tutor replies started",
        f"{accepted} accepted, {refused} rate_limited, {replies} tutor replies started",
        passed=accepted == 4 and refused == 196 and replies <= 4,
    )
    assert (accepted, refused) == (4, 196)
    assert saved == 4  # refused lines are not saved either
    assert 1 <= replies <= 4
    answered = any(f["type"] == "tutor.say" for f in other_frames)
    record(
        "socket floods",
        "a line in another room during the flood",
        "student_other_token",
        "answered",
        "answered" if answered else "not answered",
    )
    assert not _limited(other_frames)


async def test_the_room_limit_holds_across_connections_and_frees_up_as_time_passes(
    ws_connect: Any, record: Any, settings: Any
) -> None:
    """Several sockets on one room link share the room's limit ("8 per 10 seconds"); the
    window slides: ten seconds later lines go through again."""
    world = await sync_to_async(build_world)()
    await class_services.class_session_launch(session=world.session)
    with time_machine.travel(START, tick=False) as clock:
        sockets = []
        for _ in range(4):
            comm, connected, _ = await ws_connect(f"/ws/rooms/{world.room1.join_token}/")
            assert connected
            await _drain(comm)
            sockets.append(comm)
        accepted = 0
        for n in range(40):
            frames = await _exchange(sockets[n % 4], {"type": "turn.text", "text": f"Q{n}?"})
            accepted += not _limited(frames)
            clock.shift(dt.timedelta(milliseconds=100))
        record(
            "socket floods",
            "40 lines in 4 s from 4 sockets of one room (the room's limit: 8 per 10 s)",
            "student_right_token",
            "8 accepted",
            f"{accepted} accepted",
        )
        assert accepted == 8
        clock.shift(dt.timedelta(seconds=10))
        later = await _exchange(sockets[0], {"type": "turn.text", "text": "Back again?"})
        record(
            "socket floods",
            "a line 10 s after the flood",
            "student_right_token",
            "accepted",
            "refused" if _limited(later) else "accepted",
        )
        assert not _limited(later)
        for comm in sockets:
            await comm.disconnect()


async def test_a_professor_flooding_the_monitor_is_limited(ws_connect: Any, record: Any) -> None:
    world = await sync_to_async(build_world)()
    with time_machine.travel(START, tick=False) as clock:
        monitor, connected, _ = await ws_connect(
            f"/ws/classrooms/{world.session.public_id}/monitor/", world.users["professor_owner"]
        )
        assert connected
        await _drain(monitor)
        acks = refused = 0
        for n in range(50):
            frames = await _exchange(
                monitor,
                {"type": "room.whisper", "room": str(world.room1.public_id), "text": f"Hint {n}"},
            )
            acks += any(f["type"] == "ack" for f in frames)
            refused += _limited(frames)
            clock.shift(STEP)
        await monitor.disconnect()
    record(
        "socket floods",
        "50 whispers in 2.5 s on the monitor",
        "professor_owner",
        "10 acknowledged, 40 rate_limited",
        f"{acks} acknowledged, {refused} rate_limited",
    )
    assert (acks, refused) == (10, 40)


async def test_the_interview_socket_limits_its_costly_messages(
    ws_connect: Any, record: Any
) -> None:
    from tests.interviews.conftest import create_interview

    alice = await sync_to_async(factories.make_user)("alice")
    interview = await sync_to_async(create_interview)(alice, count=2)
    with time_machine.travel(START, tick=False) as clock:
        comm, connected, _ = await ws_connect(f"/ws/interviews/{interview.public_id}/", alice)
        assert connected
        refused = 0
        for _ in range(20):
            # Out of state here: refused by the conversation when the limiter lets it through.
            frames = await _exchange(comm, {"type": "feedback.retry"})
            refused += _limited(frames)
            clock.shift(STEP)
        await comm.disconnect()
    record(
        "socket floods",
        "20 costly interview messages in 1 s",
        "candidate_owner",
        "5 handled, 15 rate_limited",
        f"{20 - refused} handled, {refused} rate_limited",
    )
    assert refused == 15
