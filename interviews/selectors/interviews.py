"""Interview selectors (reads). Query counts do not grow with interviews, questions or attempts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.http import Http404

from interviews.models import Attempt, FollowUp, InterviewQuestion, MockInterview


def interviews_for_dashboard(*, user: User) -> QuerySet[MockInterview]:
    """The candidate's interviews with their overall score (mean of best answers): one query."""
    return MockInterview.objects.filter(owner=user).annotate(
        overall_score=Avg(
            "questions__attempts__overall", filter=Q(questions__attempts__is_best=True)
        ),
        answered=Count("questions", filter=Q(questions__attempts__is_best=True), distinct=True),
    )


def interview_for_owner(*, public_id: Any, user: User) -> MockInterview:
    """The interview if `user` owns it; 404 otherwise (no difference between foreign and missing)."""
    interview = (
        MockInterview.objects.select_related("avatar_session")
        .filter(public_id=public_id, owner_id=user.pk)
        .first()
    )
    if interview is None:
        raise Http404("No such interview.")
    return interview


def with_report_rows(interviews: QuerySet[MockInterview]) -> QuerySet[MockInterview]:
    """Prefetch what the report renders: questions in order, every attempt and follow-up
    (the owner's report and the shared one; the report issues no query of its own)."""
    return interviews.prefetch_related(
        Prefetch(
            "questions",
            queryset=InterviewQuestion.objects.order_by("order").prefetch_related(
                Prefetch(
                    "attempts",
                    queryset=Attempt.objects.select_related("follow_up").order_by("kind", "number"),
                ),
                Prefetch("follow_ups", queryset=FollowUp.objects.order_by("created_at")),
            ),
        )
    )


def interview_with_questions(*, public_id: Any, user: User) -> MockInterview:
    """The interview with its questions, every attempt and follow-up prefetched (report page)."""
    interview = with_report_rows(
        MockInterview.objects.filter(public_id=public_id, owner_id=user.pk)
    ).first()
    if interview is None:
        raise Http404("No such interview.")
    return interview


def interview_live_snapshot(*, interview_id: int) -> dict[str, Any]:
    """Everything the interview page needs to render its current state (fixed query count)."""
    interview = MockInterview.objects.select_related(
        "current_attempt", "current_follow_up", "avatar_session"
    ).get(pk=interview_id)
    question = (
        InterviewQuestion.objects.filter(interview=interview, order=interview.current_index + 1)
        .annotate(follow_up_count=Count("follow_ups", distinct=True))
        .first()
    )
    attempts: list[Attempt] = []
    if question is not None:
        attempts = list(Attempt.objects.filter(question=question).order_by("created_at", "id"))
    return {"interview": interview, "question": question, "attempts": attempts}
