"""The local coach on real-looking answers and edge cases."""

from __future__ import annotations

import pytest

from interviews.coaching import AnswerInput, generate_feedback, local_feedback
from interviews.coaching.local import count_fillers, split_sentences
from interviews.coaching.schema import FEEDBACK_SCHEMA, normalise, schema_errors

Q = "Tell me about a time you improved a process at work."

STRONG = (
    "At my previous company, a travel agency, our refund process took about 14 days and "
    "customers were complaining. I was responsible for cutting it to under a week before the "
    "summer peak. First I mapped every step with the finance team, then I automated the "
    "approval emails in Zendesk and removed two manual checks. As a result, refunds dropped "
    "from 14 days to 4 days and complaints fell by 60%."
)


def feedback(transcript: str, **kwargs) -> dict:
    return local_feedback(AnswerInput(question=Q, transcript=transcript, **kwargs))


def assert_quotes_are_real(fb: dict, transcript: str) -> None:
    haystack = normalise(transcript)
    for dim in fb["dimensions"].values():
        for quote in dim["quotes"]:
            assert normalise(quote.rstrip(" …")) in haystack
    for quote in fb["star"].values():
        if quote:
            assert normalise(quote) in haystack


def test_strong_answer_quotes_each_star_part_and_scores_high() -> None:
    fb = feedback(STRONG, duration_seconds=40)
    assert schema_errors(fb, FEEDBACK_SCHEMA) == []
    assert fb["engine"] == "local"
    assert fb["star"]["situation"].startswith("At my previous company")
    assert fb["star"]["task"].startswith("I was responsible")
    assert fb["star"]["action"].startswith("First I mapped")
    assert fb["star"]["result"].startswith("As a result")
    assert fb["dimensions"]["impact_results"]["score"] >= 4
    # Relevance is not judged without evidence of another topic (and so not counted).
    assert all(d["supported"] for n, d in fb["dimensions"].items() if n != "relevance")
    assert fb["dimensions"]["relevance"]["supported"] is False
    assert fb["overall"] >= 3.8
    assert fb["follow_up"] is None
    assert any("quantified" in s for s in fb["strengths"])
    assert_quotes_are_real(fb, STRONG)


def test_no_result_gets_a_follow_up_asking_for_a_measurable_result() -> None:
    text = (
        "In my last job the weekly report took a whole day to build. I wrote a Python script "
        "that pulled the data from our CRM and I scheduled it every Monday morning."
    )
    fb = feedback(text)
    assert fb["follow_up_reason"] == "no_result"
    assert "How did it turn out? Can you put a number on it?" in fb["follow_up"]
    assert fb["dimensions"]["impact_results"]["score"] <= 2
    assert any("what changed" in item for item in fb["improvements"])


def test_we_heavy_answer_is_asked_what_they_personally_did() -> None:
    text = (
        "Our team had a slow release process at my last company. We decided to change it. "
        "We set up a new pipeline in Jenkins and we moved our tests to run in parallel. "
        "We cut release time from 3 hours to 40 minutes."
    )
    fb = feedback(text)
    assert fb["follow_up_reason"] == "ownership"
    assert "personally" in fb["follow_up"]
    assert fb["signals"]["we_count"] > fb["signals"]["i_count"]
    assert any("“we/our”" in item for item in fb["improvements"])


def test_vague_answer_is_asked_for_specifics() -> None:
    text = (
        "When I was working at a shop, things were disorganised. I was asked to fix the way "
        "we handled stock. I talked to people and I changed how things were stored. As a "
        "result it worked better."
    )
    fb = feedback(text)
    assert fb["follow_up_reason"] == "no_specifics"
    assert "specific" in fb["follow_up"]


def test_no_context_is_asked_to_set_the_scene() -> None:
    text = (
        "I rewrote the import job in Python and I added retries with a dead letter queue in "
        "SQS. I measured 3 failures a week instead of 40, and the on-call load dropped by 80%."
    )
    fb = feedback(text)
    assert fb["star"]["situation"] is None
    assert fb["follow_up_reason"] == "no_context"


def test_persona_changes_the_follow_up_tone_not_the_gap() -> None:
    text = "I fixed the build. I made it faster by caching the dependencies."
    tough = feedback(text, persona="tough")
    neutral = feedback(text)
    assert tough["follow_up_reason"] == neutral["follow_up_reason"]
    assert tough["follow_up"].startswith("Let me push on that.")


def test_words_per_minute_and_long_pauses_come_from_word_timings() -> None:
    words = []
    clock = 0.0
    for index in range(60):
        if index in (20, 40):
            clock += 3.0  # two long pauses
        words.append({"word": f"w{index}", "start": clock, "end": clock + 0.3})
        clock += 0.4
    text = " ".join(w["word"] for w in words)
    fb = feedback(text, words=words, duration_seconds=999)
    delivery = fb["delivery"]
    assert delivery["duration_source"] == "timings"
    assert delivery["long_pauses"] == 2
    assert delivery["longest_pause_seconds"] == pytest.approx(3.1, abs=0.01)
    span = words[-1]["end"] - words[0]["start"]
    assert delivery["wpm"] == round(60 / span * 60)


