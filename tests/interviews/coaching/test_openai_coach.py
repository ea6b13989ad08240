"""The model coach against the fake OpenAI server: strict structured output, streamed events,
quote validation, failures propagated, calibration plumbing."""

from __future__ import annotations

import json
from io import StringIO

import openai as openai_sdk
import pytest
from asgiref.sync import sync_to_async
from django.core.management import call_command

from avatars.providers.base import ChatMessage, ProviderError
from interviews.coaching import AnswerInput, generate_feedback, local_feedback
from interviews.coaching.schema import FEEDBACK_SCHEMA, schema_errors
from tests.interviews.coaching.calibration_data import (
    HELDOUT as SAMPLES,  # what coach_calibration scores
)
from tests.interviews.conftest import GOOD_ANSWER

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


# --- Realistic bad model output (the fake's `output_faults` knob) ---------------------------


def chat_requests(fake) -> list[dict]:
    return [entry for entry in fake.state()["log"] if entry["endpoint"] == "chat"]


async def final_feedback(fake, faults, reply: dict | None = None) -> dict:
    fake.knobs(openai_chat={"json_replies": [reply or model_reply()], "output_faults": faults})
    events = await collect(ANSWER)
    feedback = events[-1]["feedback"]
    assert events[-1]["type"] == "final"
    assert schema_errors(feedback, FEEDBACK_SCHEMA) == []
    return feedback


async def test_the_prompt_carries_the_questions_competency_criteria(openai_coach) -> None:
    failure = AnswerInput(
        question="Tell me about a time you failed. What did you learn?",
        transcript=TRANSCRIPT,
        competency="failure",
    )
    openai_coach.knobs(openai_chat={"json_replies": [model_reply()]})
    await collect(failure)
    body = chat_requests(openai_coach)[0]["body"]
    text = body["truncated"] if "truncated" in body else json.dumps(body)
    prompt = text.encode().decode("unicode_escape")
    assert "What an answer to this question must contain" in prompt
    for criterion in ("what went wrong", "your part in it", "what you learned"):
        assert criterion in prompt


async def test_scores_written_as_text_are_read_as_numbers(openai_coach) -> None:
    clean = await final_feedback(openai_coach, None)
    repaired = await final_feedback(openai_coach, "string_scores")
    assert repaired["overall"] == clean["overall"]
    assert repaired["dimensions"]["impact_results"]["score"] == 5
    assert "impact_results: score '5' read as 5" in repaired["repairs"]


async def test_out_of_range_scores_are_not_counted(openai_coach) -> None:
    reply = model_reply()
    reply["dimensions"]["relevance"] = {**reply["dimensions"]["relevance"], "score": 7}
    feedback = await final_feedback(openai_coach, None, reply)
    relevance = feedback["dimensions"]["relevance"]
    assert relevance["supported"] is False
    assert relevance["label"] == "Relevance"
    assert "not counted" in relevance["note"]
    assert feedback["dimensions"]["structure_star"]["supported"] is True


async def test_nothing_checkable_from_the_model_gives_the_built_in_coach_and_says_so(
    openai_coach,
) -> None:
    feedback = await final_feedback(openai_coach, "out_of_range")  # 7, -1, 7, -1
    assert feedback["engine"] == "local"
    assert feedback["summary"].startswith("The model coach's scores could not be checked")
    built_in = local_feedback(ANSWER)
    assert feedback["overall"] == built_in["overall"]
    assert feedback["dimensions"] == built_in["dimensions"]
    assert feedback["repairs"][-1] == "no model score could be checked: built-in coach used"


async def test_a_reply_without_any_scores_gives_the_built_in_coach_too(openai_coach) -> None:
    feedback = await final_feedback(openai_coach, None, {"summary": "Looks fine to me."})
    assert feedback["engine"] == "local"
    assert feedback["summary"].startswith("The model coach's scores could not be checked")
    assert "structure_star: missing" in feedback["repairs"]


async def test_a_missing_dimension_is_shown_as_not_assessed(openai_coach) -> None:
    feedback = await final_feedback(openai_coach, "missing_dimension")
    structure = feedback["dimensions"]["structure_star"]
    assert structure["supported"] is False
    assert structure["label"] == "Structure (STAR)"
    assert "did not assess" in structure["note"]
    assert "structure_star: missing" in feedback["repairs"]
    # The overall rests on what was assessed (4, 5, 4 and the measured delivery).
    assert feedback["overall"] > 3


