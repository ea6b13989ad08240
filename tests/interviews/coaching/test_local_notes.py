"""Every note of the local coach, against answers that have the part and answers that lack it.
A part is called missing only when there is no sign of it; weak signs get "not clear"."""

from __future__ import annotations

from interviews.coaching import AnswerInput
from interviews.coaching.local import local_coach

URGENT = "How do you prioritise when everything is urgent? Give an example."
FAILED = "Tell me about a time you failed. What did you learn?"
CONFLICT = "Describe a disagreement with a colleague and how you resolved it."

# Plain narrative, no signposts: the moment, what was urgent, three steps in order, the end.
NARRATIVE = (
    "It was the Thursday before our spring sale at the garden supplies shop I managed. The "
    "website was showing wrong prices, a supplier had sent half an order, and two staff had "
    "called in sick. I fixed the prices first, because every hour they stayed wrong cost us "
    "money. Then I rang the supplier and got the rest of the order sent overnight. After that "
    "I moved my own shifts so the till was covered on Saturday. By Friday evening everything "
    "was sorted, nothing slipped, and the sale opened on time."
)
NO_RESULT = (
    "Last spring at the bakery I ran, three wholesale orders and a health inspection landed on "
    "the same morning. I called the two smaller customers and moved their delivery to the "
    "afternoon. Then I walked the inspector round myself while my deputy packed the big order."
)
VAGUE_END = (
    "Last spring at the bakery I ran, three wholesale orders and a health inspection landed on "
    "the same morning. I called the two smaller customers and moved their delivery to the "
    "afternoon. Then I walked the inspector round myself while my deputy packed the big order. "
    "Eventually the day was over."
)
SIGNPOSTED = (
    "At my previous company, a travel agency, refunds took about 14 days and customers were "
    "complaining. My task was to cut it to under a week before the summer peak. First I mapped "
    "every step with the finance team, then I automated the approval emails in Zendesk. As a "
    "result, refunds dropped from 14 days to 4 days and complaints fell by 60%."
)
BUZZ = (
    "I'm a results-driven team player and I always go above and beyond. I think outside the "
    "box and I thrive in a fast-paced environment, so I always deliver value."
)
SUCCESS = (
    "Last year I led the launch of our booking app. I planned the work with the designers, I "
    "tested every release myself and I trained the support team. We launched two weeks early "
    "and bookings rose by 20% in the first month."
)
FAILURE = (
    "Last year I promised a client a report by Friday without checking the data first. The "
    "export was broken, so I missed the deadline by three days and the client was angry. It was "
    "my mistake. I learned to check the data before I give anyone a date, and now I always do."
)


def coach(transcript: str, question: str = URGENT, competency: str = "") -> dict:
    words = len(transcript.split())
    return local_coach(
        AnswerInput(
            question=question,
            transcript=transcript,
            competency=competency,
            duration_seconds=max(5.0, words / 2.3),
        )
    )


def note(fb: dict, dimension: str) -> str:
    return fb["dimensions"][dimension]["note"]


def test_a_plain_narrative_answer_has_its_structure_result_and_relevance() -> None:
    fb = coach(NARRATIVE)
    dims = fb["dimensions"]
    assert dims["structure_star"]["score"] >= 4
    assert dims["impact_results"]["score"] >= 3
    assert dims["relevance"]["score"] >= 4
    assert "never says how it turned out" not in note(fb, "impact_results")
    assert "Missing" not in note(fb, "structure_star") or "task" in note(fb, "structure_star")
    assert "nothing slipped" in fb["star"]["result"]
    assert fb["star"]["action"].startswith(("I fixed", "Then I", "After that I"))
    assert not any("Finish with the result" in item for item in fb["improvements"])


def test_structure_note_all_parts_against_missing_parts() -> None:
    assert note(coach(SIGNPOSTED), "structure_star") == "All four STAR parts are there."
    missing = note(coach(NO_RESULT), "structure_star")
    assert "Missing" in missing
    assert "result" in missing
    assert "situation" not in missing.split("Missing")[1]


def test_a_weak_sign_of_a_part_is_unclear_not_missing() -> None:
    fb = coach(VAGUE_END)
    structure = note(fb, "structure_star")
    assert "result is there but not clear" in structure
    assert "Missing: the result" not in structure
    assert note(fb, "impact_results").startswith("The ending is not clearly a result")
    assert "never says" not in note(fb, "impact_results")


def test_impact_notes() -> None:
    assert note(coach(NO_RESULT), "impact_results") == "The answer never says how it turned out."
    assert note(coach(SIGNPOSTED), "impact_results") == "The result is measurable."
    plain = note(coach(NARRATIVE), "impact_results")
    assert plain.startswith("There is a result")
    hedged = NO_RESULT + " In the end I think it was probably fine."
    assert note(coach(hedged), "impact_results") == "The result is hedged and has no number."


