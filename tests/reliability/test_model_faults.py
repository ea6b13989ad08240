"""Language model faults (OpenAI SDK against the fake) for interview feedback, the interview
follow-up and the classroom tutor's reply.

For streams, "connection reset" drops the connection after half of the reply was streamed
(knob `stream_reset`), so the sentences already spoken must stay in the transcript.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from classrooms import services as classes
from classrooms.models import BreakoutRoom, ClassSession, RoomTranscriptLine
from interviews.models import Attempt
from tests import factories
from tests.interviews.conftest import GOOD_ANSWER, create_interview
from tests.reliability.conftest import FAULT_LABELS, FAULTS, TRANSIENT, fault_knobs

pytestmark = pytest.mark.django_db(transaction=True)

TUTOR_REPLY = "Good start on the interval. Why would the mean fall inside it? Try one example."
FOLLOW_UP = "You said it went well. What exactly changed for your users?"


def stream_fault(fault: str, **extra: Any) -> dict[str, Any]:
    """Knobs for a streamed call: a reset happens mid-stream, the rest as for any request."""
    if fault == "reset":
        return {"stream_reset": True, **extra}
    return {**fault_knobs(fault), **extra}


def openai_in_flight(fake: Any) -> int:
    return fake.state()["in_flight"].get("openai", 0)


# --- interview feedback (structured output) -----------------------------------------------


FEEDBACK_CASES = [(f, "always") for f in FAULTS] + [(f, "once") for f in TRANSIENT]


@pytest.mark.parametrize(("fault", "mode"), FEEDBACK_CASES)
async def test_feedback_fault(
    fault: str,
    mode: str,
    fake_providers: Any,
    fast: Any,
    candidate: Any,
    bank: Any,
    driver: Any,
    cell: Any,
) -> None:
    once = mode == "once"
    row = cell(
        area="model: interview feedback (openai)",
        case=f"{FAULT_LABELS[fault]}, {'once' if once else 'every time'}",
        persona="candidate (interview)",
        expected=(
            "retried automatically; feedback arrives; answer saved"
            if once
            else "clear 'feedback failed, answer saved' message; Retry feedback works later"
        ),
    )
    fake_providers.configure(fast, llm="openai")
    fast.INTERVIEW_MAX_FOLLOWUPS = 0
    interview = await sync_to_async(create_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.send({"type": "question.next"})
    await d.ask_and_listen()
    fake_providers.knobs(openai_chat=fault_knobs(fault, times=1 if once else None))
    await d.send({"type": "answer.text", "text": GOOD_ANSWER})
    await d.until("caption", lambda m: m["final"])
    await d.send({"type": "answer.finish", "duration": 40})

    if once:
        result = await d.until("feedback.final")
        assert not any(m["type"] == "error" for m in d.seen)
        row.actual = "feedback arrived after a retry; no error shown"
    else:
        error = await d.error("feedback_failed")
        assert "saved" in error["message"]
        assert "LEAKCHECK" not in error["message"]
        state = await d.state("feedback")
        assert state["attempt"]["status"] == Attempt.Status.FEEDBACK_FAILED
        assert state["attempt"]["transcript"] == GOOD_ANSWER  # nothing lost
        fake_providers.knobs(openai_chat={"fail": None})
        await d.send({"type": "feedback.retry"})
        result = await d.until("feedback.final")
        row.actual = f"'{error['message'][:80]}'; transcript kept; Retry feedback scored it"
    assert result["attempt"]["status"] == Attempt.Status.SCORED
    assert result["attempt"]["transcript"] == GOOD_ANSWER
    await d.close()
    assert openai_in_flight(fake_providers) == 0


# --- interview follow-up (streamed) -------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS)
async def test_follow_up_stream_fault(
    fault: str,
    fake_providers: Any,
    fast: Any,
    candidate: Any,
    bank: Any,
    driver: Any,
    cell: Any,
) -> None:
    row = cell(
        area="model: interview follow-up stream (openai)",
        case=FAULT_LABELS[fault] + (" (mid-stream)" if fault == "reset" else ""),
        persona="candidate (interview)",
        expected="a follow-up is still asked (what was spoken, else the coach's gap question)",
    )
    fake_providers.configure(fast, llm="openai")
    fast.INTERVIEW_MAX_FOLLOWUPS = 1
    # The feedback call goes through; the follow-up stream after it meets the fault.
    fake_providers.knobs(
        openai_chat=stream_fault(fault, replies=[FOLLOW_UP], fail_after=1, tokens_per_second=400)
    )
    interview = await sync_to_async(create_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.send({"type": "question.next"})
    await d.ask_and_listen()
    result = await d.answer("We did it and it went well.")
    gap = result["feedback"]["follow_up"]
    followup = await d.until("followup")
    spoken = [m for m in d.seen if m["type"] == "avatar.speak"][1:]
    if fault == "reset":
        assert followup["text"] == "You said it went well."  # the half that arrived
    else:
        assert followup["text"] == gap  # the coach's question stands in for the model's
    assert " ".join(s["text"] for s in spoken) == followup["text"]  # said exactly that
    for speak in spoken:
        await d.send({"type": "avatar.speak_ended", "task_id": speak["task_id"]})
    listening = await d.state("listening")
    assert listening["attempt"]["kind"] == Attempt.Kind.FOLLOW_UP
    first = await Attempt.objects.filter(kind=Attempt.Kind.ANSWER).afirst()
    assert first is not None
    assert first.status == Attempt.Status.SCORED
    await d.close()
    row.actual = f"follow-up asked: '{followup['text'][:60]}'; first answer kept (scored)"


# --- classroom tutor reply (streamed) -----------------------------------------------------


def _active_room(professor: Any) -> BreakoutRoom:
    course = factories.make_course(professor, students=1, title="Statistics")
    session = classes.class_session_create(
        professor=professor,
        course=course,
        student_ids=list(course.students.values_list("pk", flat=True)),
    )
    return BreakoutRoom.objects.get(session=session)


async def _lines(room: BreakoutRoom) -> list[tuple[str, str]]:
    return [
        (line.speaker, line.text)
        async for line in RoomTranscriptLine.objects.filter(room=room).order_by("created_at", "id")
    ]


async def _until(comm: Any, kind: str, pred: Any = None, limit: int = 40) -> dict[str, Any]:
    for _ in range(limit):
        message = await comm.receive_json_from(timeout=5)
        if message["type"] == kind and (pred is None or pred(message)):
            return message
    raise AssertionError(f"no {kind} message")


TUTOR_CASES = [(f, "always") for f in FAULTS] + [
    (f, "once")
    for f in TRANSIENT
    if f != "reset"  # a mid-stream drop is never replayed
]


@pytest.mark.parametrize(("fault", "mode"), TUTOR_CASES)
async def test_tutor_reply_stream_fault(
    fault: str,
    mode: str,
    fake_providers: Any,
    fast: Any,
    professor: Any,
    ws_connect: Any,
    cell: Any,
) -> None:
    once = mode == "once"
    row = cell(
        area="model: classroom tutor reply stream (openai)",
        case=FAULT_LABELS[fault]
        + (" (mid-stream)" if fault == "reset" else "")
        + (", once" if once else ", every time"),
        persona="student (breakout room)",
        expected=(
            "retried before the first word; the student hears the real reply"
            if once
            else "student's line saved; sentences already spoken kept; the tutor says a short "
            "apology instead of going silent; the next question gets a real reply"
        ),
    )
    fake_providers.configure(fast, llm="openai")
    knobs = stream_fault(fault, replies=[TUTOR_REPLY])
    if once:
        knobs["fail_times"] = 1
    fake_providers.knobs(openai_chat=knobs)
    room = await sync_to_async(_active_room)(professor)
    await classes.class_session_launch(session=await ClassSession.objects.aget(pk=room.session_id))
    await room.arefresh_from_db()
    assert room.status == BreakoutRoom.Status.ACTIVE
    student, connected, code = await ws_connect(f"/ws/rooms/{room.join_token}/")
    assert connected, code
    await _until(student, "tutor.say")  # the greeting (no model involved)
    question = "Is the mean always inside the confidence interval?"
    await student.send_json_to({"type": "turn.text", "text": question})
    if once:
        first = await _until(student, "tutor.say")
        assert first["text"] == "Good start on the interval."
        await _until(student, "tutor.say", lambda m: m["text"] == "Try one example.")
        await student.disconnect()
        lines = await _lines(room)
        assert lines[1] == ("student", question)
        assert [s for s, _ in lines[2:]] == ["tutor"] * 3
        assert not any("Sorry" in t for _, t in lines)
        row.actual = "the model's reply after one retry; no apology; transcript intact"
        return
    apology = await _until(student, "tutor.say", lambda m: "Sorry" in m["text"])

    fake_providers.knobs(openai_chat={"fail": None, "stream_reset": None})
    await student.send_json_to({"type": "turn.text", "text": "Could you give me a hint?"})
    hint = await _until(student, "tutor.say", lambda m: m["text"] == "Good start on the interval.")
    await _until(student, "tutor.say", lambda m: m["text"] == "Try one example.")
    await student.disconnect()

    lines = await _lines(room)
    speakers = [s for s, _ in lines]
    assert lines[1] == ("student", question)
    assert speakers.count("student") == 2
    if fault == "reset":
        assert lines[2] == ("tutor", "Good start on the interval.")  # spoken before the drop
    assert apology["text"] in [t for _, t in lines]
    assert hint["text"] in [t for _, t in lines]
    row.actual = (
        f"apology '{apology['text'][:40]}…'; {len(lines)} transcript lines intact; "
        "next question answered by the model"
    )
