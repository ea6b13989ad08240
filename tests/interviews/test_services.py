"""Interview services: setup, the lifecycle (including out-of-order events) and best attempts."""

from __future__ import annotations

import pytest

from config.errors import InvalidInput
from config.lifecycle import InvalidTransition
from config.ratelimit import RateLimited
from interviews import services
from interviews.models import Attempt, BankQuestion, InterviewEvent, MockInterview
from tests.interviews.conftest import GOOD_ANSWER, create_interview

pytestmark = pytest.mark.django_db
S = MockInterview.Status


def spoken(interview: MockInterview) -> Attempt:
    """Open the interview, ask the current question and return the recording attempt."""
    services.interview_open(interview=interview)
    interview.refresh_from_db()
    if interview.status == S.WARM_UP:
        services.interview_next(interview=interview)
    return services.interview_listen(interview=interview)


def scored(interview: MockInterview, overall: float, text: str = GOOD_ANSWER) -> Attempt:
    services.attempt_add_segment(interview=interview, text=text, source="typed")
    attempt = services.attempt_submit(interview=interview)
    return services.attempt_record_feedback(
        attempt=attempt, feedback={"overall": overall, "follow_up": None}
    )


def test_setup_picks_bank_questions_by_type_role_and_competency(candidate, bank) -> None:
    interview = create_interview(
        candidate,
        count=4,
        interview_type="technical",
        role_family="engineering",
    )
    questions = list(interview.questions.order_by("order"))
    assert [q.order for q in questions] == [1, 2, 3, 4]
    assert interview.question_count == 4
    bank_rows = BankQuestion.objects.filter(pk__in=[q.bank_question_id for q in questions])
    assert all(q.interview_type == "technical" for q in bank_rows)
    assert all(not q.roles or "engineering" in q.roles for q in bank_rows)
    assert len({q.text for q in questions}) == 4

    conflict = create_interview(candidate, count=3, competencies=("conflict",))
    assert {q.competency for q in conflict.questions.all()} == {"conflict"}


def test_setup_spreads_competencies(candidate, bank) -> None:
    interview = create_interview(candidate, count=5)
    assert len({q.competency for q in interview.questions.all()}) >= 4


def test_setup_is_rate_limited_with_a_clear_message(candidate, bank, settings) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "interview_start": "2/3600"}
    create_interview(candidate, count=1)
    create_interview(candidate, count=1)
    with pytest.raises(RateLimited, match="try again in about"):
        create_interview(candidate, count=1)
    assert MockInterview.objects.filter(owner=candidate).count() == 2


def test_generated_questions_are_validated_and_deduplicated() -> None:
    existing = services.normalise_question("Tell me about a time you failed.")
    payload = {
        "questions": [
            {"text": "Tell me about a time you FAILED!", "competency": "failure"},  # dup of bank
            {"text": "How would you scale our payments API to 10x traffic?", "competency": "x"},
            {"text": "How would you scale our payments API to 10x traffic", "competency": "x"},
            {"text": "Too short?", "competency": "teamwork"},
            {"text": 42, "competency": "teamwork"},
            "not an object",
            {
                "text": "Describe how you would onboard onto our data platform.",
                "competency": "teamwork",
            },
        ]
    }
    valid = services.validate_generated_questions(payload, exclude={existing}, limit=5)
    assert valid == [
        # An unknown competency ("x") is inferred from the question text.
        ("How would you scale our payments API to 10x traffic?", "technical_general"),
        ("Describe how you would onboard onto our data platform.", "teamwork"),
    ]
    assert services.validate_generated_questions({"nope": []}, exclude=set(), limit=3) == []
    assert services.validate_generated_questions(payload, exclude=set(), limit=1) == [
        ("Tell me about a time you FAILED!", "failure")
    ]


def test_without_a_language_model_only_bank_questions_are_used(candidate, bank) -> None:
    interview = create_interview(candidate, count=3, job_description="We build payment APIs.")
    assert {q.source for q in interview.questions.all()} == {"bank"}


def test_lifecycle_happy_path_and_event_log(candidate, bank) -> None:
    interview = create_interview(candidate, count=2)
    attempt = spoken(interview)
    assert attempt.number == 1
    assert attempt.kind == Attempt.Kind.ANSWER
    scored(interview, 3.0)
    interview.refresh_from_db()
    assert interview.status == S.FEEDBACK
    services.interview_next(interview=interview)
    assert interview.status == S.ASKING
    assert interview.current_index == 1
    services.interview_listen(interview=interview)
    scored(interview, 4.0)
    interview.refresh_from_db()
    services.interview_next(interview=interview)
    interview.refresh_from_db()
    assert interview.status == S.COMPLETED
    statuses = list(
        InterviewEvent.objects.filter(interview=interview).values_list("to_status", flat=True)
    )
    assert statuses[0] == "created"
    assert statuses[-1] == "completed"
    assert statuses.count("asking") == 2