async def test_paraphrased_quotes_are_dropped_and_only_copied_ones_count(openai_coach) -> None:
    feedback = await final_feedback(openai_coach, "paraphrase")
    dims = feedback["dimensions"]
    assert dims["structure_star"]["supported"] is False  # its only quote was retold
    assert dims["specificity_evidence"]["supported"] is True  # copied word for word
    assert dims["impact_results"]["supported"] is False
    assert any(q.startswith("they wrote") or "they" in q for q in feedback["dropped_quotes"])
    assert all(part is None for part in feedback["star"].values())  # every part was retold


@pytest.mark.parametrize("faults", ["prose", "fenced", ["fenced", "prose"]])
async def test_json_wrapped_in_prose_or_a_fence_is_extracted(openai_coach, faults) -> None:
    clean = await final_feedback(openai_coach, None)
    wrapped = await final_feedback(openai_coach, faults)
    assert wrapped["overall"] == clean["overall"]
    assert wrapped["dimensions"] == clean["dimensions"]


async def test_a_reply_that_is_not_json_at_all_ends_in_retry_feedback(
    openai_coach, settings
) -> None:
    settings.PROVIDER_MAX_RETRIES = 1
    openai_coach.knobs(openai_chat={"json_replies": ["I think this answer is pretty good."]})
    with pytest.raises(ProviderError) as caught:
        await collect(ANSWER)
    assert caught.value.code == "malformed"
    assert caught.value.user_message == "The coach's reply could not be read."
    assert len(chat_requests(openai_coach)) == 2  # retried once, then told


async def test_a_refusal_ends_in_retry_feedback_without_retrying(openai_coach) -> None:
    openai_coach.knobs(openai_chat={"json_replies": [model_reply()], "output_faults": "refusal"})
    with pytest.raises(ProviderError) as caught:
        await collect(ANSWER)
    assert caught.value.code == "refusal"
    assert caught.value.user_message == "The coach declined to review this answer."
    assert len(chat_requests(openai_coach)) == 1


async def test_a_reply_cut_off_at_max_tokens_is_asked_again_with_more_room(openai_coach) -> None:
    feedback = await final_feedback(openai_coach, ["truncated", None])
    assert feedback["dimensions"]["impact_results"]["score"] == 5
    requests = chat_requests(openai_coach)
    assert len(requests) == 2
    sizes = [r["body"].get("params", r["body"]).get("max_tokens") for r in requests]
    assert sizes == [1600, 3200]


async def test_a_reply_cut_off_twice_ends_in_retry_feedback(openai_coach) -> None:
    openai_coach.knobs(openai_chat={"json_replies": [model_reply()], "output_faults": "truncated"})
    with pytest.raises(ProviderError) as caught:
        await collect(ANSWER)
    assert caught.value.code == "truncated"
    assert "cut off" in caught.value.user_message
    assert len(chat_requests(openai_coach)) == 2


# --- A local model server (Ollama, llama.cpp) through the same client ------------------------


async def test_the_coach_runs_against_a_local_server_url_shape(fake_providers, settings) -> None:
    """README "Local model server": base URL `http://host:port/v1` (no vendor prefix), a
    placeholder key, the local model's name; the fake serves OpenAI at its root /v1 too."""
    from avatars.providers.registry import get_language_model, reset_providers

    fake_providers.configure(settings, llm="openai")
    settings.OPENAI_BASE_URL = fake_providers.url + "/v1"
    settings.OPENAI_API_KEY = "ollama"
    settings.OPENAI_MODEL = "llama3.2"
    settings.OPENAI_COACH_MODEL = "qwen2.5:7b"
    reset_providers()
    # A local server takes any key, and may wrap its JSON in prose.
    fake_providers.knobs(
        openai={"api_key": None},
        openai_chat={"json_replies": [model_reply()], "output_faults": "prose"},
    )
    events = await collect(ANSWER)
    feedback = events[-1]["feedback"]
    assert schema_errors(feedback, FEEDBACK_SCHEMA) == []
    assert feedback["engine"] == "openai"
    assert feedback["dimensions"]["impact_results"]["score"] == 5

    # The tutor and follow-ups stream plain text from the same server and model setting.
    model = get_language_model()
    text = "".join([d async for d in model.stream_text([ChatMessage("user", "Hello")])])
    assert text

    requests = chat_requests(fake_providers)
    assert [r["path"] for r in requests] == ["/v1/chat/completions"] * 2
    models = [r["body"].get("params", r["body"]).get("model") for r in requests]
    assert models == ["qwen2.5:7b", "llama3.2"]


