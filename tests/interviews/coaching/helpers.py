"""Builders for coaching view tests: a finished interview with scored attempts (local coach)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from interviews.coaching import AnswerInput, local_feedback
from interviews.models import Attempt, InterviewQuestion, MockInterview
from tests.interviews.coaching.calibration_data import SAMPLES

BY_ID = {s.id: s for s in SAMPLES}


def make_finished_interview(
    owner: Any,
    plan: list[tuple[str, list[str]]],
    *,
    role: str = "Backend engineer",
    days_ago: int = 0,
) -> MockInterview:
    """`plan`: per question, (competency, [calibration sample ids, one per attempt])."""
    interview = MockInterview.objects.create(
        owner=owner,
        target_role=role,
        company="Parcelwise",
        status=MockInterview.Status.COMPLETED,
        question_count=len(plan),
        created_at=timezone.now() - timezone.timedelta(days=days_ago),
        completed_at=timezone.now(),
    )
    for order, (competency, sample_ids) in enumerate(plan, start=1):
        first = BY_ID[sample_ids[0]]
        question = InterviewQuestion.objects.create(
            interview=interview, order=order, text=first.question, competency=competency
        )
        attempts = []
        for number, sample_id in enumerate(sample_ids, start=1):
            sample = BY_ID[sample_id]
            feedback = local_feedback(
                AnswerInput(
                    question=sample.question,
                    transcript=sample.transcript,
                    competency=competency,
                    duration_seconds=sample.duration_seconds,
                )
            )
            attempts.append(
                Attempt.objects.create(
                    question=question,
                    number=number,
                    status=Attempt.Status.SCORED,
                    transcript=sample.transcript,
                    audio_duration=sample.duration_seconds,
                    feedback=feedback,
                    overall=feedback["overall"],
                )
            )
        best = max(attempts, key=lambda a: (a.overall, a.number))
        Attempt.objects.filter(pk=best.pk).update(is_best=True)
    return interview
