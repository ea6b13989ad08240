"""Dashboard, setup form, interview page and report: what a candidate sees, at fixed query cost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interviews import services
from interviews.models import MockInterview
from tests.interviews.conftest import GOOD_ANSWER, create_interview

pytestmark = pytest.mark.django_db


def answered(interview: MockInterview, overall: float, retries: int = 0) -> None:
    services.interview_open(interview=interview)
    services.interview_next(interview=interview)
    services.interview_listen(interview=interview)
    for n in range(retries + 1):
        if n:
            services.interview_retry_question(interview=interview)
        services.attempt_add_segment(interview=interview, text=GOOD_ANSWER, source="typed")
        attempt = services.attempt_submit(interview=interview)
        services.attempt_record_feedback(
            attempt=attempt,
            feedback={
                "overall": overall + n * 0.1,
                "strengths": [f"Strength {n}"],
                "improvements": ["Lead with the result."],
                "dimensions": {"impact": {"score": 4, "quotes": ["p95 latency dropped"]}},
            },
        )


def queries(client, url: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content


def test_setup_form_creates_an_interview_and_opens_it(candidate, client_for, bank) -> None:
    client = client_for(candidate)
    page = client.get(reverse("interviews:new"))
    assert b"Target role" in page.content
    response = client.post(
        reverse("interviews:new"),
        {
            "target_role": "Data analyst",
            "role_family": "data",
            "company": "Acme",
            "seniority": "senior",
            "interview_type": "behavioural",
            "competencies": ["teamwork", "conflict"],
            "persona": "tough",
            "question_count": 3,
            "job_description": "",
        },
    )
    interview = MockInterview.objects.get(owner=candidate)
    assert response.status_code == 302
    assert response["Location"] == reverse("interviews:interview", args=[interview.public_id])
    assert interview.persona == "tough"
    assert interview.questions.count() == 3
    assert {q.competency for q in interview.questions.all()} <= {"teamwork", "conflict"}


def test_setup_form_shows_errors_and_rate_limit(candidate, client_for, bank, settings) -> None:
    client = client_for(candidate)
    response = client.post(reverse("interviews:new"), {"question_count": 50})
    assert response.status_code == 200
    assert b"This field is required" in response.content
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "interview_start": "0/3600"}
    response = client.post(
        reverse("interviews:new"),
        {
            "target_role": "PM",
            "seniority": "mid",
            "interview_type": "behavioural",
            "persona": "neutral",
            "question_count": 2,
        },
    )
    assert response.status_code == 200
    assert b"reached the limit" in response.content
    assert not MockInterview.objects.filter(owner=candidate).exists()


def test_dashboard_lists_status_date_and_score_at_constant_cost(
    candidate, other_candidate, client_for, bank
) -> None:
    client = client_for(candidate)
    first = create_interview(candidate, count=1, target_role="Role one")
    answered(first, 3.0, retries=1)
    create_interview(other_candidate, count=1, target_role="Bob's role")
    few, content = queries(client, reverse("interviews:dashboard"))
    assert b"Role one" in content
    assert b"3.1" in content  # the best attempt's score
    assert b"Bob&#x27;s role" not in content
    for n in range(4):
        extra = create_interview(candidate, count=1, target_role=f"Extra {n}")
        answered(extra, 2.0, retries=2)
    many, content = queries(client, reverse("interviews:dashboard"))
    assert b"Extra 3" in content
    assert many == few


def test_interview_page_cost_does_not_grow_with_attempts(candidate, client_for, bank) -> None:
    client = client_for(candidate)
    interview = create_interview(candidate, count=2)
    url = reverse("interviews:interview", args=[interview.public_id])
    before, content = queries(client, url)
    assert b"Check microphone" in content
    assert b'aria-live="polite"' in content
    answered(interview, 3.0, retries=3)
    after, _ = queries(client, url)
    assert after == before


def test_report_lists_questions_best_attempts_and_feedback(candidate, client_for, bank) -> None:
    client = client_for(candidate)
    interview = create_interview(candidate, count=2)
    answered(interview, 3.0, retries=1)
    services.interview_complete(interview=interview)
    url = reverse("interviews:report", args=[interview.public_id])
    few, content = queries(client, url)
    text = content.decode()
    for question in interview.questions.all():
        assert question.text.replace("'", "&#x27;") in text
    assert "Best attempt" in text
    assert "Strength 1" in text
    assert "p95 latency dropped" in text
    assert "Not answered." in text
    # A finished interview's live page sends the candidate to the report.
    live = client.get(reverse("interviews:interview", args=[interview.public_id]))
    assert live.status_code == 302
    assert live["Location"] == url

    other = create_interview(candidate, count=2)
    answered(other, 2.0, retries=4)
    services.interview_complete(interview=other)
    many, _ = queries(client, reverse("interviews:report", args=[other.public_id]))
    assert many == few


def test_staff_can_inspect_interviews_in_the_admin(staff, candidate, client_for, bank) -> None:
    interview = create_interview(candidate, count=1)
    answered(interview, 3.0)
    staff.is_superuser = True  # model permissions; plain staff see no models
    staff.save()
    client = client_for(staff)
    for name in ("mockinterview", "attempt", "followup"):
        assert client.get(reverse(f"admin:interviews_{name}_changelist")).status_code == 200
    page = client.get(reverse("admin:interviews_mockinterview_change", args=[interview.pk]))
    assert page.status_code == 200
    assert b"asking" in page.content  # the event log