# --- What the candidate sees on the interview socket -----------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_a_refusal_shows_retry_feedback_and_the_retry_gets_labelled_feedback(
    openai_coach, candidate, make_interview, driver, settings
) -> None:
    settings.INTERVIEW_MAX_FOLLOWUPS = 0
    quote = GOOD_ANSWER.split(". ")[1] + "."
    reply = model_reply()
    for dim in reply["dimensions"].values():
        dim["quotes"] = [quote]
    reply["star"] = dict.fromkeys(reply["star"])
    openai_coach.knobs(openai_chat={"json_replies": [reply], "output_faults": ["refusal", None]})
    interview = await sync_to_async(make_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.send({"type": "question.next"})
    await d.ask_and_listen()
    await d.send({"type": "answer.text", "text": GOOD_ANSWER})
    await d.send({"type": "answer.finish"})
    error = await d.error("feedback_failed")
    assert error["message"] == "The coach declined to review this answer. Your answer is saved."
    failed = await d.state("feedback")
    assert failed["attempt"]["status"] == "feedback_failed"
    assert failed["attempt"]["status_label"] == "Feedback failed"  # what the attempts list shows
    assert failed["attempt"]["transcript"] == GOOD_ANSWER

    await d.send({"type": "feedback.retry"})
    final = await d.until("feedback.final", timeout=15)
    labels = [dim["label"] for dim in final["feedback"]["dimensions"].values()]
    assert labels == [
        "Structure (STAR)",
        "Specifics and evidence",
        "Impact and results",
        "Relevance",
        "Delivery",
    ]
    assert final["attempt"]["status"] == "scored"
    await d.close()


async def test_the_fakes_faults_reach_the_real_client_as_the_real_api_sends_them(
    fake_providers,
) -> None:
    """Refusal: `content` null and `refusal` set (streamed as `delta.refusal`); a cut-off reply:
    partial content and `finish_reason: "length"`, plain and streamed."""
    client = openai_sdk.AsyncOpenAI(
        api_key="any", base_url=fake_providers.url + "/openai/v1", max_retries=0
    )
    ask = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    fake_providers.knobs(openai_chat={"output_faults": "refusal"})
    plain = await client.chat.completions.create(**ask)
    assert plain.choices[0].message.content is None
    assert plain.choices[0].message.refusal
    stream = await client.chat.completions.create(**ask, stream=True)
    chunks = [chunk async for chunk in stream]
    assert "".join(c.choices[0].delta.refusal or "" for c in chunks if c.choices)
    assert not "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)

    fake_providers.knobs(
        openai_chat={"output_faults": "truncated", "replies": ["one two three four five"]}
    )
    plain = await client.chat.completions.create(**ask)
    assert plain.choices[0].finish_reason == "length"
    assert (
        plain.choices[0].message.content == "one two three"[: len(plain.choices[0].message.content)]
    )
    stream = await client.chat.completions.create(**ask, stream=True)
    chunks = [chunk async for chunk in stream if chunk.choices]
    assert chunks[-1].choices[0].finish_reason == "length"
    await client.close()


async def test_a_reply_dropped_mid_body_is_asked_again(openai_coach) -> None:
    openai_coach.knobs(
        openai_chat={"json_replies": [model_reply()], "fail": "reset", "fail_times": 1}
    )
    feedback = (await collect(ANSWER))[-1]["feedback"]
    assert feedback["engine"] == "openai"
    assert schema_errors(feedback, FEEDBACK_SCHEMA) == []
    assert len(chat_requests(openai_coach)) == 2
