"""Template helpers for coaching pages: labels, signed deltas, the dashboard progress panel."""

from __future__ import annotations

from typing import Any

from django import template

from interviews.charts import Series, line_chart
from interviews.coaching.schema import DIMENSION_LABELS, DIMENSIONS
from interviews.coaching.schema import dimension_label as label_of
from interviews.selectors import competency_label, progress_for_user

register = template.Library()


@register.filter
def dimension_label(name: str) -> str:
    return label_of(str(name))


@register.filter
def dimension_rows(feedback: Any) -> list[tuple[str, dict[str, Any]]]:
    """(label, dimension) in the schema's order, whatever order the database kept the keys in
    (PostgreSQL's jsonb sorts them), for feedback of every schema version."""
    dims = (feedback or {}).get("dimensions") if isinstance(feedback, dict) else None
    if not isinstance(dims, dict):
        return []
    return [(label_of(name), dims[name]) for name in DIMENSIONS if isinstance(dims.get(name), dict)]


@register.filter
def competency_name(code: str) -> str:
    return competency_label(code or "")


@register.filter
def signed(value: Any) -> str:
    """+0.4 / -1 / ±0 for deltas ("" for none)."""
    if value is None or value == "":
        return ""
    number = float(value)
    if number == 0:
        return "±0"
    text = f"{number:+.1f}".replace(".0", "") if number % 1 == 0 else f"{number:+.1f}"
    return text


@register.filter
def delta_class(value: Any, lower_is_better: bool = False) -> str:
    if value is None or value == "" or float(value) == 0:
        return "delta-none"
    better = float(value) < 0 if lower_is_better else float(value) > 0
    return "delta-up" if better else "delta-down"


@register.inclusion_tag("interviews/_progress.html", takes_context=True)
def progress_panel(context: dict[str, Any]) -> dict[str, Any]:
    """Scores and delivery across sessions, for the dashboard (one query)."""
    user = context["request"].user
    progress = progress_for_user(user=user)
    scores = line_chart(
        progress.labels,
        [Series("Overall", progress.overall)]
        + [Series(DIMENSION_LABELS[name], progress.dimensions[name]) for name in DIMENSIONS],
        title="Scores across sessions (1-5)",
        y_min=1,
        y_max=5,
    )
    delivery = line_chart(
        progress.labels,
        [
            Series("Words per minute", progress.wpm),
        ],
        title="Speaking pace across sessions (words per minute)",
        y_min=0,
    )
    habits = line_chart(
        progress.labels,
        [
            Series("Fillers per minute", progress.fillers_per_minute),
            Series("Pauses over 2.5 s", progress.long_pauses),
        ],
        title="Fillers and long pauses across sessions",
        y_min=0,
    )
    return {
        "sessions": len(progress.labels),
        "scores_chart": scores,
        "pace_chart": delivery,
        "habits_chart": habits,
    }
