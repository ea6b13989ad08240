"""Progress over a candidate's interviews (reads), for the dashboard charts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User

from interviews.coaching.schema import (
    DIMENSIONS,
    delivery_metric,
    dimension_score,
)
from interviews.models import (
    Attempt,
)

# --- Progress across sessions -----------------------------------------------------------------


@dataclass
class Progress:
    labels: list[str]
    overall: list[float | None]
    dimensions: dict[str, list[float | None]]
    wpm: list[float | None]
    fillers_per_minute: list[float | None]
    long_pauses: list[float | None]


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def progress_for_user(*, user: User, limit: int = 20) -> Progress:
    """Per session (oldest first, the latest `limit`): mean of the best answers' overall and
    dimension scores, and their mean delivery metrics. One query."""
    rows = (
        Attempt.objects.filter(
            question__interview__owner_id=user.pk,
            is_best=True,
            kind=Attempt.Kind.ANSWER,
            feedback__isnull=False,
        )
        .order_by("-question__interview__created_at", "question__interview_id")
        .values("question__interview_id", "question__interview__created_at", "overall", "feedback")
    )
    sessions: dict[int, dict[str, Any]] = {}
    for row in rows:
        key = row["question__interview_id"]
        if key not in sessions:
            if len(sessions) >= limit:
                continue
            sessions[key] = {"date": row["question__interview__created_at"], "rows": []}
        sessions[key]["rows"].append(row)
    ordered = sorted(sessions.values(), key=lambda s: s["date"])
    progress = Progress([], [], {name: [] for name in DIMENSIONS}, [], [], [])
    for session in ordered:
        progress.labels.append(session["date"].strftime("%d %b"))
        fbs = [r["feedback"] for r in session["rows"]]
        progress.overall.append(
            _mean([r["overall"] for r in session["rows"] if r["overall"] is not None])
        )
        for name in DIMENSIONS:
            progress.dimensions[name].append(
                _mean([s for s in (dimension_score(fb, name) for fb in fbs) if s is not None])
            )
        for metric, target in (
            ("wpm", progress.wpm),
            ("filler_per_minute", progress.fillers_per_minute),
            ("long_pauses", progress.long_pauses),
        ):
            target.append(
                _mean([v for v in (delivery_metric(fb, metric) for fb in fbs) if v is not None])
            )
    return progress
