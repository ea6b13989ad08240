from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from avatars.models import AvatarSession


def provider_health_summary() -> list[dict[str, Any]]:
    rows = AvatarSession.objects.values("provider").annotate(
        total=Count("id"),
        failed=Count("id", filter=Q(status=AvatarSession.Status.FAILED)),
        open=Count("id", filter=Q(status__in=AvatarSession.LIVE_STATUSES)),
    )
    return list(rows)
