"""The live interview (writes): opening, asking, listening, saved answer segments, attempts, feedback and follow-ups.

Every status change goes through `config.lifecycle.transition` (conditional UPDATE + event row),
so a late or duplicated event (a second "speak ended", a feedback result arriving after the
candidate ended the interview) can never move an interview backwards: it raises
`InvalidTransition`, or is a no-op, and the caller reports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from config.errors import InvalidInput
from config.lifecycle import InvalidTransition, record_created, transition
from interviews.coaching import AnswerInput
from interviews.models import (
    Attempt,
    FollowUp,
    InterviewQuestion,
    MockInterview,
)
from interviews.selectors.live import follow_ups_left

S = MockInterview.Status
A = Attempt.Status

MAX_SEGMENT_CHARS = 4000
MAX_TRANSCRIPT_CHARS = 20000


class AnswerTooLong(InvalidInput):
    default_message = "The answer is too long."


# --- The live interview -----------------------------------------------------------------------


def _current_question(interview: MockInterview) -> InterviewQuestion:
    return InterviewQuestion.objects.get(interview=interview, order=interview.current_index + 1)


def interview_open(*, interview: MockInterview) -> bool:
    """The page connected for the first time: created -> warm_up (no-op later)."""
    if interview.status != S.CREATED:
        return False
    try:
        return transition(interview, S.WARM_UP, reason="page connected")
    except InvalidTransition:
        interview.refresh_from_db()
        return False


def interview_attach_avatar(*, interview: MockInterview, session_id: int | None) -> None:
    MockInterview.objects.filter(pk=interview.pk).update(avatar_session_id=session_id)
    interview.avatar_session_id = session_id


def interview_next(*, interview: MockInterview) -> MockInterview:
    """Start the first question (from warm_up) or move on after feedback.

    Completes the interview after the last question. Raises InvalidTransition out of state.
    """
    with transaction.atomic():
        interview.refresh_from_db()
        if interview.status == S.WARM_UP:
            transition(
                interview,
                S.ASKING,
                reason="first question",
                fields={"started_at": timezone.now(), "current_index": 0},
            )
            return interview
        if interview.status != S.FEEDBACK:
            raise InvalidTransition("MockInterview", interview.status, S.ASKING)
        if interview.current_index + 1 >= interview.question_count:
            return interview_complete(interview=interview, reason="last question answered")
        transition(
            interview,
            S.ASKING,
            reason="next question",
            fields={
                "current_index": interview.current_index + 1,
                "current_attempt": None,
                "current_follow_up": None,
            },
        )
    return interview


def interview_complete(*, interview: MockInterview, reason: str = "") -> MockInterview:
    """Finish the interview (idempotent). Unsubmitted recordings stay as they are."""
    interview.refresh_from_db()
    if interview.status == S.COMPLETED:
        return interview
    transition(
        interview,
        S.COMPLETED,
        reason=reason or "ended by candidate",
        fields={"completed_at": timezone.now(), "current_follow_up": None},
    )
    return interview


def interview_abandon(*, interview: MockInterview, reason: str = "") -> MockInterview:
    interview.refresh_from_db()
    if interview.is_finished:
        return interview
    transition(
        interview,
        S.ABANDONED,
        reason=reason or "abandoned",
        fields={"completed_at": timezone.now()},
    )
    return interview


def interview_listen(*, interview: MockInterview, reason: str = "") -> Attempt:
    """The question (or follow-up) was spoken: open a new recording attempt and listen."""
    with transaction.atomic():
        interview.refresh_from_db()
        if interview.status not in (S.ASKING, S.FOLLOW_UP, S.FEEDBACK):
            raise InvalidTransition("MockInterview", interview.status, S.LISTENING)
        question = _current_question(interview)
        follow_up = interview.current_follow_up if interview.status == S.FOLLOW_UP else None
        if interview.status == S.FOLLOW_UP and follow_up is None:
            raise InvalidTransition("MockInterview", interview.status, S.LISTENING)
        kind = Attempt.Kind.FOLLOW_UP if follow_up else Attempt.Kind.ANSWER
        number = (
            Attempt.objects.filter(question=question, kind=kind).aggregate(n=Max("number"))["n"]
            or 0
        ) + 1
        attempt = Attempt.objects.create(
            question=question, number=number, kind=kind, follow_up=follow_up
        )
        record_created([attempt])
        fields: dict[str, Any] = {"current_attempt": attempt}
        if not follow_up:
            fields["current_follow_up"] = None
        transition(interview, S.LISTENING, reason=reason or "listening", fields=fields)
    return attempt


def interview_retry_question(*, interview: MockInterview) -> Attempt:
    """ "Try again" after feedback: a new answer attempt to the same question."""
    interview.refresh_from_db()
    if interview.status != S.FEEDBACK:
        raise InvalidTransition("MockInterview", interview.status, S.LISTENING)
    MockInterview.objects.filter(pk=interview.pk).update(current_follow_up=None)
    interview.current_follow_up = None
    return interview_listen(interview=interview, reason="try again")


def _recording_attempt(interview: MockInterview) -> Attempt:
    interview.refresh_from_db()
    attempt = interview.current_attempt
    if interview.status != S.LISTENING or attempt is None or attempt.status != A.RECORDING:
        raise InvalidTransition("MockInterview", interview.status, "recording")
    return attempt


@dataclass(frozen=True)
class Segment:
    """One final transcript segment as it arrived (typed, browser or live transcriber)."""

    text: str
    source: str
    words: list[dict[str, Any]] | None = None
    end_seconds: float = 0.0


def attempt_add_segment(
    *,
    interview: MockInterview,
    text: str,
    source: str,
    words: list[dict[str, Any]] | None = None,
    end_seconds: float = 0.0,
) -> Attempt:
    """Save one final transcript segment the moment it arrives (before anything can fail)."""
    return attempt_add_segments(
        interview=interview,
        segments=[Segment(text=text, source=source, words=words, end_seconds=end_seconds)],
    )


def attempt_add_segments(*, interview: MockInterview, segments: list[Segment]) -> Attempt:
    """Append final segments, in order, to the recording attempt in one transaction (one UPDATE).

    All or nothing: raises InvalidTransition when the answer is no longer recording and
    ValueError when the transcript would grow over MAX_TRANSCRIPT_CHARS (nothing is saved)."""
    with transaction.atomic():
        interview.refresh_from_db()
        if interview.status != S.LISTENING or interview.current_attempt_id is None:
            raise InvalidTransition("MockInterview", interview.status, "recording")
        attempt = Attempt.objects.select_for_update().get(pk=interview.current_attempt_id)
        if attempt.status != A.RECORDING:
            raise InvalidTransition("Attempt", attempt.status, "recording")
        new_segments: list[dict[str, Any]] = []
        clean_words: list[dict[str, Any]] = []
        end = attempt.audio_duration
        for segment in segments:
            text = " ".join(segment.text.split())[:MAX_SEGMENT_CHARS]
            if not text:
                continue
            new_segments.append({"text": text, "source": segment.source})
            clean_words += [
                {"word": str(w.get("word", ""))[:64], "start": w.get("start"), "end": w.get("end")}
                for w in (segment.words or [])[:2000]
                if isinstance(w, dict)
            ]
            end = max(end, float(segment.end_seconds or 0))
        if not new_segments:
            return attempt
        added = sum(len(s["text"]) + 1 for s in new_segments)
        if len(attempt.transcript) + added - 1 > MAX_TRANSCRIPT_CHARS:
            raise AnswerTooLong()
        attempt.segments = [*attempt.segments, *new_segments]
        attempt.transcript = " ".join(s["text"] for s in attempt.segments)
        attempt.word_timings = [*attempt.word_timings, *clean_words]
        attempt.audio_duration = end
        attempt.save(update_fields=["segments", "transcript", "word_timings", "audio_duration"])
    return attempt


def attempt_discard(*, interview: MockInterview) -> Attempt:
    """ "Start over": forget the recording and transcript so far; no model is called."""
    with transaction.atomic():
        attempt = _recording_attempt(interview)
        Attempt.objects.filter(pk=attempt.pk, status=A.RECORDING).update(
            segments=[], transcript="", word_timings=[], audio_duration=0
        )
        attempt.refresh_from_db()
    return attempt


def attempt_submit(*, interview: MockInterview, duration: float | None = None) -> Attempt:
    """ "Finish answer": the attempt is saved as submitted before any model call."""
    with transaction.atomic():
        attempt = _recording_attempt(interview)
        if not attempt.transcript.strip():
            raise InvalidInput("Say or type an answer before finishing.")
        fields: dict[str, Any] = {"submitted_at": timezone.now()}
        if duration and 0 < duration < 3600 and duration > attempt.audio_duration:
            fields["audio_duration"] = round(float(duration), 2)
        transition(attempt, A.SUBMITTED, reason="finished", fields=fields)
        transition(interview, S.PROCESSING, reason="answer submitted")
    return attempt


def attempt_answer_input(*, attempt: Attempt) -> AnswerInput:
    attempt = Attempt.objects.select_related("question__interview", "follow_up").get(pk=attempt.pk)
    question = attempt.question
    interview = question.interview
    return AnswerInput(
        question=attempt.follow_up.text if attempt.follow_up else question.text,
        transcript=attempt.transcript,
        competency=question.competency,
        words=list(attempt.word_timings),
        duration_seconds=attempt.audio_duration,
        role=interview.target_role,
        company=interview.company,
        job_description=interview.job_description,
        persona=interview.persona,
    )


def attempt_update_best(*, question: InterviewQuestion) -> Attempt | None:
    """Exactly one best answer per question: highest overall score, the latest on ties."""
    with transaction.atomic():
        scored = list(
            Attempt.objects.select_for_update()
            .filter(question=question, kind=Attempt.Kind.ANSWER, status=A.SCORED)
            .exclude(overall=None)
            .order_by("-overall", "-number")
        )
        best = scored[0] if scored else None
        stale = Attempt.objects.filter(question=question, is_best=True)
        if best is not None:
            stale = stale.exclude(pk=best.pk)
        stale.update(is_best=False)
        if best is not None and not best.is_best:
            Attempt.objects.filter(pk=best.pk).update(is_best=True)
            best.is_best = True
    return best


def attempt_record_feedback(*, attempt: Attempt, feedback: dict[str, Any]) -> Attempt:
    """Store the coach's feedback; the interview shows it unless it already moved on."""
    overall = feedback.get("overall")
    overall = float(overall) if isinstance(overall, int | float) else None
    with transaction.atomic():
        moved = transition(
            attempt,
            A.SCORED,
            reason="feedback ready",
            fields={
                "feedback": feedback,
                "overall": overall,
                "feedback_error": "",
                "scored_at": timezone.now(),
            },
        )
        if not moved:  # a duplicate result: the first one stands
            attempt.refresh_from_db()
            return attempt
        attempt_update_best(question=attempt.question)
        attempt.refresh_from_db()
        _interview_after_processing(attempt, reason="feedback ready")
    return attempt


