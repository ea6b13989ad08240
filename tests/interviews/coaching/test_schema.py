"""The feedback schema and the quote check every engine passes."""

from __future__ import annotations

from interviews.coaching.engine import AnswerInput
from interviews.coaching.local import delivery_metrics
from interviews.coaching.schema import (
    FEEDBACK_SCHEMA,
    MODEL_SCHEMA,
    finalise,
    normalise,
    quote_in_transcript,
    schema_errors,
    strict_schema_problems,
)

TRANSCRIPT = (
    "At my last job, our checkout API was timing out. I added two indexes in Postgres. "
    "As a result, p95 latency dropped from 1.8 seconds to 300 ms!"
)


def _metrics() -> dict:
    return delivery_metrics(AnswerInput(question="q", transcript=TRANSCRIPT))


def test_model_schema_is_valid_openai_strict_structured_output() -> None:
    assert strict_schema_problems(MODEL_SCHEMA) == []


def test_quotes_match_ignoring_case_whitespace_and_punctuation() -> None:
    haystack = normalise(TRANSCRIPT)
    assert quote_in_transcript("as a result p95 latency DROPPED from 1.8 seconds", haystack)
    assert quote_in_transcript("I  added two\nindexes in postgres.", haystack)
    assert quote_in_transcript("I added ... in Postgres", haystack)  # ellipsis fragments
    assert not quote_in_transcript("I added three indexes", haystack)
    assert not quote_in_transcript("in Postgres ... I added", haystack)  # wrong order
    assert not quote_in_transcript("dd two ind", haystack)  # not whole words
    assert not quote_in_transcript("", haystack)
    assert not quote_in_transcript("...", haystack)


def test_invented_quotes_are_dropped_and_their_dimension_unsupported() -> None:
    raw = {
        "summary": "Good.",
        "dimensions": {
            "structure_star": {"score": 5, "quotes": ["I led a team of 40 people."], "note": ""},
            "specificity_evidence": {
                "score": 4,
                "quotes": ["I led a team of 40 people.", "I added two indexes in Postgres."],
                "note": "",
            },
            "impact_results": {"score": 2, "quotes": [], "note": "no number"},
            "relevance": {"score": 5, "quotes": [], "note": "no quote at all"},
            "delivery": {"score": 4, "quotes": [], "note": ""},
        },
        "star": {"situation": "We were a startup.", "result": "As a result, p95 latency dropped"},
    }
    feedback = finalise(raw, transcript=TRANSCRIPT, delivery=_metrics(), engine="test")
    dims = feedback["dimensions"]
    assert dims["structure_star"] == {
        "score": 5,
        "quotes": [],
        "note": "",
        "supported": False,
    }
    assert dims["specificity_evidence"]["quotes"] == ["I added two indexes in Postgres."]
    assert dims["specificity_evidence"]["supported"] is True
    assert dims["impact_results"]["supported"] is True  # a low score may rest on an absence
    assert dims["relevance"]["supported"] is False  # a 5 without evidence is not believed
    assert feedback["star"]["situation"] is None
    assert feedback["star"]["result"] == "As a result, p95 latency dropped"
    assert "I led a team of 40 people." in feedback["dropped_quotes"]
    # The overall score only counts supported dimensions: (4*0.2 + 2*0.2 + 4*0.15) / 0.55
    assert feedback["overall"] == 3.3
    assert schema_errors(feedback, FEEDBACK_SCHEMA) == []


def test_garbage_from_an_engine_becomes_a_valid_bounded_feedback() -> None:
    raw = {
        "dimensions": {"relevance": {"score": "9", "quotes": [3, None, "x" * 5000]}},
        "strengths": ["a"] * 50 + [7],
        "star": "nope",
        "follow_up": "   ",
        "follow_up_reason": "weird",
    }
    feedback = finalise(raw, transcript="short", delivery=_metrics(), engine="test")
    assert schema_errors(feedback, FEEDBACK_SCHEMA) == []
    assert feedback["dimensions"]["relevance"]["score"] == 5
    assert feedback["dimensions"]["relevance"]["supported"] is False
    assert len(feedback["strengths"]) <= 6
    assert feedback["follow_up"] is None
    assert feedback["follow_up_reason"] is None
    assert feedback["overall"] == 1.0
