"""Read-side queries for the provider health page: avatar sessions and voice turn timings."""

from __future__ import annotations

import operator
import statistics
from collections import defaultdict
from datetime import datetime, timedelta
from functools import reduce
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from avatars.models import AvatarSession, VoiceTurn


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


#: The steps of a turn, as VoiceTurn offset fields (ms after the end of the user's speech).
TURN_STEPS: tuple[tuple[str, str], ...] = (
    ("model_request_ms", "Model request"),
    ("first_token_ms", "First token"),
    ("first_sentence_ms", "First sentence"),
    ("speak_command_ms", "Speak command"),
    ("avatar_talking_ms", "Avatar started talking"),
)
TURN_PERCENTILES = (50, 95)


def _nearest_rank(total: int, pct: int) -> int:
    """ceil(pct/100 x total) in integers (the same integer division runs in the database)."""
    return (total * pct + 99) // 100


def _turn_step_percentiles(since: datetime, field: str) -> list[tuple[str, str, int, int, float]]:
    """(provider, kind, total, rank, value) for the rows at the p50 and p95 ranks of one step.

    Nearest rank: the value at rank ceil(p/100 x n) among the n turns of a group that reached
    the step. The database numbers the rows per group (window functions) and returns only those
    ranks: one query whatever the number of turns or groups, and no turn list in memory.
    """
    group = [F("avatar_provider"), F("kind")]
    ranked = (
        VoiceTurn.objects.filter(created_at__gte=since, **{f"{field}__isnull": False})
        .annotate(
            rank=Window(RowNumber(), partition_by=group, order_by=[F(field).asc(), F("pk").asc()]),
            total=Window(Count("pk"), partition_by=group),
        )
        .filter(
            reduce(
                operator.or_,
                (Q(rank=(F("total") * p + 99) / 100) for p in TURN_PERCENTILES),
            )
        )
        .values_list("avatar_provider", "kind", "total", "rank", field)
    )
    return list(ranked)


def voice_turn_timings(now: datetime | None = None) -> list[dict[str, Any]]:
    """Per avatar provider and conversation kind, over the last 24 hours: how many turns, how
    many were interrupted, and p50/p95 milliseconds from the end of the user's speech to each
    step of the reply. One query for the counts and one per step (constant in the rows)."""
    now = now or timezone.now()
    since = now - timedelta(days=1)
    groups = (
        VoiceTurn.objects.filter(created_at__gte=since)
        .values("avatar_provider", "kind")
        .annotate(turns=Count("pk"), interrupted=Count("pk", filter=Q(interrupted=True)))
        .order_by("avatar_provider", "kind")
    )
    kinds = dict(VoiceTurn.Kind.choices)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for g in groups:
        rows[(g["avatar_provider"], g["kind"])] = {
            "avatar_provider": g["avatar_provider"] or "none",
            "kind": g["kind"],
            "kind_label": kinds.get(g["kind"], g["kind"]),
            "turns": g["turns"],
            "interrupted": g["interrupted"],
            "steps": [
                {"field": field, "label": label, "count": 0, "p50": None, "p95": None}
                for field, label in TURN_STEPS
            ],
        }
    for index, (field, _label) in enumerate(TURN_STEPS):
        for provider, kind, total, rank, value in _turn_step_percentiles(since, field):
            row = rows.get((provider, kind))
            if row is None:  # a turn written between the two queries
                continue
            step = row["steps"][index]
            step["count"] = total
            for p in TURN_PERCENTILES:
                if rank == _nearest_rank(total, p):
                    step[f"p{p}"] = round(value)
    return list(rows.values())
