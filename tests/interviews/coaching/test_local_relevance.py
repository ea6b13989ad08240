"""A strong on-topic answer beats the same candidate's off-topic story, stock phrases and
non-answer on the same question, for every competency (development-half answers only)."""

from __future__ import annotations

import pytest

from interviews.coaching import AnswerInput, local_feedback
from tests.interviews.coaching.calibration_data import DEV

BY_ID = {s.id: s for s in DEV}
# (question's strong answer, a strong story that answers another competency's question)
CASES = {
    "failure": ("dev-plan-star", "dev-teammate-star"),
    "conflict": ("dev-pushback-star", "dev-perf-star"),
    "leadership": ("dev-mentor-star", "dev-perf-plain"),
    "teamwork": ("dev-teammate-star", "dev-decision-star"),
    "technical_general": ("dev-perf-star", "dev-pushback-star"),
    "behavioural": ("dev-decision-star", "dev-mentor-plain"),
}
BUZZWORDS = (
    "I'm a results-driven team player and I always go above and beyond. I think outside the "
    "box, I'm passionate about {topic}, and I have a proven track record of delivering value."
)
NON_ANSWER = "Hmm, I can't think of an example right now, sorry. Can we skip this one?"
TOPIC = {
    "failure": "learning from failure",
    "conflict": "resolving conflict",
    "leadership": "leadership",
    "teamwork": "teamwork",
    "technical_general": "performance",
    "behavioural": "making decisions",
}


def _answer(question_of: str, transcript: str) -> AnswerInput:
    sample = BY_ID[question_of]
    words = len(transcript.split())
    return AnswerInput(
        question=sample.question,
        transcript=transcript,
        competency=sample.competency,
        duration_seconds=max(5.0, words / 2.3),
    )


#: Off-topic stories whose text gives the built-in coach no evidence that they answer another
#: question (the asked question's criteria are half met by the same broad cues): it does not
#: judge them, and says so, rather than guess.
UNJUDGED = {"leadership", "teamwork"}


@pytest.mark.parametrize("competency", sorted(CASES))
@pytest.mark.parametrize("other", ["off_topic", "buzzwords", "non_answer"])
def test_a_strong_answer_beats_the_wrong_answer_by_half_a_point(competency, other) -> None:
    if other == "off_topic" and competency in UNJUDGED:
        pytest.skip("no evidence in the text: see test_without_evidence_relevance_is_not_judged")
    strong_id, off_topic_id = CASES[competency]
    transcript = {
        "off_topic": BY_ID[off_topic_id].transcript,
        "buzzwords": BUZZWORDS.format(topic=TOPIC[competency]),
        "non_answer": NON_ANSWER,
    }[other]
    strong = local_feedback(_answer(strong_id, BY_ID[strong_id].transcript))
    wrong_input = _answer(strong_id, transcript)
    wrong = local_feedback(wrong_input)
    # The on-topic answer is never judged off topic: a criterion the word lists miss is no
    # evidence, so its relevance is not counted rather than lowered.
    assert strong["capped_from"] is None
    assert strong["dimensions"]["relevance"]["supported"] is False
    # ... and the overall is well below the real answer.
    assert strong["overall"] - wrong["overall"] >= 0.5, (strong["overall"], wrong["overall"])


@pytest.mark.parametrize("competency", sorted(UNJUDGED))
def test_without_evidence_relevance_is_not_judged_and_the_note_says_so(competency) -> None:
    strong_id, off_topic_id = CASES[competency]
    wrong = local_feedback(_answer(strong_id, BY_ID[off_topic_id].transcript))
    relevance = wrong["dimensions"]["relevance"]
    assert wrong["capped_from"] is None
    assert relevance["supported"] is False
    assert "does not judge whether this is the right example" in relevance["note"]


def test_an_off_topic_story_is_told_what_it_seems_to_be_about() -> None:
    strong_id, off_topic_id = CASES["conflict"]  # a performance story to "pushed back"
    wrong = local_feedback(_answer(strong_id, BY_ID[off_topic_id].transcript))
    assert wrong["capped_from"] is not None
    note = wrong["dimensions"]["relevance"]["note"]
    assert note.startswith("Your story seems to be about a real technical problem")
    assert "the candidate" not in note
