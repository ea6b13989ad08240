"""The live interview's reads: what the page is told (the `state` frame), the avatar's
options, what a follow-up prompt needs, and how many follow-ups a question has left (each read
runs in one thread hop)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from avatars.models import AvatarSession
from avatars.providers.base import AvatarStartOptions
from avatars.providers.registry import get_transcriber
from interviews.coaching.schema import with_labels
from interviews.models import Attempt, CandidateProfile, InterviewQuestion, MockInterview
from interviews.selectors.interviews import interview_live_snapshot

S = MockInterview.Status


def follow_ups_left(*, question: InterviewQuestion) -> int:
    """How many more follow-ups this question may get (the one place this is computed; a
    question read with its `follow_up_count` annotated costs no query)."""
    used = getattr(question, "follow_up_count", None)
    if used is None:
        used = question.follow_ups.count()
    return max(0, settings.INTERVIEW_MAX_FOLLOWUPS - used)


def attempt_dict(attempt: Attempt, *, full: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(attempt.public_id),
        "number": attempt.number,
        "kind": attempt.kind,
        "status": attempt.status,
        "status_label": attempt.get_status_display(),  # the page never shows a raw key
        "overall": attempt.overall,
        "is_best": attempt.is_best,
    }
    if full:
        data.update(
            {
                "transcript": attempt.transcript,
                "segments": attempt.segments,
                "feedback": with_labels(attempt.feedback),  # old feedback: labels filled in
                "feedback_error": attempt.feedback_error,
                "audio_duration": attempt.audio_duration,
            }
        )
    return data


def build_state(interview_id: int) -> dict[str, Any]:
    snap = interview_live_snapshot(interview_id=interview_id)
    interview: MockInterview = snap["interview"]
    question = snap["question"]
    attempt = interview.current_attempt
    follow_up = interview.current_follow_up
    state = interview.status
    if state == S.CREATED:
        state = S.WARM_UP
    asking_text = ""
    if state == S.ASKING and question is not None:
        asking_text = question.text
    elif state == S.FOLLOW_UP and follow_up is not None:
        asking_text = follow_up.text
    return {
        "type": "state",
        "state": state,
        "question_index": interview.current_index,
        "question_number": interview.current_index + 1,
        "question_count": interview.question_count,
        "is_last": interview.current_index + 1 >= interview.question_count,
        "question": (
            {
                "order": question.order,
                "text": question.text,
                "competency": question.competency,
                "source": question.source,
            }
            if question is not None
            else None
        ),
        "attempt": attempt_dict(attempt) if attempt is not None else None,
        "attempts": [attempt_dict(a, full=False) for a in snap["attempts"]],
        "follow_up": (
            {"text": follow_up.text}
            if follow_up is not None
            and (state == S.FOLLOW_UP or (attempt and attempt.kind == Attempt.Kind.FOLLOW_UP))
            else None
        ),
        "follow_ups_left": follow_ups_left(question=question) if question is not None else 0,
        "asking_text": asking_text,
        "live_audio": bool(get_transcriber().supports_live_audio),
        "report_url": reverse("interviews:report", args=[interview.public_id]),
    }


def load_interview(public_id: str) -> MockInterview | None:
    return MockInterview.objects.filter(public_id=public_id).first()


def avatar_options(user_id: int) -> AvatarStartOptions:
    profile = CandidateProfile.objects.filter(user_id=user_id).first()
    if profile is None:
        return AvatarStartOptions()
    return AvatarStartOptions(
        avatar_id=profile.mock_avatar_id,
        voice_id=profile.mock_voice_id,
        quality=profile.mock_avatar_quality,
        speaking_rate=profile.speaking_rate,
    )


def current_avatar_session(interview_id: int) -> AvatarSession | None:
    session_id = MockInterview.objects.filter(pk=interview_id).values_list(
        "avatar_session_id", flat=True
    )[0]
    return AvatarSession.objects.filter(pk=session_id).first() if session_id else None


def follow_up_context(*, interview_id: int) -> dict[str, Any] | None:
    """What the follow-up prompt needs for the current attempt (None when there is none)."""
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
