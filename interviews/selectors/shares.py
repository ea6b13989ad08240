"""Share links (reads): the active link and the interview behind a token."""

from __future__ import annotations

from django.http import Http404

from interviews.models import (
    MockInterview,
    ReportShare,
)
from interviews.selectors.interviews import with_report_rows

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
    return with_report_rows(MockInterview.objects.filter(pk=share.interview_id)).get()