def attempt_fail_feedback(*, attempt: Attempt, reason: str) -> Attempt:
    """The model failed: keep the answer, show "Retry feedback"."""
    with transaction.atomic():
        transition(
            attempt,
            A.FEEDBACK_FAILED,
            reason=reason,
            fields={"feedback_error": reason[:500]},
        )
        _interview_after_processing(attempt, reason="feedback failed")
    return attempt


def _interview_after_processing(attempt: Attempt, *, reason: str) -> None:
    interview = MockInterview.objects.get(questions__attempts=attempt)
    if interview.status == S.PROCESSING and interview.current_attempt_id == attempt.pk:
        transition(interview, S.FEEDBACK, reason=reason)


def attempt_retry_feedback(*, interview: MockInterview) -> Attempt:
    """ "Retry feedback" after a model failure: submitted again, processing again."""
    with transaction.atomic():
        interview.refresh_from_db()
        attempt = interview.current_attempt
        if interview.status != S.FEEDBACK or attempt is None or attempt.status != A.FEEDBACK_FAILED:
            raise InvalidTransition("MockInterview", interview.status, S.PROCESSING)
        transition(attempt, A.SUBMITTED, reason="retry feedback")
        transition(interview, S.PROCESSING, reason="retry feedback")
    return attempt


def interview_begin_follow_up(*, interview: MockInterview) -> bool:
    """feedback -> follow_up while the follow-up is being written and spoken."""
    interview.refresh_from_db()
    attempt = interview.current_attempt
    if interview.status != S.FEEDBACK or attempt is None or attempt.status != A.SCORED:
        raise InvalidTransition("MockInterview", interview.status, S.FOLLOW_UP)
    if follow_ups_left(question=attempt.question) <= 0:
        return False
    return transition(interview, S.FOLLOW_UP, reason="answer left a gap", fields={})


