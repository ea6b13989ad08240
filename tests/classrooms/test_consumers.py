"""The monitor and room sockets: who may connect, live updates, bad messages, signaling."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from classrooms import services
from classrooms.models import BreakoutRoom, ClassSession
from classrooms.services.starting import _room_failed

pytestmark = pytest.mark.django_db(transaction=True)


async def _live_session(make_session: Any, **kwargs: Any) -> ClassSession:
    session = await sync_to_async(make_session)(**kwargs)
    await services.class_session_launch(session=session)
    return session


async def _rooms(session: ClassSession) -> list[BreakoutRoom]:
    return [r async for r in session.rooms.order_by("position")]


async def _until(communicator: Any, kind: str, pred: Any = None, limit: int = 30) -> dict:
    for _ in range(limit):
        message = await communicator.receive_json_from(timeout=5)
        if message["type"] == kind and (pred is None or pred(message)):
            return message
    raise AssertionError(f"no {kind} message")


def _monitor(session: ClassSession) -> str:
    return f"/ws/classrooms/{session.public_id}/monitor/"


async def test_owner_gets_a_snapshot_and_live_room_updates(
    ws_connect: Any, professor: Any, make_session: Any
) -> None:
    session = await sync_to_async(make_session)()
    communicator, connected, _ = await ws_connect(_monitor(session), professor)
    assert connected
    snapshot = await _until(communicator, "snapshot")
    assert [r["colour"] for r in snapshot["rooms"]] == ["yellow"] * 3
    assert snapshot["session"]["is_open"] is True  # the page's actions follow the server
    await services.class_session_launch(session=session)
    greens = set()
    for _ in range(60):
        message = await communicator.receive_json_from(timeout=5)
        if message["type"] == "room.update" and message["room"]["colour"] == "green":
            greens.add(message["room"]["id"])
        if len(greens) == 3:
            break
    assert len(greens) == 3
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("persona", "code"),
    [("other_professor", 4403), ("candidate", 4403), ("anonymous", 4401)],
    indirect=["persona"],
)
async def test_only_the_owner_may_watch(
    ws_connect: Any, make_session: Any, persona: Any, code: int
) -> None:
    session = await sync_to_async(make_session)()
    _communicator, connected, close_code = await ws_connect(_monitor(session), persona)
    assert not connected
    assert close_code == code


async def test_bad_monitor_messages_get_errors_not_crashes(
    ws_connect: Any, professor: Any, make_session: Any
) -> None:
    session = await _live_session(make_session)
    communicator, _, _ = await ws_connect(_monitor(session), professor)
    await _until(communicator, "snapshot")
    for bad, code in [
        ({"type": "nope"}, "unknown_type"),
        ({"type": "room.say", "room": "not-a-uuid", "text": "hi"}, "bad_field"),
        (
            {"type": "room.say", "room": "00000000-0000-0000-0000-000000000000", "text": "hi"},
            "unknown_room",
        ),
        ({"type": "session.broadcast"}, "bad_field"),
        ({"type": "session.broadcast", "text": "x" * 600}, "too_long"),
        ([1, 2], "bad_message"),
    ]:
        await communicator.send_json_to(bad)
        error = await _until(communicator, "error")
        assert error["code"] == code
    await communicator.send_to(text_data="{not json")
    assert (await _until(communicator, "error"))["code"] == "bad_json"
    await communicator.send_json_to({"type": "ping"})
    assert (await _until(communicator, "pong"))["type"] == "pong"
    await communicator.disconnect()


async def test_broadcast_reaches_every_room_and_whisper_is_not_spoken(
    ws_connect: Any, professor: Any, make_session: Any
) -> None:
    session = await _live_session(make_session)
    rooms = await _rooms(session)
    student, connected, _ = await ws_connect(f"/ws/rooms/{rooms[0].join_token}/")
    assert connected
    await _until(student, "snapshot")
    await _until(student, "tutor.say")  # the greeting
    monitor, _, _ = await ws_connect(_monitor(session), professor)
    await _until(monitor, "snapshot")
    await monitor.send_json_to({"type": "session.broadcast", "text": "Five minutes left."})
    ack = await _until(monitor, "ack")
    assert ack["rooms"] == 3
    assert ack["message"] == "Sent to 3 rooms."  # words, never "session.broadcast: done."
    said = await _until(student, "tutor.say")
    assert said["text"] == "Five minutes left."
    await monitor.send_json_to(
        {"type": "room.whisper", "room": str(rooms[0].public_id), "text": "Focus on sampling bias"}
    )
    ack = await _until(monitor, "ack")
    assert ack["message"] == f"The tutor in {rooms[0].name} has your instruction."
    room = await BreakoutRoom.objects.aget(pk=rooms[0].pk)
    assert room.whisper == "Focus on sampling bias"
    assert not await room.lines.filter(text__icontains="sampling bias").aexists()
    await student.disconnect()
    await monitor.disconnect()


async def test_student_talks_and_tutor_answers(ws_connect: Any, make_session: Any) -> None:
    session = await _live_session(make_session, students=1)
    (room,) = await _rooms(session)
    student, _, _ = await ws_connect(f"/ws/rooms/{room.join_token}/")
    snapshot = await _until(student, "snapshot")
    assert snapshot["role"] == "student"
    assert snapshot["avatar"]["provider"] == "local"
    await _until(student, "tutor.say")
    await student.send_json_to(
        {"type": "turn.text", "text": "I think the mean is always in the interval"}
    )
    # The greeting's own line may still be on its way: the tutor's speech reaches its page
    # directly, the saved lines through the room's group.
    line = await _until(student, "transcript.line", lambda m: m["line"]["speaker"] == "student")
    assert line["line"]["text"] == "I think the mean is always in the interval"
    reply = await _until(student, "tutor.say")
    assert reply["text"]
    await student.send_json_to({"type": "help.set", "raised": True})
    await _until(student, "help.state")
    room = await BreakoutRoom.objects.aget(pk=room.pk)
    assert room.help_requested
    await student.send_json_to({"type": "audio.start"})
    assert (await _until(student, "error"))["code"] == "no_live_audio"
    await student.send_to(bytes_data=b"\x00" * 10)
    assert (await _until(student, "error"))["code"] == "not_listening"
    await student.disconnect()


async def test_room_tokens_and_professor_role_are_checked(
    ws_connect: Any, professor: Any, other_professor: Any, make_session: Any
) -> None:
    session = await _live_session(make_session)
    rooms = await _rooms(session)
    _, connected, code = await ws_connect("/ws/rooms/unknown-token/")
    assert (connected, code) == (False, 4404)
    path = f"/ws/rooms/{rooms[0].join_token}/?role=professor"
    _, connected, code = await ws_connect(path, other_professor)
    assert (connected, code) == (False, 4403)
    _, connected, code = await ws_connect(path)
    assert (connected, code) == (False, 4401)


async def test_signaling_is_relayed_only_between_student_and_professor(
    ws_connect: Any, professor: Any, make_session: Any
) -> None:
    session = await _live_session(make_session)
    rooms = await _rooms(session)
    student, _, _ = await ws_connect(f"/ws/rooms/{rooms[0].join_token}/")
    await _until(student, "snapshot")
    other_student, _, _ = await ws_connect(f"/ws/rooms/{rooms[1].join_token}/")
    await _until(other_student, "snapshot")
    prof, _, _ = await ws_connect(f"/ws/rooms/{rooms[0].join_token}/?role=professor", professor)
    assert (await _until(prof, "snapshot"))["role"] == "professor"
    for _ in range(10):
        room_msg = await _until(student, "room.update")
        if room_msg["room"]["professor_present"]:
            break
    assert room_msg["room"]["professor_present"] is True
    offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"
    await prof.send_json_to({"type": "rtc.signal", "kind": "offer", "sdp": offer})
    relayed = await _until(student, "rtc.signal")
    assert relayed == {"type": "rtc.signal", "kind": "offer", "sdp": offer}
    await student.send_json_to({"type": "rtc.signal", "kind": "offer", "sdp": offer})
    assert (await _until(student, "error"))["code"] == "not_allowed"
    await student.send_json_to(
        {"type": "rtc.signal", "kind": "ice", "candidate": {"candidate": "x" * 5000}}
    )
    assert (await _until(student, "error"))["code"] == "bad_field"
    await student.send_json_to({"type": "rtc.signal", "kind": "answer", "sdp": "v=0\r\n"})
    assert (await _until(prof, "rtc.signal"))["kind"] == "answer"
    while not await other_student.receive_nothing(timeout=0.1):
        message = json.loads((await other_student.receive_output())["text"])
        assert message["type"] != "rtc.signal"
    # the tutor stays silent while the professor is in the room
    await student.send_json_to({"type": "turn.text", "text": "Hello professor"})
    await _until(student, "transcript.line")
    assert await student.receive_nothing(timeout=0.3)
    await prof.disconnect()
    assert (await _until(student, "rtc.signal"))["kind"] == "hangup"
    await student.disconnect()
    await other_student.disconnect()


async def test_a_restart_goes_on_after_the_professor_closes_the_monitor(
    ws_connect: Any, professor: Any, make_session: Any, fake_providers: Any, settings: Any
) -> None:
    fake_providers.configure(settings, avatar="heygen")
    session = await _live_session(make_session)
    rooms = await _rooms(session)
    await sync_to_async(_room_failed)(rooms[0], "Avatar refused")
    fake_providers.knobs(heygen={"latency": 0.3})  # the vendor takes its time
    monitor, _, _ = await ws_connect(_monitor(session), professor)
    await _until(monitor, "snapshot")
    await monitor.send_json_to({"type": "room.restart", "room": str(rooms[0].public_id)})
    await _until(monitor, "ack")
    await monitor.disconnect()  # the professor closes the tab right away
    for _ in range(200):
        await rooms[0].arefresh_from_db()
        if rooms[0].status == BreakoutRoom.Status.ACTIVE:
            break
        await asyncio.sleep(0.05)
    assert rooms[0].status == BreakoutRoom.Status.ACTIVE
    assert rooms[0].error == ""


async def test_restart_fixes_an_errored_room_and_end_closes_rooms(
    ws_connect: Any, professor: Any, make_session: Any
) -> None:
    session = await _live_session(make_session)
    rooms = await _rooms(session)
    await sync_to_async(_room_failed)(rooms[0], "Avatar refused")
    monitor, _, _ = await ws_connect(_monitor(session), professor)
    snap = await _until(monitor, "snapshot")
    assert snap["rooms"][0]["colour"] == "red"
    assert snap["rooms"][0]["error"] == "Avatar refused"
    await monitor.send_json_to({"type": "room.restart", "room": str(rooms[0].public_id)})
    for _ in range(30):
        message = await _until(monitor, "room.update")
        if (
            message["room"]["id"] == str(rooms[0].public_id)
            and message["room"]["colour"] == "green"
        ):
            break
    else:
        raise AssertionError("room did not turn green")
    student, _, _ = await ws_connect(f"/ws/rooms/{rooms[1].join_token}/")
    await _until(student, "snapshot")
    await monitor.send_json_to({"type": "session.end"})
    ended = await _until(monitor, "session.ended", limit=60)
    assert ended["summary"]["rooms"] == 3
    assert (await _until(student, "session.ended"))["type"] == "session.ended"
    await monitor.disconnect()
    _, connected, code = await ws_connect(f"/ws/rooms/{rooms[1].join_token}/")
    assert (connected, code) == (False, 4410)
