"""The model coach against the fake OpenAI server: strict structured output, streamed events,
quote validation, failures propagated, calibration plumbing."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from avatars.providers.base import ProviderError
from interviews.coaching import AnswerInput, generate_feedback, local_feedback
from interviews.coaching.calibration import SAMPLES
from interviews.coaching.schema import FEEDBACK_SCHEMA, schema_errors

pytest.importorskip("avatars.providers.openai")

TRANSCRIPT = (
    "At my last job our weekly report took a whole day. I wrote a Python script that built "
    "it from the CRM. As a result the report took ten minutes instead of eight hours."
)
ANSWER = AnswerInput(
    question="Tell me about a time you improved a process.",
    transcript=TRANSCRIPT,
    competency="behavioural",
    duration_seconds=20,
    role="Data analyst",
    company="Parcelwise",
    job_description="We need an analyst who automates reporting.",
    persona="tough",
)


def model_reply(*, invented: bool = False) -> dict:
    dim = {
        "score": 4,
        "quotes": ["I wrote a Python script that built it from the CRM."],
        "note": "Concrete.",
    }
    return {
        "summary": "Clear and measurable.",
        "dimensions": {
            "structure_star": dim,
            "specificity_evidence": dim,
            "impact_results": {
                "score": 5,
                "quotes": (
                    ["I saved the company two million dollars."]
                    if invented
                    else ["the report took ten minutes instead of eight hours"]
                ),
                "note": "",
            },
            "relevance": dim,
            "delivery": {"score": 1, "quotes": [], "note": "the model cannot hear"},
        },
        "star": {
            "situation": "At my last job our weekly report took a whole day.",
            "task": None,
            "action": "I wrote a Python script that built it from the CRM.",
            "result": "As a result the report took ten minutes instead of eight hours.",
        },
        "strengths": ["You quantified the time saved."],
        "improvements": ["Say who used the report."],
        "outline": ["Situation: ...", "Task: ...", "Action: ...", "Result: ..."],
        "follow_up": "Who relied on that report, and what did they do with the time?",
        "follow_up_reason": "no_context",
    }


async def collect(answer: AnswerInput) -> list[dict]:
    return [event async for event in generate_feedback(answer)]


@pytest.fixture
def openai_coach(fake_providers, settings):
    fake_providers.configure(settings, llm="openai")
    return fake_providers


async def test_model_feedback_streams_partials_then_a_validated_final(openai_coach) -> None:
    openai_coach.knobs(openai_chat={"json_replies": [model_reply()]})
    events = await collect(ANSWER)
    assert events[0]["type"] == "partial"
    assert "words per minute" in events[0]["text"]
    assert events[-1]["type"] == "final"
    assert all(e["type"] == "partial" for e in events[:-1])
    feedback = events[-1]["feedback"]
    assert schema_errors(feedback, FEEDBACK_SCHEMA) == []
    assert feedback["engine"] == "openai"
    assert feedback["dimensions"]["impact_results"]["score"] == 5
    assert feedback["dimensions"]["impact_results"]["supported"] is True
    # Delivery is measured, never taken from the model.
    assert feedback["dimensions"]["delivery"] == local_feedback(ANSWER)["dimensions"]["delivery"]
    assert feedback["follow_up"].startswith("Who relied")

    request = next(entry for entry in openai_coach.state()["log"] if entry["endpoint"] == "chat")
    # The fake logs at most 4,000 characters of a body; the prompt comes first.
    body = request["body"]
    text = body["truncated"] if "truncated" in body else json.dumps(body)
    prompt = text.encode().decode("unicode_escape")
    if "response_format" in body:
        assert body["response_format"]["json_schema"]["strict"] is True
    for context in ("Data analyst", "Parcelwise", "automates reporting", "tough", TRANSCRIPT[:40]):
        assert context in prompt


async def test_invented_quotes_from_the_model_are_dropped(openai_coach) -> None:
    openai_coach.knobs(openai_chat={"json_replies": [model_reply(invented=True)]})
    feedback = (await collect(ANSWER))[-1]["feedback"]
    impact = feedback["dimensions"]["impact_results"]
    assert impact["quotes"] == []
    assert impact["supported"] is False
    assert "I saved the company two million dollars." in feedback["dropped_quotes"]
    # The unsupported 5 does not lift the overall score.
    assert feedback["overall"] < 4.2


@pytest.mark.parametrize("failure", ["500", "429"])
async def test_model_failure_raises_provider_error(openai_coach, failure: str) -> None:
    openai_coach.knobs(openai_chat={"fail": failure})
    with pytest.raises(ProviderError):
        await collect(ANSWER)


async def test_empty_answer_needs_no_model_call(openai_coach) -> None:
    events = await collect(AnswerInput(question="q", transcript="  "))
    assert events[-1]["feedback"]["overall"] == 1.0
    assert openai_coach.state()["requests"].get("openai.chat", 0) == 0


def test_calibration_command_runs_the_openai_engine_against_the_fake(
    openai_coach, tmp_path
) -> None:
    """The fake replays the local coach's judgement as the model's: the command's plumbing
    (one strict call per sample, quote checks, agreement numbers, document) is exercised."""
    replies = []
    for sample in SAMPLES:
        local = local_feedback(sample.answer())
        replies.append(
            {
                "summary": local["summary"],
                "dimensions": {
                    name: {k: dim[k] for k in ("score", "quotes", "note")}
                    for name, dim in local["dimensions"].items()
                },
                "star": local["star"],
                "strengths": local["strengths"],
                "improvements": local["improvements"],
                "outline": local["outline"],
                "follow_up": local["follow_up"],
                "follow_up_reason": local["follow_up_reason"],
            }
        )
    openai_coach.knobs(openai_chat={"json_replies": replies})
    out = StringIO()
    target = tmp_path / "calibration.md"
    call_command("coach_calibration", "--engine", "openai", "--output", str(target), stdout=out)
    assert "engine=openai" in out.getvalue()
    doc = target.read_text()
    assert "## Engine: openai" in doc
    assert "Not measured" not in doc
    assert openai_coach.state()["requests"]["openai.chat"] == len(SAMPLES)