def test_words_per_minute_falls_back_to_duration_then_to_an_estimate() -> None:
    text = " ".join(["word"] * 150)
    assert feedback(text, duration_seconds=60)["delivery"]["wpm"] == 150
    typed = feedback(text)["delivery"]
    assert typed["wpm"] is None
    assert typed["duration_source"] == "estimate"
    assert typed["filler_per_minute"] is None


def test_length_verdict_against_the_60_to_120_second_target() -> None:
    text = " ".join(["word"] * 100)
    assert feedback(text, duration_seconds=30)["delivery"]["length_verdict"] == "short"
    assert feedback(text, duration_seconds=90)["delivery"]["length_verdict"] == "on_target"
    assert feedback(text, duration_seconds=200)["delivery"]["length_verdict"] == "long"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Um, so I, uh, basically fixed it, you know.",
            {"um": 1, "uh": 1, "basically": 1, "you know": 1},
        ),
        ("I used tools like Jira and I would like to learn more.", {}),
        ("It was, like, really hard and like I was kind of lost.", {"like": 2, "kind of": 1}),
        ("What kind of tests? You know how it is. I mean it.", {}),
        ("It took like 20 minutes, sort of.", {"like": 1, "sort of": 1}),
    ],
)
def test_filler_words(text: str, expected: dict) -> None:
    assert dict(count_fillers(text)) == expected


def test_fillers_per_minute_and_the_improvement_that_names_them() -> None:
    text = "Um, I, um, basically, like, you know, did it. Um, actually, it was fine. " * 3
    fb = feedback(text, duration_seconds=60)
    assert fb["delivery"]["fillers"] >= 15
    assert fb["delivery"]["filler_per_minute"] == fb["delivery"]["fillers"]
    assert any("Cut filler words" in item and "“um”" in item for item in fb["improvements"])
    assert fb["dimensions"]["delivery"]["score"] <= 2


def test_unpunctuated_browser_transcript_is_split_into_quotable_pieces() -> None:
    text = (
        "so at my last job our deploys kept failing and i was asked to fix it so first i "
        "looked at the logs and i found the cache was stale then i added a health check and "
        "as a result the failures dropped from ten a week to zero and the team could ship daily"
    )
    pieces = split_sentences(text)
    assert len(pieces) > 2
    assert " ".join(pieces) == text
    fb = feedback(text)
    assert fb["star"]["result"]
    assert "as a result" in fb["star"]["result"]
    assert_quotes_are_real(fb, text)


# --- Edge cases -----------------------------------------------------------------------------


def test_empty_answer() -> None:
    for text in ("", "   \n  "):
        fb = feedback(text)
        assert schema_errors(fb, FEEDBACK_SCHEMA) == []
        assert fb["overall"] == 1.0
        assert fb["follow_up"] is None
        assert fb["delivery"]["words"] == 0
        assert "didn't catch an answer" in fb["summary"]


def test_one_word_answer() -> None:
    fb = feedback("Yes.")
    assert schema_errors(fb, FEEDBACK_SCHEMA) == []
    assert fb["overall"] <= 1.5
    assert fb["follow_up_reason"] == "no_context"
    assert "specific example" in fb["follow_up"]


def test_ten_thousand_words_is_bounded() -> None:
    text = " ".join(
        f"In week {i} I reviewed {i} pull requests and we shipped feature number {i}."
        for i in range(800)
    )
    assert len(text.split()) >= 10_000
    fb = feedback(text, duration_seconds=4000)
    assert schema_errors(fb, FEEDBACK_SCHEMA) == []
    assert len(str(fb)) < 12_000
    assert all(len(d["quotes"]) <= 3 for d in fb["dimensions"].values())
    assert fb["delivery"]["length_verdict"] == "long"
    assert any("Too long" in item for item in fb["improvements"])


def test_non_english_answer_is_not_scored_on_content() -> None:
    for text in (
        "En mi último trabajo lideré la migración de la base de datos y redujimos los "
        "errores un 40 por ciento en tres meses.",
        "我在上一家公司负责数据库迁移。我们把错误减少了百分之四十。",
    ):
        fb = feedback(text, duration_seconds=20)
        assert schema_errors(fb, FEEDBACK_SCHEMA) == []
        assert fb["signals"]["language"] == "other"
        assert fb["dimensions"]["relevance"]["supported"] is False
        assert "English answers only" in fb["dimensions"]["relevance"]["note"]
        assert fb["follow_up"] is None
        assert any("English" in item for item in fb["improvements"])


def test_repeated_text_earns_nothing_twice() -> None:
    once = feedback(STRONG, duration_seconds=40)
    repeated_text = " ".join([STRONG] * 6)
    repeated = feedback(repeated_text, duration_seconds=240)
    assert repeated["signals"]["repetitive"] is True
    assert repeated["overall"] < once["overall"]
    assert any("repeated" in item for item in repeated["improvements"])


def test_deterministic() -> None:
    assert feedback(STRONG) == feedback(STRONG)


async def test_generate_feedback_with_the_local_engine_yields_one_final_event() -> None:
    events = [e async for e in generate_feedback(AnswerInput(question=Q, transcript=STRONG))]
    assert [e["type"] for e in events] == ["final"]
    assert events[0]["feedback"]["engine"] == "local"
