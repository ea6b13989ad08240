"""What the coach's feedback and the follow-up question need (sync reads and writes, each in
one thread hop) and the follow-up prompt."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from avatars.providers.base import ChatMessage
from config.lifecycle import InvalidTransition
from config.ratelimit import RateLimited, rate_limit_hit
from interviews import services
from interviews.coaching import AnswerInput
from interviews.live.state import build_state
from interviews.models import Attempt, InterviewQuestion, MockInterview

DEFAULT_FOLLOW_UP = "Can you tell me more about the result of what you did?"


def follow_up_context(interview_id: int) -> dict[str, Any] | None:
    interview = MockInterview.objects.select_related(
        "current_attempt__question", "current_follow_up"
    ).get(pk=interview_id)
    attempt = interview.current_attempt
    if attempt is None:
        return None
    feedback = attempt.feedback or {}
    return {
        "question": attempt.question.text,
        "transcript": attempt.transcript,
        "gap": feedback.get("follow_up") or "",
        "persona": interview.persona,
        "existing": interview.current_follow_up.text if interview.current_follow_up else "",
    }


@dataclass
class FeedbackJob:
    """Everything the feedback step needs, read once (in the same thread hop as the submit)."""

    attempt: Attempt
    answer: AnswerInput
    follow_ups_left: int
    context: dict[str, Any]  # the follow-up prompt's context, without the gap
    # Set when the candidate asked for feedback too often: seconds until it is allowed again.
    limited_for: int | None = None


def feedback_job(interview_id: int, user_id: int) -> FeedbackJob | None:
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
        answer=services.attempt_answer_input(attempt=attempt),
        follow_ups_left=services.follow_ups_left(question=question),
        context={
            "question": question.text,
            "transcript": attempt.transcript,
            "persona": interview.persona,
            "existing": "",
        },
        limited_for=limited_for,
    )


def submit_answer(interview: MockInterview, duration: float, user_id: int) -> FeedbackJob:
    """ "Finish answer" in one thread hop: submit, read what feedback needs, the new state."""
    services.attempt_submit(interview=interview, duration=duration)
    job = feedback_job(interview.pk, user_id)
    if job is None:  # cannot happen: the submit above committed a submitted attempt
        raise InvalidTransition("Attempt", "?", Attempt.Status.SUBMITTED)
    return job


def record_feedback(
    interview_id: int, attempt: Attempt, feedback: dict[str, Any], *, follow_up: bool
) -> tuple[Attempt, bool, dict[str, Any]]:
    """Save the feedback, enter follow_up when wanted (and allowed), and the new state."""
    attempt = services.attempt_record_feedback(attempt=attempt, feedback=feedback)
    started = False
    if follow_up:
        try:
            started = services.interview_begin_follow_up(
                interview=MockInterview.objects.get(pk=interview_id)
            )
        except InvalidTransition:
            started = False
    return attempt, started, build_state(interview_id)


@dataclass
class FollowUpDraft:
    """A follow-up being written by the model; its sentences wait here until it may be said."""

    gap: str  # what the prompt asked to probe (stored on the FollowUp)
    fallback: str  # said instead when the model produced nothing
    sentences: asyncio.Queue[str | None] = field(default_factory=asyncio.Queue)
    task: asyncio.Task[Any] | None = None


PERSONA_STYLE = {
    "friendly": "warm and encouraging",
    "neutral": "polite and matter-of-fact",
    "tough": "direct and probing, without being rude",
}


def follow_up_messages(ctx: dict[str, Any]) -> list[ChatMessage]:
    style = PERSONA_STYLE.get(ctx["persona"], PERSONA_STYLE["neutral"])
    return [
        ChatMessage(
            role="system",
            content=(
                f"You are a {style} job interviewer. Ask exactly one short follow-up question "
                "(at most two sentences) that makes the candidate fill the gap named below. "
                "Speak directly to the candidate; no preamble, no lists."
            ),
        ),
        ChatMessage(
            role="user",
            content=(
                f"Question: {ctx['question']}\nAnswer: {ctx['transcript'][:4000]}\n"
                f"Gap to probe: {ctx['gap']}"
            ),
        ),
    ]
