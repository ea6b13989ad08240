"""What each competency asks for: inference from question text and the criteria checks."""

from __future__ import annotations

import pytest

from interviews.coaching.competencies import (
    COMPETENCIES,
    criteria_for,
    criteria_prompt,
    focus_for,
    infer_competency,
    missing_criteria,
    resolve_competency,
)
from interviews.models import BankQuestion
from interviews.question_bank import QUESTIONS
from interviews.services.setup import validate_generated_questions

FAIL_Q = "Tell me about a time you failed. What did you learn?"
CONFLICT_Q = "Describe a disagreement with a colleague and how you resolved it."


def test_the_competencies_are_the_banks() -> None:
    assert set(COMPETENCIES) == set(BankQuestion.Competency.values)
    for competency in COMPETENCIES.values():
        assert len(competency.criteria) >= 3
        for criterion in competency.criteria:
            assert criterion.label
            assert criterion.description
            assert criterion.cues


@pytest.mark.parametrize(("text", "competency"), [(q[0], q[1]) for q in QUESTIONS])
def test_every_bank_question_is_inferred_as_its_own_competency(text, competency) -> None:
    assert infer_competency(text) == competency


@pytest.mark.parametrize(
    ("question", "competency", "focus"),
    [
        (
            "How do you prioritise when everything is urgent? Give an example.",
            "behavioural",
            "prioritisation",
        ),
        ("What was your biggest mistake last year?", "failure", None),
        ("Have you ever pushed back on a product manager?", "conflict", None),
        ("Who have you mentored?", "leadership", "mentoring"),
        ("How would you debug a slow database query?", "technical_general", None),
        ("Why do you want this job?", "behavioural", None),
    ],
)
def test_questions_the_bank_does_not_have(question, competency, focus) -> None:
    assert infer_competency(question) == competency
    found = focus_for(question, competency)
    assert (found.key if found else None) == focus


def test_a_given_competency_wins_and_unknown_ones_are_inferred() -> None:
    assert resolve_competency("teamwork", FAIL_Q) == "teamwork"
    assert resolve_competency("Technical", "Tell me about the hardest bug.") == "technical_general"
    assert resolve_competency("nonsense", FAIL_Q) == "failure"
    assert resolve_competency("", CONFLICT_Q) == "conflict"


def test_a_failure_story_meets_the_failure_criteria_and_a_success_story_does_not() -> None:
    failure = (
        "Last spring I pushed a config change on a Friday without running the staging check, "
        "and checkout was down for forty minutes. It was my mistake. I learned to never skip "
        "the check; now I run it even for one-line changes."
    )
    success = (
        "Last spring I led the checkout redesign. I interviewed twelve customers, rebuilt the "
        "payment form and we launched on time. Conversion rose by 8%."
    )
    assert missing_criteria(failure, FAIL_Q) == []
    missing = {c.key for c in missing_criteria(success, FAIL_Q)}
    assert {"what_went_wrong", "lesson"} <= missing


def test_a_bug_story_does_not_meet_the_conflict_criteria() -> None:
    bug = (
        "Our nightly import kept timing out. I profiled the job, found a missing index on the "
        "orders table and added it. The import now finishes in six minutes."
    )
    conflict = (
        "My manager wanted to ship the import on Friday but I disagreed, because the tests "
        "were failing. I showed her the failing cases and we agreed to ship on Monday."
    )
    assert "disagreement" in {c.key for c in missing_criteria(bug, CONFLICT_Q)}
    assert missing_criteria(conflict, CONFLICT_Q) == []


def test_the_prompt_text_names_every_criterion() -> None:
    text = criteria_prompt(CONFLICT_Q, "conflict")
    for criterion in criteria_for(CONFLICT_Q, "conflict"):
        assert criterion.label in text


def test_generated_questions_get_a_valid_competency() -> None:
    payload = {
        "questions": [
            {
                "text": "Tell me about a release you had to roll back and what you learned.",
                "competency": "Failure",
            },
            {
                "text": "Describe a time you disagreed with a designer about scope.",
                "competency": None,
            },
            {
                "text": "How have you tuned a slow PostgreSQL query in production?",
                "competency": "tech",
            },
            {
                "text": "Tell me about a time you helped a struggling teammate.",
                "competency": "teamwork",
            },
        ]
    }
    got = validate_generated_questions(payload, exclude=set(), limit=10)
    assert [c for _, c in got] == ["failure", "conflict", "technical_general", "teamwork"]


OFF_TOPIC_STORY = (
    "Last year I rebuilt our nightly import. I profiled it, found a missing index and added it, "
    "and the import now finishes in six minutes instead of forty."
)


@pytest.mark.parametrize(
    ("question", "focus", "answer"),
    [
        (
            "Tell me about a time you had to deliver difficult feedback.",
            "giving_feedback",
            "A designer on my team kept missing review dates. I took her aside on Monday, told "
            "her which three reviews were late and what it cost the others, and asked what was "
            "going on. She has not missed one since.",
        ),
        (
            "Tell me about a time you received criticism you did not agree with at first.",
            "receiving_criticism",
            "My manager told me my reports were too long. At first I thought the detail was the "
            "point. I asked two readers, cut the next report to one page, and now I always "
            "start with the summary.",
        ),
        (
            "Describe a situation where a customer or user was unhappy. What did you do?",
            "unhappy_customer",
            "A client was furious that her order arrived broken. I called her that day, sent a "
            "replacement by courier and refunded the delivery. She ordered again the next month.",
        ),
        (
            "Describe a time two teams wanted conflicting things from you.",
            "two_sides",
            "Sales wanted the export feature in March and support wanted the bug backlog cleared "
            "first, and I had one engineer. I showed both leads the numbers and we agreed to fix "
            "the top ten bugs first, then ship the export in April.",
        ),
        (
            "Describe a time you had to make an unpopular decision. How did you handle it?",
            "unpopular_decision",
            "I decided to cancel our team's Friday demos because hardly anyone came. Two people "
            "were unhappy, so I explained the attendance figures and offered a monthly demo "
            "instead. Attendance doubled.",
        ),
        (
            "Tell me about a time you delegated something important. How did you follow up?",
            "delegation",
            "I handed the quarterly budget to my deputy, Ana, for the first time. We had a "
            "weekly check-in where she walked me through the numbers, and she delivered it on "
            "time with no corrections from finance.",
        ),
    ],
)
def test_each_people_focus_is_met_by_its_answer_and_not_by_another_story(
    question, focus, answer
) -> None:
    competency = infer_competency(question)
    found = focus_for(question, competency)
    assert found is not None
    assert found.key == focus
    missing = {c.key for c in missing_criteria(answer, question, competency)}
    assert not missing & {k for key in found.core_keys for k in key.split("|")}
    off = {c.key for c in missing_criteria(OFF_TOPIC_STORY, question, competency)}
    assert any(all(k in off for k in key.split("|")) for key in found.core_keys)
