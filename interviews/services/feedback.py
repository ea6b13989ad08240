"""The coach's feedback as the live interview needs it: each step is one thread hop (submit
and read what feedback needs; save the feedback, enter follow_up and read the new state)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from config.lifecycle import InvalidTransition
from config.ratelimit import RateLimited, rate_limit_hit
from interviews.coaching import AnswerInput
from interviews.models import Attempt, InterviewQuestion, MockInterview
from interviews.selectors.live import build_state, follow_ups_left
from interviews.services.live import (
    attempt_answer_input,
    attempt_record_feedback,
    attempt_submit,
    interview_begin_follow_up,
)


@dataclass
class FeedbackJob:
    """Everything the feedback step needs, read once (in the same thread hop as the submit)."""

    attempt: Attempt
    answer: AnswerInput
    follow_ups_left: int
    context: dict[str, Any]  # the follow-up prompt's context, without the gap
    # Set when the candidate asked for feedback too often: seconds until it is allowed again.
    limited_for: int | None = None


def attempt_feedback_job(*, interview_id: int, user_id: int) -> FeedbackJob | None:
    """The submitted answer to give feedback on (None when there is none), rate limited."""
    interview = MockInterview.objects.select_related("current_attempt").get(pk=interview_id)
    attempt = interview.current_attempt
    if attempt is None or attempt.status != Attempt.Status.SUBMITTED:
        return None
    question = InterviewQuestion.objects.get(pk=attempt.question_id)
    limited_for: int | None = None
    try:
        rate_limit_hit(user_id=user_id, action="feedback_request")
    except RateLimited as exc:
        limited_for = exc.retry_after
    return FeedbackJob(
        attempt=attempt,
        answer=attempt_answer_input(attempt=attempt),
        follow_ups_left=follow_ups_left(question=question),
        context={
            "question": question.text,
            "transcript": attempt.transcript,
            "persona": interview.persona,
            "existing": "",
        },
        limited_for=limited_for,
    )


def attempt_submit_for_feedback(
    *, interview: MockInterview, duration: float, user_id: int
) -> FeedbackJob:
    """ "Finish answer" in one thread hop: submit, and read what feedback needs."""
    attempt_submit(interview=interview, duration=duration)
    job = attempt_feedback_job(interview_id=interview.pk, user_id=user_id)
    if job is None:  # cannot happen: the submit above committed a submitted attempt
        raise InvalidTransition("Attempt", "?", Attempt.Status.SUBMITTED)
    return job


def attempt_feedback_save(
    *, interview_id: int, attempt: Attempt, feedback: dict[str, Any], follow_up: bool
) -> tuple[Attempt, bool, dict[str, Any]]:
    """Save the feedback, enter follow_up when wanted (and allowed), and the new state."""
    attempt = attempt_record_feedback(attempt=attempt, feedback=feedback)
    started = False
    if follow_up:
        try:
            started = interview_begin_follow_up(
                interview=MockInterview.objects.get(pk=interview_id)
            )
        except InvalidTransition:
            started = False
    return attempt, started, build_state(interview_id)
