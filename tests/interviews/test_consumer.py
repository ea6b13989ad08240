"""The live interview protocol end to end over the real ASGI stack (local providers)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from avatars.models import AvatarSession
from interviews.models import Attempt, InterviewEvent, MockInterview
from tests.interviews.conftest import GOOD_ANSWER, refresh

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def no_followups(settings: Any) -> None:
    settings.INTERVIEW_MAX_FOLLOWUPS = 0


async def test_whole_interview_with_retry_and_best_attempt(
    candidate, make_interview, driver, no_followups
) -> None:
    interview = await sync_to_async(make_interview)(candidate, count=2)
    d = await driver(interview, candidate)
    first = await d.recv()
    assert first["type"] == "state"
    assert first["state"] == "warm_up"
    assert first["question_count"] == 2
    connection = await d.start()
    assert connection["connection"]["provider"] == "local"

    await d.send({"type": "question.next"})
    asking = await d.state("asking")
    assert asking["question_number"] == 1
    speak = await d.until("avatar.speak")
    assert speak["text"] == asking["question"]["text"]
    assert speak["timeout"] > 3
    listening = await d.ask_and_listen()
    assert listening["attempt"]["number"] == 1
    assert listening["attempt"]["status"] == "recording"

    weak = await d.answer("I fixed it.")
    assert weak["attempt"]["status"] == "scored"
    feedback_state = await d.state("feedback")
    assert feedback_state["attempt"]["feedback"]["overall"] == weak["feedback"]["overall"]

    # Try again: a new attempt to the same question; the better one becomes the best.
    await d.send({"type": "attempt.retry"})
    retry = await d.state("listening")
    assert retry["attempt"]["number"] == 2
    strong = await d.answer(GOOD_ANSWER)
    assert strong["feedback"]["overall"] > weak["feedback"]["overall"]
    after = await d.state("feedback")
    assert [a["is_best"] for a in after["attempts"]] == [False, True]

    await d.send({"type": "question.next"})
    second = await d.state("asking")
    assert second["question_number"] == 2
    assert second["is_last"] is True
    await d.ask_and_listen()
    await d.answer(GOOD_ANSWER)
    await d.state("feedback")
    await d.send({"type": "question.next"})
    done = await d.state("completed")
    assert done["report_url"].endswith(f"/interviews/{interview.public_id}/report/")
    await d.close()

    await refresh(interview)
    assert interview.status == MockInterview.Status.COMPLETED
    assert interview.completed_at is not None
    session = await AvatarSession.objects.aget(pk=interview.avatar_session_id)
    assert session.status == AvatarSession.Status.ENDED
    events = [e async for e in InterviewEvent.objects.filter(interview=interview).order_by("id")]
    assert [e.to_status for e in events][:6] == [
        "created",
        "warm_up",
        "asking",
        "listening",
        "processing",
        "feedback",
    ]


async def test_follow_up_is_asked_when_the_answer_leaves_a_gap(
    candidate, make_interview, driver, settings
) -> None:
    settings.INTERVIEW_MAX_FOLLOWUPS = 1
    interview = await sync_to_async(make_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.send({"type": "question.next"})
    await d.ask_and_listen()
    feedback = await d.answer("We did it.")
    assert feedback["feedback"]["follow_up"]
    state = await d.state("follow_up")
    assert state["follow_ups_left"] == 0 or state["follow_ups_left"] == 1
    speak = await d.until("avatar.speak")
    followup = await d.until("followup")
    assert followup["text"] == speak["text"]
    await d.send({"type": "avatar.speak_ended", "task_id": speak["task_id"]})
    listening = await d.state("listening")
    assert listening["attempt"]["kind"] == "follow_up"
    assert listening["follow_up"]["text"] == followup["text"]
    answered = await d.answer(GOOD_ANSWER)
    assert answered["attempt"]["kind"] == "follow_up"
    # The follow-up answer is tracked separately: the first answer stays the best answer.
    final = await d.state("feedback")
    assert final["follow_ups_left"] == 0
    kinds = {(a["kind"], a["is_best"]) for a in final["attempts"]}
    assert ("answer", True) in kinds
    assert ("follow_up", False) in kinds
    await d.close()


async def test_follow_up_can_be_skipped(candidate, make_interview, driver, settings) -> None:
    settings.INTERVIEW_MAX_FOLLOWUPS = 2
    interview = await sync_to_async(make_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.send({"type": "question.next"})
    await d.ask_and_listen()
    await d.answer("We did it.")
    await d.state("follow_up")
    await d.until("followup")
    await d.send({"type": "followup.skip"})
    back = await d.state("feedback")
    assert back["attempt"]["kind"] == "answer"
    assert back["follow_up"] is None
    await d.close()


async def test_start_over_discards_without_feedback(
    candidate, make_interview, driver, no_followups
) -> None:
    interview = await sync_to_async(make_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.send({"type": "question.next"})
    listening = await d.ask_and_listen()
    await d.send({"type": "answer.caption", "text": "um let me start again", "final": True})
    await d.until("caption")
    await d.send({"type": "answer.discard"})
    cleared = await d.state("listening")
    assert cleared["attempt"]["id"] == listening["attempt"]["id"]
    assert cleared["attempt"]["transcript"] == ""
    assert not any(m["type"].startswith("feedback") for m in d.seen)
    # Finishing with nothing said is refused with a reason, and the attempt stays open.
    await d.send({"type": "answer.finish"})
    error = await d.error("invalid")
    assert "answer" in error["message"]
    await d.close()


async def test_feedback_failure_keeps_the_answer_and_can_be_retried(
    candidate, make_interview, driver, settings, no_followups
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "feedback_request": "0/3600"}
    interview = await sync_to_async(make_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.send({"type": "question.next"})
    await d.ask_and_listen()
    await d.send({"type": "answer.text", "text": GOOD_ANSWER})
    await d.send({"type": "answer.finish"})
    error = await d.error("feedback_failed")
    assert "saved" in error["message"]
    failed = await d.state("feedback")
    assert failed["attempt"]["status"] == "feedback_failed"
    assert failed["attempt"]["transcript"] == GOOD_ANSWER
    # Out of state: retrying "try again" style feedback for a good attempt is refused...
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "feedback_request": "100/3600"}
    await d.send({"type": "feedback.retry"})
    await d.state("processing")
    final = await d.until("feedback.final")
    assert final["attempt"]["status"] == "scored"
    await d.state("feedback")
    await d.send({"type": "feedback.retry"})
    await d.error("out_of_state")
    await d.close()


async def test_reconnect_mid_answer_keeps_final_segments(
    candidate, make_interview, driver, no_followups
) -> None:
    interview = await sync_to_async(make_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.send({"type": "question.next"})
    await d.ask_and_listen()
    await d.send({"type": "answer.caption", "text": "When our latency doubled", "final": True})
    await d.until("caption")
    await d.send({"type": "answer.caption", "text": "I profiled the service", "final": False})
    await d.close()

    d2 = await driver(interview, candidate)
    await d2.send({"type": "hello"})
    resumed = await d2.state("listening")
    assert resumed["attempt"]["transcript"] == "When our latency doubled"
    await d2.send({"type": "answer.caption", "text": "and cut p95 by half.", "final": True})
    await d2.until("caption")
    await d2.send({"type": "answer.finish"})
    final = await d2.until("feedback.final")
    assert final["attempt"]["transcript"] == "When our latency doubled and cut p95 by half."
    await d2.close()


async def test_reconnect_while_asking_repeats_the_question(
    candidate, make_interview, driver
) -> None:
    interview = await sync_to_async(make_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.send({"type": "question.next"})
    first = await d.until("avatar.speak")
    await d.close()

    d2 = await driver(interview, candidate)
    await d2.send({"type": "hello"})
    again = await d2.until("avatar.speak")
    assert again["text"] == first["text"]
    # A stale end event from the old page is ignored; the new one moves on.
    await d2.send({"type": "avatar.speak_ended", "task_id": first["task_id"]})
    await d2.send({"type": "avatar.speak_ended", "task_id": again["task_id"]})
    await d2.state("listening")
    await d2.close()


async def test_reconnect_while_page_still_speaking_waits_for_its_end(
    candidate, make_interview, driver
) -> None:
    interview = await sync_to_async(make_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.send({"type": "question.next"})
    first = await d.until("avatar.speak")
    await d.close()

    d2 = await driver(interview, candidate)
    await d2.send({"type": "hello", "speaking_task_id": first["task_id"]})
    await d2.until("state")
    await d2.send({"type": "avatar.speak_ended", "task_id": first["task_id"]})
    await d2.state("listening")
    assert not any(m["type"] == "avatar.speak" for m in d2.seen)
    await d2.close()


async def test_duplicate_and_unknown_speech_events_do_not_move_state(
    candidate, make_interview, driver
) -> None:
    interview = await sync_to_async(make_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.send({"type": "question.next"})
    speak = await d.until("avatar.speak")
    await d.send({"type": "avatar.speak_ended", "task_id": "not-a-task-we-sent"})
    await d.send({"type": "hello", "speaking_task_id": speak["task_id"]})
    still = await d.state("asking")
    assert still["state"] == "asking"
    await d.send({"type": "avatar.speak_ended", "task_id": speak["task_id"]})
    listening = await d.state("listening")
    await d.send({"type": "avatar.speak_ended", "task_id": speak["task_id"]})
    await d.send({"type": "hello"})
    again = await d.state("listening")
    assert again["attempt"]["id"] == listening["attempt"]["id"]
    assert await Attempt.objects.filter(question__interview=interview).acount() == 1
    await d.close()


async def test_answer_start_interrupts_the_question(candidate, make_interview, driver) -> None:
    interview = await sync_to_async(make_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.send({"type": "question.next"})
    await d.until("avatar.speak")
    await d.send({"type": "answer.start"})
    await d.state("listening")
    await d.close()


async def test_end_interview_early_stops_the_avatar(candidate, make_interview, driver) -> None:
    interview = await sync_to_async(make_interview)(candidate, count=3)
    d = await driver(interview, candidate)
    await d.start()
    await d.send({"type": "question.next"})
    await d.ask_and_listen()
    await d.send({"type": "interview.end"})
    await d.state("completed")
    await d.send({"type": "question.next"})
    await d.error("out_of_state")
    await d.close()
    await refresh(interview)
    assert interview.status == MockInterview.Status.COMPLETED
    session = await AvatarSession.objects.aget(pk=interview.avatar_session_id)
    assert session.status == AvatarSession.Status.ENDED


BAD_FRAMES = [
    pytest.param("not json", "bad_json", id="not-json"),
    pytest.param("[1, 2]", "bad_message", id="not-an-object"),
    pytest.param('{"text": "hi"}', "bad_message", id="no-type"),
    pytest.param('{"type": 7}', "bad_message", id="type-not-string"),
    pytest.param('{"type": "launch.missiles"}', "unknown_type", id="unknown-type"),
    pytest.param('{"type": "answer.text"}', "bad_field", id="missing-field"),
    pytest.param('{"type": "answer.text", "text": 12}', "bad_field", id="wrong-type"),
    pytest.param(
        '{"type": "answer.caption", "text": "x", "final": "yes"}', "bad_field", id="str-bool"
    ),
    pytest.param('{"type": "answer.finish", "duration": true}', "bad_field", id="bool-number"),
    pytest.param('{"type": "avatar.speak_ended", "task_id": ""}', "bad_field", id="empty-task"),
    pytest.param('{"type": "answer.finish"}', "out_of_state", id="finish-in-warm-up"),
    pytest.param('{"type": "answer.text", "text": "hello"}', "out_of_state", id="text-in-warm-up"),
    pytest.param('{"type": "attempt.retry"}', "out_of_state", id="retry-in-warm-up"),
    pytest.param('{"type": "followup.skip"}', "out_of_state", id="skip-in-warm-up"),
    pytest.param('{"type": "feedback.retry"}', "out_of_state", id="feedback-retry-in-warm-up"),
]


@pytest.mark.parametrize(("frame", "code"), BAD_FRAMES)
async def test_bad_input_gets_an_error_frame_and_changes_nothing(
    candidate, make_interview, driver, frame: str, code: str
) -> None:
    interview = await sync_to_async(make_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.comm.send_to(text_data=frame)
    error = await d.error()
    assert error["code"] == code
    assert error["message"]
    # The consumer is alive and the interview untouched.
    await d.send({"type": "hello"})
    state = await d.state("warm_up")
    assert state["attempt"] is None
    await d.close()


async def test_oversized_messages_are_refused(candidate, make_interview, driver, settings) -> None:
    settings.WS_MAX_MESSAGE_BYTES = 1000
    settings.WS_MAX_AUDIO_CHUNK_BYTES = 1000
    interview = await sync_to_async(make_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.comm.send_to(text_data=json.dumps({"type": "answer.text", "text": "x" * 2000}))
    assert (await d.error())["code"] == "too_large"
    await d.comm.send_to(bytes_data=b"\x00" * 2000)
    assert (await d.error())["code"] == "too_large"
    await d.send({"type": "question.next"})
    await d.ask_and_listen()
    # In listening, with the local transcriber, audio is not used (captions come from the page).
    await d.comm.send_to(bytes_data=b"\x1a\x45\xdf\xa3")
    assert (await d.error())["code"] == "audio_unsupported"
    await d.close()


async def test_another_tab_sees_the_interview_end_and_the_ender_is_told_once(
    candidate, make_interview, driver
) -> None:
    interview = await sync_to_async(make_interview)(candidate, count=1)
    first = await driver(interview, candidate)
    await first.start()
    second = await driver(interview, candidate)
    await second.start()
    await first.send({"type": "interview.end"})
    await first.state("completed")
    await second.state("completed")  # the other tab learns it through the group
    assert await first.comm.receive_nothing(timeout=0.5)  # no echo of its own change
    assert len([m for m in first.seen if m.get("state") == "completed"]) == 1
    await first.close()
    await second.close()
