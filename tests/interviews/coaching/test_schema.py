"""The feedback schema and the quote check every engine passes."""

from __future__ import annotations

import pytest

from interviews.coaching.answer import AnswerInput
from interviews.coaching.local import delivery_metrics
from interviews.coaching.schema import (
    BAD_SCORE_NOTE,
    DIMENSION_LABELS,
    DIMENSIONS,
    FEEDBACK_SCHEMA,
    MODEL_SCHEMA,
    NOT_ASSESSED_NOTE,
    finalise,
    normalise,
    parse_score,
    quote_in_transcript,
    schema_errors,
    strict_schema_problems,
    with_labels,
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
        "label": "Structure (STAR)",
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
        "summary": {"not": "text"},
    }
    feedback = finalise(raw, transcript="short", delivery=_metrics(), engine="test")
    assert schema_errors(feedback, FEEDBACK_SCHEMA) == []
    assert feedback["dimensions"]["relevance"]["supported"] is False
    assert len(feedback["strengths"]) <= 6
    assert feedback["follow_up"] is None
    assert feedback["follow_up_reason"] is None
    assert feedback["summary"] == ""
    assert feedback["overall"] == 1.0
    assert finalise("not a dict", transcript="x", delivery=_metrics(), engine="t")["overall"] == 1.0


def test_every_dimension_carries_its_human_label() -> None:
    feedback = finalise({}, transcript=TRANSCRIPT, delivery=_metrics(), engine="test")
    labels = [dim["label"] for dim in feedback["dimensions"].values()]
    assert labels == [
        "Structure (STAR)",
        "Specifics and evidence",
        "Impact and results",
        "Relevance",
        "Delivery",
    ]
    assert [DIMENSION_LABELS[name] for name in DIMENSIONS] == labels
    assert all("_" not in label for label in labels)


def test_feedback_stored_before_labels_gets_them_on_read() -> None:
    old = {
        "overall": 3.0,
        "dimensions": {
            "relevance": {"score": 3, "quotes": []},
            "structure_star": {"score": 2, "quotes": []},
        },
    }
    shown = with_labels(old)
    assert shown["dimensions"]["relevance"]["label"] == "Relevance"
    assert shown["dimension_order"] == ["structure_star", "relevance"]
    assert "label" not in old["dimensions"]["relevance"]  # a copy, the stored dict is untouched
    new = finalise({}, transcript="x", delivery=_metrics(), engine="t")
    assert with_labels(new) is new
    assert with_labels(None) is None


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (4, 4),
        (4.0, 4),
        (3.5, 4),
        (2.4, 2),
        ("4", 4),
        (" 4 ", 4),
        ("4/5", 4),
        ("4 out of 5", 4),
        ("5.", 5),
        (7, None),
        (-1, None),
        (0, None),
        ("7", None),
        ("four", None),
        ("", None),
        (None, None),
        (True, None),
        (float("nan"), None),
        ([4], None),
    ],
)
def test_scores_are_read_from_text_and_refused_outside_one_to_five(given, expected) -> None:
    assert parse_score(given) == expected


def _dims(**overrides: dict) -> dict:
    dim = {"score": 4, "quotes": ["I added two indexes in Postgres."], "note": "Concrete."}
    dims = {name: dict(dim) for name in DIMENSIONS}
    dims.update(overrides)
    return {name: value for name, value in dims.items() if value is not None}


def test_scores_as_strings_are_repaired_and_counted() -> None:
    raw = {"dimensions": _dims(relevance={**_dims()["relevance"], "score": "4"})}
    feedback = finalise(raw, transcript=TRANSCRIPT, delivery=_metrics(), engine="test")
    relevance = feedback["dimensions"]["relevance"]
    assert (relevance["score"], relevance["supported"]) == (4, True)
    assert feedback["overall"] == 4.0
    assert feedback["repairs"] == ["relevance: score '4' read as 4"]


@pytest.mark.parametrize("bad", [7, -1, "ten"])
def test_an_out_of_range_score_is_not_counted_rather_than_guessed(bad) -> None:
    raw = {"dimensions": _dims(impact_results={**_dims()["impact_results"], "score": bad})}
    feedback = finalise(raw, transcript=TRANSCRIPT, delivery=_metrics(), engine="test")
    impact = feedback["dimensions"]["impact_results"]
    assert impact["supported"] is False
    assert impact["note"] == BAD_SCORE_NOTE
    assert feedback["overall"] == 4.0  # the other four, all 4
    assert feedback["repairs"][0].startswith("impact_results: unusable score")
    assert schema_errors(feedback, FEEDBACK_SCHEMA) == []


def test_a_missing_dimension_is_marked_unsupported_not_scored_one() -> None:
    raw = {"dimensions": _dims(structure_star=None)}
    feedback = finalise(raw, transcript=TRANSCRIPT, delivery=_metrics(), engine="test")
    structure = feedback["dimensions"]["structure_star"]
    assert structure["supported"] is False
    assert structure["note"] == NOT_ASSESSED_NOTE
    assert structure["label"] == "Structure (STAR)"
    assert feedback["overall"] == 4.0
    assert "structure_star: missing" in feedback["repairs"]
    assert schema_errors(feedback, FEEDBACK_SCHEMA) == []


def test_a_single_quote_given_as_text_instead_of_a_list_is_kept() -> None:
    raw = {"dimensions": _dims(relevance={"score": 4, "quotes": "I added two indexes"})}
    feedback = finalise(raw, transcript=TRANSCRIPT, delivery=_metrics(), engine="test")
    assert feedback["dimensions"]["relevance"]["quotes"] == ["I added two indexes"]
    assert feedback["dimensions"]["relevance"]["supported"] is True
