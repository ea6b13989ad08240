"""Read-side queries for avatar sessions (the provider health page)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from avatars.models import AvatarSession


def _percentile(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return round(ordered[index], 2)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def provider_health_summary(now: datetime | None = None) -> list[dict[str, Any]]:
    """Per provider, today (server time zone): start success rate, median and p95 seconds to
    ready, median seconds to first speech, open sessions, avatar minutes and estimated spend."""
    now = now or timezone.now()
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    open_counts = dict(
        AvatarSession.objects.filter(status__in=AvatarSession.LIVE_STATUSES)
        .values_list("provider")
        .annotate(n=Count("id"))
        .values_list("provider", "n")
    )
    rows = AvatarSession.objects.filter(
        Q(requested_at__gte=day_start) | Q(ended_at__gte=day_start) | Q(ended_at__isnull=True)
    ).values(
        "provider",
        "status",
        "requested_at",
        "queued_at",
        "ready_at",
        "first_speech_at",
        "ended_at",
    )
    stats: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"ready": 0, "failed": 0, "to_ready": [], "to_speech": [], "minutes": 0.0}
    )
    price = float(settings.AVATAR_PRICE_PER_MINUTE)
    for row in rows:
        item = stats[row["provider"]]
        if row["requested_at"] >= day_start:
            if row["ready_at"]:
                item["ready"] += 1
                began = row["queued_at"] or row["requested_at"]
                item["to_ready"].append((row["ready_at"] - began).total_seconds())
                if row["first_speech_at"]:
                    item["to_speech"].append(
                        (row["first_speech_at"] - row["ready_at"]).total_seconds()
                    )
            elif row["status"] == AvatarSession.Status.FAILED:
                item["failed"] += 1
        if row["ready_at"]:
            start = max(row["ready_at"], day_start)
            end = row["ended_at"] or now
            if end > start:
                item["minutes"] += (end - start).total_seconds() / 60
    summary = []
    for provider in sorted(set(stats) | set(open_counts)):
        item = stats[provider]
        attempts = item["ready"] + item["failed"]
        summary.append(
            {
                "provider": provider,
                "starts": attempts,
                "ready": item["ready"],
                "failed": item["failed"],
                "success_rate": round(100 * item["ready"] / attempts, 1) if attempts else None,
                "ready_median_s": _median(item["to_ready"]),
                "ready_p95_s": _percentile(item["to_ready"], 95),
                "first_speech_median_s": _median(item["to_speech"]),
                "open": open_counts.get(provider, 0),
                "minutes_today": round(item["minutes"], 1),
                "spend_today": round(item["minutes"] * price, 2),
            }
        )
    return summary