def follow_up_create(*, interview: MockInterview, text: str, gap: str = "") -> FollowUp:
    with transaction.atomic():
        interview.refresh_from_db()
        attempt = interview.current_attempt
        if interview.status != S.FOLLOW_UP or attempt is None:
            raise InvalidTransition("MockInterview", interview.status, S.FOLLOW_UP)
        follow_up = FollowUp.objects.create(
            question_id=attempt.question_id,
            prompted_by=attempt,
            text=" ".join(text.split())[:1000],
            gap=gap[:1000],
        )
        MockInterview.objects.filter(pk=interview.pk).update(current_follow_up=follow_up)
        interview.current_follow_up = follow_up
    return follow_up


def follow_up_skip(*, interview: MockInterview) -> MockInterview:
    """Skip the follow-up: back to the feedback of the answer that prompted it."""
    with transaction.atomic():
        interview.refresh_from_db()
        follow_up = interview.current_follow_up
        attempt = interview.current_attempt
        in_follow_up_answer = (
            interview.status == S.LISTENING
            and attempt is not None
            and attempt.kind == Attempt.Kind.FOLLOW_UP
        )
        if interview.status != S.FOLLOW_UP and not in_follow_up_answer:
            raise InvalidTransition("MockInterview", interview.status, S.FEEDBACK)
        back_to = attempt
        if in_follow_up_answer and attempt is not None:
            back_to = attempt.follow_up.prompted_by if attempt.follow_up else None
            if attempt.status == A.RECORDING and not attempt.transcript:
                attempt.delete()
        elif follow_up is not None:
            back_to = follow_up.prompted_by
        transition(
            interview,
            S.FEEDBACK,
            reason="follow-up skipped",
            fields={"current_follow_up": None, "current_attempt": back_to},
        )
    return interview
