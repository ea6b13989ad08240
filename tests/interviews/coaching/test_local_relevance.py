"""A strong on-topic answer beats the same candidate's off-topic story, stock phrases and
non-answer on the same question, for every competency (development-half answers only)."""

from __future__ import annotations

import pytest

from interviews.coaching import AnswerInput, local_feedback
from interviews.coaching.local import local_coach
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


@pytest.mark.parametrize("competency", sorted(CASES))
@pytest.mark.parametrize("other", ["off_topic", "buzzwords", "non_answer"])
def test_a_strong_answer_beats_the_wrong_answer_by_half_a_point(competency, other) -> None:
    strong_id, off_topic_id = CASES[competency]
    transcript = {
        "off_topic": BY_ID[off_topic_id].transcript,
        "buzzwords": BUZZWORDS.format(topic=TOPIC[competency]),
        "non_answer": NON_ANSWER,
    }[other]
    strong = local_feedback(_answer(strong_id, BY_ID[strong_id].transcript))
    wrong_input = _answer(strong_id, transcript)
    wrong = local_feedback(wrong_input)
    assert strong["dimensions"]["relevance"]["score"] >= 4
    # The local coach itself says the question was not answered (relevance <= 2 of 5) ...
    assert local_coach(wrong_input)["dimensions"]["relevance"]["score"] <= 2
    # ... and the overall, after the engine's relevance cap, is well below the real answer.
    assert strong["overall"] - wrong["overall"] >= 0.5, (strong["overall"], wrong["overall"])
