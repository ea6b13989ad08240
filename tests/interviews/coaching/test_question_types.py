"""Question types: each judged on its own criteria; STAR, ownership and "hypothetical" apply only
to behavioural questions. Bank questions are typed in data; any other question (from a job
description, typed by a candidate) gets a type from its wording."""

from __future__ import annotations

import pytest

from interviews.coaching import AnswerInput, local_feedback
from interviews.coaching.bank import QUESTIONS, bank_question_type
from interviews.coaching.calibration.metrics import absence_claims
from interviews.coaching.question_types import infer_question_type, question_type_for

PLAN = (
    "First I'd find out how far off the feature is and whether it fails for everyone or only in "
    "some cases, because that decides the options. Then I'd tell the product owner the same "
    "day, with two options: launch on time with the feature hidden behind a flag, or move the "
    "date by a fixed number of days. I'd recommend launching without it, since a moving date "
    "costs trust with support. Afterwards I'd look at why we only found out two days before."
)
DESIGN = (
    "I'd start with the numbers: how many links a month and how many clicks, since reads will "
    "far outnumber writes. The core is a table from a short code to the long URL, with a cache "
    "in front because a few links get most of the traffic. For the codes I'd encode a counter "
    "in base 62 rather than use random codes, which would need a uniqueness check on every "
    "write. The trade-off is that the counter is a single point of contention, so each server "
    "would take ranges of it."
)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Tell me about a time you missed a deadline.", "behavioural"),
        (
            "Describe a project that did not go to plan and what you would do differently.",
            "behavioural",
        ),
        ("What would you do if a colleague took credit for your work?", "situational"),
        ("How would you handle a customer who threatens to leave?", "situational"),
        ("How would you design a rate limiter for a public API?", "technical"),
        ("Why do you want to work for a charity?", "motivation"),
        ("Why are you leaving your current job?", "motivation"),
        ("What do you think makes a good manager?", "opinion"),
        ("Should junior engineers be on call?", "opinion"),
        ("How do you prioritise when everything is urgent? Give an example.", "behavioural"),
    ],
)
def test_typed_and_job_description_questions_get_a_type(question: str, expected: str) -> None:
    assert infer_question_type(question) == expected
    assert question_type_for(question).key == expected


def test_every_bank_question_has_its_type_in_data() -> None:
    types = {bank_question_type(text) for text, *_ in QUESTIONS}
    assert None not in types
    assert types == {"behavioural", "situational", "technical", "motivation", "opinion"}
    # A type given with the answer wins over the wording.
    assert question_type_for("Tell me about a time you led.", "opinion").key == "opinion"


@pytest.mark.parametrize(
    ("question", "transcript"),
    [
        ("What would you do if a key feature would not be ready two days before launch?", PLAN),
        ("How would you design a URL shortening service?", DESIGN),
    ],
)
def test_a_reasoned_answer_to_another_type_is_judged_on_what_it_asks(question, transcript):
    fb = local_feedback(AnswerInput(question=question, transcript=transcript))
    assert fb["overall"] >= 3.8, fb["dimensions"]
    # No STAR, no "hypothetical" penalty, no "missing" part: the question asks for no story.
    assert absence_claims(fb) == set()
    text = " ".join(
        [fb["summary"], *fb["improvements"], *(d["note"] for d in fb["dimensions"].values())]
    )
    assert "STAR" not in text
    assert "what you would do" not in text.lower() or "real situation" not in text.lower()
    assert fb["dimensions"]["structure_star"]["label"] == "Structure"
    assert fb["dimensions"]["impact_results"]["label"] == "Reasoning"
    assert fb["star"] == {"situation": None, "task": None, "action": None, "result": None}


def test_a_vague_answer_to_another_type_scores_low_and_says_what_would_help() -> None:
    question = "How would you design a URL shortening service?"
    vague = local_feedback(
        AnswerInput(
            question=question,
            transcript="I would use a scalable cloud-native architecture and leverage the cloud.",
        )
    )
    full = local_feedback(AnswerInput(question=question, transcript=DESIGN))
    assert full["overall"] - vague["overall"] >= 1.5
    note = vague["dimensions"]["structure_star"]["note"]
    assert note.startswith("This is a “Design or method” question: it asks for how you would")
    assert "missing" not in note.lower()


def test_motivation_answers_are_not_asked_for_a_story() -> None:
    specific = (
        "I ride your bikes to work most days, and the part I'd most like to work on is the full "
        "station: the app says it is full but not where the nearest free dock is. At my current "
        "job I redesigned the booking flow for a gym chain and cut failed bookings by a third, "
        "by showing people what to do next. I want to work where design shapes what gets built."
    )
    generic = "I'm passionate about design and I want to grow in a fast-paced company."
    q = "Why do you want this role?"
    good = local_feedback(AnswerInput(question=q, transcript=specific, role="Product designer"))
    weak = local_feedback(AnswerInput(question=q, transcript=generic, role="Product designer"))
    assert good["overall"] > weak["overall"] + 1
    assert absence_claims(good) == absence_claims(weak) == set()
    assert good["signals"]["question_type"] == "motivation"
    short = local_feedback(AnswerInput(question=q, transcript="Because I need a job."))
    assert short["follow_up"] == "What draws you to this role in particular?"