def test_out_of_order_events_are_refused(candidate, bank) -> None:
    interview = create_interview(candidate, count=1)
    with pytest.raises(InvalidTransition):
        services.interview_listen(interview=interview)  # nothing asked yet
    services.interview_open(interview=interview)
    assert services.interview_open(interview=interview) is False  # second connect: no-op
    with pytest.raises(InvalidTransition):
        services.attempt_submit(interview=interview)  # nothing recorded
    spoken(interview)
    with pytest.raises(InvalidTransition):
        services.interview_next(interview=interview)  # cannot skip while listening
    with pytest.raises(InvalidInput, match="answer"):
        services.attempt_submit(interview=interview)  # empty answer


def test_feedback_arriving_after_the_interview_ended_does_not_reopen_it(candidate, bank) -> None:
    interview = create_interview(candidate, count=2)
    spoken(interview)
    services.attempt_add_segment(interview=interview, text=GOOD_ANSWER, source="typed")
    attempt = services.attempt_submit(interview=interview)
    services.interview_complete(interview=interview)
    services.attempt_record_feedback(attempt=attempt, feedback={"overall": 4.2})
    interview.refresh_from_db()
    attempt.refresh_from_db()
    assert interview.status == S.COMPLETED
    assert attempt.status == Attempt.Status.SCORED
    assert attempt.is_best
    # A duplicate result for the same attempt is ignored: the first one stands.
    services.attempt_record_feedback(attempt=attempt, feedback={"overall": 1.0})
    attempt.refresh_from_db()
    assert attempt.overall == 4.2


def test_segments_after_submit_are_refused(candidate, bank) -> None:
    interview = create_interview(candidate, count=1)
    spoken(interview)
    services.attempt_add_segment(interview=interview, text="First part.", source="transcriber")
    services.attempt_submit(interview=interview)
    with pytest.raises(InvalidTransition):
        services.attempt_add_segment(interview=interview, text="late", source="transcriber")


def test_consecutive_finals_are_saved_together_in_order_or_not_at_all(
    candidate, bank, django_assert_max_num_queries
) -> None:
    interview = create_interview(candidate, count=1)
    spoken(interview)
    segments = [
        services.Segment(text="I led the migration.", source="transcriber", end_seconds=2.0),
        services.Segment(text=" ", source="transcriber"),  # blank finals are skipped
        services.Segment(text="It cut latency by 40%.", source="transcriber", end_seconds=5.5),
    ]
    with django_assert_max_num_queries(6):  # one read of each row, one UPDATE, however many
        services.attempt_add_segments(interview=interview, segments=segments)
    attempt = Attempt.objects.get(pk=interview.current_attempt_id)
    assert attempt.transcript == "I led the migration. It cut latency by 40%."
    assert [s["text"] for s in attempt.segments] == [
        "I led the migration.",
        "It cut latency by 40%.",
    ]
    assert attempt.audio_duration == 5.5
    too_long = [services.Segment(text="word " * 1000, source="transcriber")] * 6  # 6 x 4,000
    with pytest.raises(services.AnswerTooLong, match="too long"):
        services.attempt_add_segments(interview=interview, segments=too_long)
    attempt.refresh_from_db()
    assert attempt.transcript == "I led the migration. It cut latency by 40%."  # nothing half-saved


def test_best_attempt_is_highest_and_latest_on_ties(candidate, bank) -> None:
    interview = create_interview(candidate, count=1)
    spoken(interview)
    first = scored(interview, 3.0)
    services.interview_retry_question(interview=interview)
    second = scored(interview, 4.0)
    services.interview_retry_question(interview=interview)
    third = scored(interview, 4.0)
    services.interview_retry_question(interview=interview)
    fourth = scored(interview, 2.0)
    best = {a.number: a.is_best for a in Attempt.objects.filter(question__interview=interview)}
    assert best == {
        first.number: False,
        second.number: False,
        third.number: True,
        fourth.number: False,
    }


def test_failed_feedback_can_be_retried(candidate, bank) -> None:
    interview = create_interview(candidate, count=1)
    spoken(interview)
    services.attempt_add_segment(interview=interview, text=GOOD_ANSWER, source="typed")
    attempt = services.attempt_submit(interview=interview)
    services.attempt_fail_feedback(attempt=attempt, reason="The openai service is not answering.")
    interview.refresh_from_db()
    attempt.refresh_from_db()
    assert interview.status == S.FEEDBACK
    assert attempt.status == Attempt.Status.FEEDBACK_FAILED
    assert attempt.transcript == GOOD_ANSWER
    services.attempt_retry_feedback(interview=interview)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    services.attempt_record_feedback(attempt=attempt, feedback={"overall": 4.0})
    interview.refresh_from_db()
    assert interview.status == S.FEEDBACK


def test_follow_ups_are_limited_per_question(candidate, bank, settings) -> None:
    settings.INTERVIEW_MAX_FOLLOWUPS = 1
    interview = create_interview(candidate, count=1)
    spoken(interview)
    scored(interview, 2.0, text="We did it.")
    assert services.interview_begin_follow_up(interview=interview) is True
    follow_up = services.follow_up_create(
        interview=interview, text="What did you personally do?", gap="ownership"
    )
    answer = services.interview_listen(interview=interview)
    assert answer.kind == Attempt.Kind.FOLLOW_UP
    assert answer.follow_up == follow_up
    assert answer.number == 1
    scored(interview, 3.0)
    assert services.interview_begin_follow_up(interview=interview) is False
    interview.refresh_from_db()
    assert interview.status == S.FEEDBACK
