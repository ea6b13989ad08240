"""CSV export of scored attempts for staff: one row per attempt, one column per coaching
dimension, headed by the dimension's human label (the schema's label map)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from config.csv_export import csv_writer
from interviews.coaching.schema import DIMENSIONS, dimension_label, dimension_score, engine_label
from interviews.models import Attempt
from interviews.selectors.reports import competency_label


def feedback_header() -> list[str]:
    return [
        "Interview",
        "Question",
        "Competency",
        "Attempt",
        "Kind",
        "Status",
        "Coach",
        "Overall",
        *(dimension_label(name) for name in DIMENSIONS),
        "Capped from",
        "Transcript",
    ]


def write_feedback_csv(out: Any, attempts: QuerySet[Attempt]) -> None:
    """Unsupported dimensions are left empty: they are not part of the score either."""
    writer = csv_writer(out)
    writer.writerow(feedback_header())
    rows = attempts.select_related("question__interview").order_by(
        "question__interview_id", "question__order", "kind", "number"
    )
    for attempt in rows.iterator():
        feedback = attempt.feedback if isinstance(attempt.feedback, dict) else {}
        scores = [dimension_score(feedback, name) for name in DIMENSIONS]
        capped = feedback.get("capped_from")
        writer.writerow(
            [
                str(attempt.question.interview.public_id),
                attempt.question.text,
                competency_label(attempt.question.competency),
                attempt.number,
                attempt.get_kind_display(),
                attempt.get_status_display(),
                engine_label(str(feedback.get("engine", ""))),
                "" if attempt.overall is None else f"{attempt.overall:.1f}",
                *("" if score is None else score for score in scores),
                capped if isinstance(capped, int | float) else "",
                attempt.transcript,
            ]
        )