def test_improvements_name_only_the_parts_that_are_absent() -> None:
    without = coach(NO_RESULT)["improvements"]
    assert any("Finish with the result" in item for item in without)
    assert not any("Open with one or two sentences of context" in item for item in without)
    with_all = coach(SIGNPOSTED)["improvements"]
    assert not any("Finish with the result" in item for item in with_all)
    assert not any("Describe the steps you took" in item for item in with_all)
    no_context = coach(
        "I rewrote the import job in Python and I added retries. I measured 3 failures a week "
        "instead of 40, and the on-call load dropped by 80%."
    )["improvements"]
    assert any("Open with one or two sentences of context" in item for item in no_context)


def test_specificity_notes() -> None:
    assert note(coach(SIGNPOSTED), "specificity_evidence").startswith("Specifics: ")
    plain = note(coach(NARRATIVE), "specificity_evidence")
    assert plain.startswith("Specifics: ")
    bare = coach("I helped my team a lot with the work and things were better after I did it.")
    assert note(bare, "specificity_evidence").startswith("No numbers")
    stock = coach(BUZZ)
    assert "Stock phrases" in note(stock, "specificity_evidence")
    assert "go above and beyond" in note(stock, "specificity_evidence")


def test_generic_claims_score_low_on_evidence_and_structure() -> None:
    stock = coach(BUZZ)
    habits = coach(
        "When everything is urgent I use a simple matrix. I sort tasks by urgency and "
        "importance, I delegate what I can and I always communicate clearly with stakeholders."
    )
    for fb in (stock, habits):
        assert fb["dimensions"]["specificity_evidence"]["score"] <= 2
        assert fb["dimensions"]["structure_star"]["score"] <= 2
        assert fb["dimensions"]["impact_results"]["score"] == 1
        assert "real occasion" in note(fb, "structure_star")
        assert fb["strengths"] == [] or not any("STAR" in s for s in fb["strengths"])
    story = coach(NARRATIVE)
    assert story["dimensions"]["specificity_evidence"]["score"] >= 3
    assert "real occasion" not in note(story, "structure_star")


def test_relevance_notes_say_what_the_question_needed() -> None:
    off = coach(SUCCESS, FAILED, "failure")
    assert off["dimensions"]["relevance"]["score"] <= 2
    assert note(off, "relevance").startswith("Does not answer this question")
    assert "what went wrong" in note(off, "relevance")
    on = coach(FAILURE, FAILED, "failure")
    assert on["dimensions"]["relevance"]["score"] >= 4
    assert note(on, "relevance").startswith("Answers what the question asks")
    partial = coach(
        "Last year I promised a client a report by Friday without checking the data first. The "
        "export was broken and I missed the deadline by three days, which was my mistake.",
        FAILED,
        "failure",
    )
    assert "what you learned would make it complete" in note(partial, "relevance")
    assert partial["dimensions"]["relevance"]["score"] >= 3


def test_relevance_uses_the_question_text_when_no_competency_is_given() -> None:
    bug_story = (
        "Our nightly import kept timing out. I profiled the job, found a missing index on the "
        "orders table and added it. The import now finishes in six minutes instead of forty."
    )
    off = coach(bug_story, CONFLICT)
    assert off["signals"]["competency"] == "conflict"
    assert off["dimensions"]["relevance"]["score"] <= 2
    assert "what the disagreement was" in note(off, "relevance")


def test_non_answers_and_declines() -> None:
    fb = coach("Sorry, I can't think of an example right now. Can we skip this one?")
    assert fb["signals"]["declined"] is True
    assert all(fb["dimensions"][d]["score"] == 1 for d in ("structure_star", "impact_results"))
    assert note(fb, "relevance").startswith("The question was not answered")
    assert "No story was told" in note(fb, "structure_star")
    assert coach(NARRATIVE)["signals"]["declined"] is False


def test_other_languages_are_not_told_to_give_an_example() -> None:
    fb = coach("En mi último trabajo lideré la migración y redujimos los errores un 40 por ciento.")
    assert fb["signals"]["language"] == "other"
    assert not any("real occasion" in item for item in fb["improvements"])
    assert "real occasion" not in note(fb, "structure_star")


def test_every_quote_of_every_calibration_answer_is_verbatim() -> None:
    """The schema drops quotes that are not in the transcript; the local coach never needs it."""
    from interviews.coaching.schema import FEEDBACK_SCHEMA
    from interviews.coaching.schema_check import schema_errors
    from tests.interviews.coaching.calibration_data import DEV, HELDOUT

    for sample in DEV + HELDOUT:
        fb = local_coach(sample.answer())
        assert fb["dropped_quotes"] == [], sample.id
        assert schema_errors(fb, FEEDBACK_SCHEMA) == [], sample.id
        assert all(dim["supported"] for dim in fb["dimensions"].values()), sample.id
