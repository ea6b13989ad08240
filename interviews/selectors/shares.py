"""Share links (reads): the active link and the interview behind a token."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404

from interviews.models import (
    Attempt,
    FollowUp,
    InterviewQuestion,
    MockInterview,
    ReportShare,
)

# --- Share links ------------------------------------------------------------------------------


def active_share(*, interview: MockInterview) -> ReportShare | None:
    return ReportShare.objects.filter(interview=interview, revoked_at__isnull=True).first()


def interview_for_share(*, token: str) -> MockInterview:
    """The shared interview with everything the report needs prefetched; 404 when the token is
    unknown or revoked."""
    share = (
        ReportShare.objects.filter(token=token, revoked_at__isnull=True)
        .select_related("interview")
        .first()
    )
    if share is None or len(token) < 20:
        raise Http404("This link is not valid.")
    interview = (
        MockInterview.objects.filter(pk=share.interview_id)
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=InterviewQuestion.objects.order_by("order").prefetch_related(
                    Prefetch(
                        "attempts",
                        queryset=Attempt.objects.select_related("follow_up").order_by(
                            "kind", "number"
                        ),
                    ),
                    Prefetch("follow_ups", queryset=FollowUp.objects.order_by("created_at")),
                ),
            )
        )
        .get()
    )
    return interview
