"""Report share links (writes): create and revoke."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from interviews.models import MockInterview, ReportShare

# --- Share links ------------------------------------------------------------------------------


@transaction.atomic
def share_create(*, interview: MockInterview) -> ReportShare:
    """The interview's active share link, created when there is none (idempotent)."""
    MockInterview.objects.select_for_update().filter(pk=interview.pk).first()
    existing = ReportShare.objects.filter(interview=interview, revoked_at__isnull=True).first()
    if existing is not None:
        return existing
    return ReportShare.objects.create(interview=interview)


def share_revoke(*, interview: MockInterview) -> int:
    """Revoke every active link of the interview; returns how many were revoked."""
    return ReportShare.objects.filter(interview=interview, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
