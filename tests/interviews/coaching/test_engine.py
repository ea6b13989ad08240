"""The relevance cap, applied to every engine's final feedback in coaching.engine: an answer to a
different question cannot pass as good, and a note says what it did not address."""

from __future__ import annotations

import pytest

from interviews.coaching import AnswerInput, generate_feedback, local_feedback
from interviews.coaching.engine import RELEVANCE_CAP, cap_for_relevance, off_topic_note
from interviews.coaching.local import delivery_metrics
from interviews.coaching.schema import FEEDBACK_SCHEMA, finalise, schema_errors

pytest.importorskip("avatars.providers.openai")

FAILURE_Q = "Tell me about a time you failed. What did you learn?"
SUCCESS_STORY = (
    "Last year I led the launch of our new checkout. I planned the work with two engineers, "
    "I wrote the payment integration myself and we shipped two weeks early. Conversion went up "
    "twelve percent and the CEO thanked the whole team."
)
FAILURE_STORY = (
    "Last year I promised a client a report by Friday and I missed it: I underestimated how "
    "messy their data was and told them only on Thursday night. I apologised, delivered it on "
    "Monday and they stayed with us. I learned to check the data on day one, and now I tell "
    "people about a risk the moment I see it."
)


def answer(transcript: str, question: str = FAILURE_Q, competency: str = "failure") -> AnswerInput:
    return AnswerInput(question=question, transcript=transcript, competency=competency)


def judged(transcript: str, relevance: int, others: int = 5, question: str = FAILURE_Q) -> dict:
    """Feedback as an engine might produce it: every part scored `others` on a real quote."""
    quote = transcript.split(".")[0]
    dims = {
        name: {"score": others, "quotes": [quote], "note": "n"}
        for name in ("structure_star", "specificity_evidence", "impact_results", "delivery")
    }
    dims["relevance"] = {"score": relevance, "quotes": [], "note": "Off topic."}
    metrics = delivery_metrics(AnswerInput(question=question, transcript=transcript))
    return dict(
        finalise({"dimensions": dims}, transcript=transcript, delivery=metrics, engine="test")
    )


@pytest.mark.parametrize("relevance", [1, 2])
def test_low_relevance_caps_a_polished_answer_below_the_pass_mark(relevance: int) -> None:
    feedback = judged(SUCCESS_STORY, relevance)
    assert feedback["overall"] > RELEVANCE_CAP  # polished: it would pass without the cap
    capped = cap_for_relevance(feedback, answer(SUCCESS_STORY))
    assert capped["overall"] == RELEVANCE_CAP == 2.5
    assert capped["capped_from"] == feedback["overall"]
    # The engine judged the content: its own note says what the answer is about instead.
    note = capped["dimensions"]["relevance"]["note"]
    assert note == "Off topic."
    assert capped["improvements"][0] == note
    assert schema_errors(capped, FEEDBACK_SCHEMA) == []


def test_relevance_three_or_more_is_not_capped() -> None:
    feedback = judged(SUCCESS_STORY, 3)
    feedback["dimensions"]["relevance"]["quotes"] = [SUCCESS_STORY.split(".")[0]]
    assert cap_for_relevance(feedback, answer(SUCCESS_STORY)) is feedback


def test_an_unsupported_relevance_score_caps_nothing() -> None:
    feedback = judged(SUCCESS_STORY, 1)
    feedback["dimensions"]["relevance"]["supported"] = False  # e.g. it cited invented quotes
    assert cap_for_relevance(feedback, answer(SUCCESS_STORY)) is feedback


def test_a_weak_off_topic_answer_keeps_its_lower_score_but_gets_the_note() -> None:
    feedback = judged(SUCCESS_STORY, 1, others=2)
    capped = cap_for_relevance(feedback, answer(SUCCESS_STORY))
    assert capped["overall"] == feedback["overall"] < RELEVANCE_CAP
    assert capped["capped_from"] is None
    assert capped["dimensions"]["relevance"]["note"] == "Off topic."


def test_without_the_engines_note_the_cap_names_the_question() -> None:
    # Never a list of criteria the word lists missed: that is no evidence.
    note = off_topic_note(answer(FAILURE_STORY))
    assert note.startswith(
        "This answer seems to be about something other than the question asked (Tell me about"
    )


def test_the_local_engine_is_capped_too() -> None:
    off_topic = local_feedback(answer(SUCCESS_STORY))
    on_topic = local_feedback(answer(FAILURE_STORY))
    assert off_topic["dimensions"]["relevance"]["score"] <= 2
    assert off_topic["overall"] <= RELEVANCE_CAP
    # It says what the story seems to be about, in the second person.
    note = off_topic["dimensions"]["relevance"]["note"]
    assert note.startswith("Your story seems to be about a time you led people")
    assert "what you learned" in note
    assert on_topic["overall"] >= off_topic["overall"] + 0.5
    assert schema_errors(off_topic, FEEDBACK_SCHEMA) == []


async def test_the_local_engine_streams_the_capped_feedback() -> None:
    events = [e async for e in generate_feedback(answer(SUCCESS_STORY))]
    assert events[-1]["feedback"] == local_feedback(answer(SUCCESS_STORY))


async def test_the_model_engine_is_capped_too(fake_providers, settings) -> None:
    fake_providers.configure(settings, llm="openai")
    quote = "I wrote the payment integration myself and we shipped two weeks early."
    strong = {"score": 5, "quotes": [quote], "note": "Great."}
    reply = {
        "summary": "A polished story.",
        "dimensions": {
            "structure_star": strong,
            "specificity_evidence": strong,
            "impact_results": strong,
            "relevance": {"score": 1, "quotes": [], "note": "It is a success story."},
            "delivery": strong,
        },
        "star": {"situation": None, "task": None, "action": quote, "result": None},
        "strengths": [],
        "improvements": ["Tell a real failure."],
        "outline": [],
        "follow_up": None,
        "follow_up_reason": None,
    }
    fake_providers.knobs(openai_chat={"json_replies": [reply]})
    events = [e async for e in generate_feedback(answer(SUCCESS_STORY))]
    feedback = events[-1]["feedback"]
    assert feedback["engine"] == "openai"
    assert feedback["overall"] == RELEVANCE_CAP
    assert feedback["capped_from"] > RELEVANCE_CAP
    assert feedback["dimensions"]["relevance"]["note"] == "It is a success story."
    assert feedback["improvements"][1] == "Tell a real failure."
    assert schema_errors(feedback, FEEDBACK_SCHEMA) == []
