"""The room as a live conversation: the student just talks (the transcriber's end of utterance
ends the turn), talking over the tutor interrupts it (the vendor avatar too), and every turn's
timings are saved. Real clients against the fake vendor server."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from avatars.models import VoiceTurn
from classrooms import services
from classrooms.models import BreakoutRoom, ClassSession, RoomTranscriptLine
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

QUESTION = "What does the interval tell me"
AGAIN = "wait stop please"


def _room(professor: Any) -> BreakoutRoom:
    course = factories.make_course(professor, students=1, title="Statistics")
    session = services.class_session_create(
        professor=professor,
        course=course,
        student_ids=list(course.students.values_list("pk", flat=True)),
    )
    return BreakoutRoom.objects.get(session=session)


async def _active_room(professor: Any) -> BreakoutRoom:
    room = await sync_to_async(_room)(professor)
    await services.class_session_launch(session=await ClassSession.objects.aget(pk=room.session_id))
    await room.arefresh_from_db()
    assert room.status == BreakoutRoom.Status.ACTIVE
    return room


async def _until(comm: Any, kind: str, pred: Any = None, limit: int = 60) -> dict[str, Any]:
    for _ in range(limit):
        message = await comm.receive_json_from(timeout=10)
        if message["type"] == kind and (pred is None or pred(message)):
            return message
    raise AssertionError(f"no {kind} message")


async def _lines(room: BreakoutRoom) -> list[RoomTranscriptLine]:
    return [line async for line in room.lines.order_by("created_at", "id")]


async def _greeted(ws_connect: Any, room: BreakoutRoom) -> Any:
    student, connected, code = await ws_connect(f"/ws/rooms/{room.join_token}/")
    assert connected, code
    greeting = await _until(student, "tutor.say")
    await student.send_json_to({"type": "avatar.speak_ended", "task_id": greeting["task_id"]})
    return student


async def test_the_end_of_an_utterance_ends_the_turn_and_the_tutor_answers(
    fake_providers: Any, settings: Any, ws_connect: Any, professor: Any
) -> None:
    fake_providers.configure(settings, transcriber="deepgram")
    fake_providers.knobs(deepgram_live={"utterances": [QUESTION], "words_per_chunk": 1})
    room = await _active_room(professor)
    student = await _greeted(ws_connect, room)
    await student.send_json_to({"type": "audio.start"})
    await _until(student, "audio.ready")
    for _ in QUESTION.split():
        await student.send_to(bytes_data=b"\x01" * 64)
    interim = await _until(student, "caption")
    assert interim["final"] is False
    # No "audio.stop", no typing: the transcriber's speech_final ends the student's turn.
    line = await _until(student, "transcript.line", lambda m: m["line"]["speaker"] == "student")
    assert line["line"]["text"] == QUESTION
    assert line["line"]["source"] == "voice"
    reply = await _until(student, "tutor.say")
    assert reply["text"]
    assert reply["task_id"]
    assert reply["timeout"] > 0
    await student.send_json_to({"type": "avatar.speak_started", "task_id": reply["task_id"]})
    await student.send_json_to({"type": "avatar.speak_ended", "task_id": reply["task_id"]})
    await student.disconnect()

    turn = await VoiceTurn.objects.aget(kind=VoiceTurn.Kind.ROOM)
    assert turn.conversation == str(room.public_id)
    assert turn.model_provider == "local"
    assert not turn.interrupted
    steps = [turn.model_request_ms, turn.first_sentence_ms, turn.speak_command_ms]
    assert all(step is not None for step in steps)
    assert steps == sorted(steps)
    assert turn.avatar_talking_ms is not None
    assert turn.avatar_talking_ms >= turn.speak_command_ms
    assert fake_providers.state()["open_sessions"]["deepgram"] == 0


async def test_talking_over_the_tutor_interrupts_the_vendor_avatar_and_the_reply(
    fake_providers: Any, settings: Any, ws_connect: Any, professor: Any
) -> None:
    fake_providers.configure(settings, avatar="heygen", transcriber="deepgram")
    fake_providers.knobs(deepgram_live={"utterances": [QUESTION, AGAIN], "words_per_chunk": 1})
    room = await _active_room(professor)
    student = await _greeted(ws_connect, room)
    await student.send_json_to({"type": "audio.start"})
    await _until(student, "audio.ready")
    for _ in QUESTION.split():
        await student.send_to(bytes_data=b"\x01" * 64)
    reply = await _until(student, "tutor.say")
    await student.send_json_to({"type": "avatar.speak_started", "task_id": reply["task_id"]})
    interrupts_before = fake_providers.state()["requests"].get("heygen.interrupt", 0)

    # The student starts talking again while the tutor speaks: speech started -> barge-in.
    await student.send_to(bytes_data=b"\x01" * 64)
    await _until(student, "tutor.interrupt")
    assert fake_providers.state()["requests"].get("heygen.interrupt", 0) > interrupts_before
    for _ in AGAIN.split()[1:]:
        await student.send_to(bytes_data=b"\x01" * 64)
    second = await _until(student, "transcript.line", lambda m: m["line"]["text"] == AGAIN)
    assert second["line"]["speaker"] == "student"
    await _until(student, "tutor.say")  # the tutor answers the new turn
    await student.disconnect()

    lines = await _lines(room)
    said = [line for line in lines if line.speaker == "tutor" and line.text == reply["text"]]
    assert said
    assert said[0].interrupted
    assert [line.text for line in lines if line.speaker == "student"] == [QUESTION, AGAIN]
    turns = [t async for t in VoiceTurn.objects.filter(kind="room").order_by("user_done_at")]
    assert turns[0].interrupted
    assert turns[0].avatar_provider == "heygen"
    assert fake_providers.state()["open_sessions"]["deepgram"] == 0


async def test_a_final_browser_caption_ends_the_turn_and_interim_words_interrupt(
    ws_connect: Any, professor: Any
) -> None:
    room = await _active_room(professor)
    student = await _greeted(ws_connect, room)
    await student.send_json_to({"type": "turn.caption", "text": QUESTION, "final": True})
    line = await _until(student, "transcript.line", lambda m: m["line"]["speaker"] == "student")
    assert line["line"]["text"] == QUESTION
    reply = await _until(student, "tutor.say")
    await student.send_json_to({"type": "turn.caption", "text": "hang on", "final": False})
    await _until(student, "tutor.interrupt")
    await student.disconnect()
    line = await RoomTranscriptLine.objects.filter(room=room, text=reply["text"]).afirst()
    assert line is not None
    assert line.interrupted


async def test_the_tutor_is_silent_while_the_professor_is_in_even_for_voice(
    ws_connect: Any, professor: Any
) -> None:
    room = await _active_room(professor)
    student = await _greeted(ws_connect, room)
    prof, connected, _ = await ws_connect(f"/ws/rooms/{room.join_token}/?role=professor", professor)
    assert connected
    await _until(student, "room.update", lambda m: m["room"]["professor_present"])
    await student.send_json_to({"type": "turn.caption", "text": QUESTION, "final": True})
    await _until(student, "transcript.line", lambda m: m["line"]["speaker"] == "student")
    relayed = await _until(prof, "transcript.line", lambda m: m["line"]["speaker"] == "student")
    assert relayed["line"]["text"] == QUESTION
    assert await student.receive_nothing(timeout=0.5)
    await prof.disconnect()
    await student.disconnect()
    assert not await VoiceTurn.objects.aexists()


async def test_a_model_tutors_turn_records_when_its_first_token_arrived(
    fake_providers: Any, settings: Any, ws_connect: Any, professor: Any
) -> None:
    fake_providers.configure(settings, llm="openai")
    fake_providers.knobs(openai={"replies": ["Good question. What would change if n doubled?"]})
    room = await _active_room(professor)
    student = await _greeted(ws_connect, room)
    await student.send_json_to({"type": "turn.text", "text": QUESTION})
    reply = await _until(student, "tutor.say")
    await student.send_json_to({"type": "avatar.speak_started", "task_id": reply["task_id"]})
    await student.send_json_to({"type": "avatar.speak_ended", "task_id": reply["task_id"]})
    await student.disconnect()

    turn = await VoiceTurn.objects.aget(kind=VoiceTurn.Kind.ROOM)
    assert turn.model_provider == "openai"
    steps = [turn.model_request_ms, turn.first_token_ms, turn.first_sentence_ms]
    assert all(step is not None for step in steps), steps
    assert steps == sorted(steps)


async def test_a_student_who_arrived_early_is_greeted_when_the_tutor_is_up(
    settings: Any, ws_connect: Any, professor: Any
) -> None:
    course = await sync_to_async(factories.make_course)(professor, students=1, title="Statistics")
    session = await sync_to_async(services.class_session_prepare)(
        professor=professor,
        course=course,
        student_ids=[s.pk async for s in course.students.all()],
    )
    room = await BreakoutRoom.objects.aget(session=session)
    student, connected, code = await ws_connect(f"/ws/rooms/{room.join_token}/")
    assert connected, code
    await _until(student, "snapshot")
    assert not await RoomTranscriptLine.objects.filter(room=room).aexists()  # nobody to greet yet

    await sync_to_async(services.class_session_start)(session=session, professor=professor)
    await services.class_session_launch(session=await ClassSession.objects.aget(pk=session.pk))
    greeting = await _until(student, "tutor.say")
    assert greeting["text"]
    lines = [line async for line in room.lines.all()]
    assert [(line.speaker, line.source) for line in lines] == [("tutor", "greeting")]
    await student.disconnect()


async def test_a_student_who_typed_before_the_start_is_answered_when_the_tutor_is_up(
    settings: Any, ws_connect: Any, professor: Any
) -> None:
    course = await sync_to_async(factories.make_course)(professor, students=1, title="Statistics")
    session = await sync_to_async(services.class_session_prepare)(
        professor=professor,
        course=course,
        student_ids=[s.pk async for s in course.students.all()],
    )
    room = await BreakoutRoom.objects.aget(session=session)
    student, connected, code = await ws_connect(f"/ws/rooms/{room.join_token}/")
    assert connected, code
    await _until(student, "snapshot")
    await student.send_json_to({"type": "turn.text", "text": QUESTION})
    waiting = await _until(student, "error")
    assert waiting["code"] == "tutor_unavailable"
    assert "answers it as soon as it has started" in waiting["message"]

    await sync_to_async(services.class_session_start)(session=session, professor=professor)
    await services.class_session_launch(session=await ClassSession.objects.aget(pk=session.pk))
    reply = await _until(student, "tutor.say")
    assert reply["text"]
    lines = [
        (line.speaker, line.text, line.source)
        async for line in room.lines.order_by("created_at", "id")
    ]
    assert lines[0] == ("student", QUESTION, "typed")
    assert lines[1:]
    assert {speaker for speaker, _, _ in lines[1:]} == {"tutor"}
    assert "greeting" not in {source for _, _, source in lines}  # answered, not greeted
    await student.disconnect()
