"""The teaching tutor through the room socket: a student states a misconception from the
professor's material and hears the professor's guiding question; the report's data is saved."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from classrooms import services
from classrooms.models import BreakoutRoom, MisconceptionHit, RoomTranscriptLine

pytestmark = pytest.mark.django_db(transaction=True)

NOTES = """# Confidence intervals

The 95% describes the method: about 95% of the intervals built this way contain the true mean.

Misconception: A 95% confidence interval has a 95% probability of containing the true mean.
Ask: If a hundred classmates each built a 95% interval, what would the 95% describe?
"""
ASK = "If a hundred classmates each built a 95% interval, what would the 95% describe?"


async def _until(comm: Any, kind: str, pred: Any = None, limit: int = 60) -> dict[str, Any]:
    for _ in range(limit):
        message = await comm.receive_json_from(timeout=10)
        if message["type"] == kind and (pred is None or pred(message)):
            return message
    raise AssertionError(f"no {kind} message")


async def _reply(comm: Any, sentences: int) -> list[str]:
    """The tutor's next reply as the student hears it (each sentence acknowledged as spoken)."""
    heard = []
    for _ in range(sentences):
        say = await _until(comm, "tutor.say")
        heard.append(say["text"])
        await comm.send_json_to({"type": "avatar.speak_ended", "task_id": say["task_id"]})
    return heard


async def test_a_student_states_the_misconception_and_hears_the_professors_question(
    ws_connect: Any, make_session: Any, course: Any
) -> None:
    await sync_to_async(services.course_material_add)(
        course=course, filename="notes.md", raw=NOTES.encode()
    )
    session = await sync_to_async(make_session)(students=1)
    await services.class_session_launch(session=session)
    room = await BreakoutRoom.objects.aget(session=session)
    student, connected, code = await ws_connect(f"/ws/rooms/{room.join_token}/")
    assert connected, code
    await _reply(student, 1)  # the greeting

    said = "So is it the probability that the true mean is in the interval?"
    await student.send_json_to({"type": "turn.text", "text": said})
    heard = await _reply(student, 2)
    assert heard[-1] == ASK
    assert not any("Misconception" in text for text in heard)

    hit = await MisconceptionHit.objects.select_related("line").aget(room=room)
    assert hit.key == "a-95-confidence-interval-has-a-95-probability-of-containing-the"
    assert hit.line is not None
    assert hit.line.text == said
    assert hit.line.speaker == RoomTranscriptLine.Speaker.STUDENT
    first = await RoomTranscriptLine.objects.aget(room=room, speaker="tutor", text=heard[0])
    assert first.grounded is True
    assert first.sources[0]["heading"] == "Confidence intervals"

    await student.send_json_to({"type": "turn.text", "text": "Who won the football last night?"})
    off_topic = await _reply(student, 3)
    assert "notes" in off_topic[0]
    assert "guess" in off_topic[0]
    assert "noted your question" in off_topic[1]
    line = await RoomTranscriptLine.objects.aget(room=room, speaker="tutor", text=off_topic[0])
    assert line.grounded is False
    assert line.sources == []
    assert await MisconceptionHit.objects.filter(room=room).acount() == 1
    await student.disconnect()


async def test_a_burst_of_lines_gets_one_answer_to_the_last_line(
    ws_connect: Any, make_session: Any, course: Any
) -> None:
    """Typing several lines while the tutor answers does not queue a reply per line: every
    line is saved, the reply in flight is cut short, and the tutor answers the latest."""
    from avatars.models import VoiceTurn

    await sync_to_async(services.course_material_add)(
        course=course, filename="notes.md", raw=NOTES.encode()
    )
    session = await sync_to_async(make_session)(students=1)
    await services.class_session_launch(session=session)
    room = await BreakoutRoom.objects.aget(session=session)
    student, connected, code = await ws_connect(f"/ws/rooms/{room.join_token}/")
    assert connected, code
    await _reply(student, 1)  # the greeting

    burst = [f"Hmm, let me think about sampling, part {n}." for n in range(7)]
    burst.append("So is it the probability that the true mean is in the interval?")
    for text in burst:
        await student.send_json_to({"type": "turn.text", "text": text})
    said = await _until(student, "tutor.say", lambda m: m["text"] == ASK)
    await student.send_json_to({"type": "avatar.speak_ended", "task_id": said["task_id"]})
    await student.disconnect()

    saved = [
        line.text
        async for line in RoomTranscriptLine.objects.filter(room=room, speaker="student").order_by(
            "created_at", "id"
        )
    ]
    assert saved == burst  # every line is kept for the professor
    replies = await VoiceTurn.objects.filter(kind="room", model_request_ms__isnull=False).acount()
    assert 1 <= replies <= 2, replies  # not one reply per line
    hit = await MisconceptionHit.objects.select_related("line").aget(room=room)
    assert hit.line is not None
    assert hit.line.text == burst[-1]
