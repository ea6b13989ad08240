"""The model coach: the same feedback schema, produced by a language model as strict structured
output (`LanguageModel.complete_json` with `MODEL_SCHEMA`), then checked like every engine:
quotes not found in the transcript are dropped and their dimensions marked unsupported.

Delivery is never judged by the model: it cannot hear the answer. The measured metrics and the
delivery score come from the local coach, and the model receives them as facts to comment on.
The prompt carries what an answer to this question must contain (coaching.competencies).

Models do not always keep to the schema, above all local ones behind an OpenAI-compatible API.
What can be repaired is (`finalise`: "4" read as 4, quotes that are not in the answer dropped,
missing or out-of-range dimensions not counted; the provider takes the JSON out of surrounding
prose). When nothing of the model's content judgement survives those checks, the built-in
coach's feedback is given instead, saying so in its summary. A reply cut off at max_tokens is
asked again once with twice the room; a refusal, a second cut-off or an unreadable reply ends
in `CoachOutputError`, which the interview shows with "Retry feedback" (the answer is saved
either way).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator
from typing import Any

from django.conf import settings

from avatars.providers.base import ChatMessage, LanguageModel, ProviderError
from avatars.retries import with_retries
from interviews.coaching.answer import AnswerInput
from interviews.coaching.competencies import criteria_prompt
from interviews.coaching.local import local_coach
from interviews.coaching.question_types import question_type_for, type_prompt
from interviews.coaching.schema import (
    DIMENSIONS,
    MODEL_SCHEMA,
    NON_STORY_LABELS,
    Feedback,
    clip,
    finalise,
)

SCHEMA_NAME = "interview_feedback"
MAX_TRANSCRIPT_CHARS = 12_000
MAX_JOB_DESCRIPTION_CHARS = 3_000
MAX_TOKENS = 1_600
TEMPERATURE = 0.2

RUBRIC = """Score each dimension from 1 to 5:
- structure_star: 5 = situation, task, action and result all clear and in order; 3 = two or
  three parts; 1 = no story.
- specificity_evidence: 5 = several concrete numbers, dates, names of tools, systems or people;
  3 = some detail but vague; 1 = generic statements only.
- impact_results: 5 = a measurable outcome with its business or user effect; 3 = an outcome
  without numbers; 1 = no outcome at all.
- relevance: 5 = answers exactly the question asked, for this role, with every part the
  question's criteria name; 3 = on topic but misses a part; 2 or less = the story answers a
  different question (a success story to a question about failure, a bug fix to a question
  about a disagreement, general claims with no example): say in the note which part of the
  question it does not address.
- delivery: judge only from the measured metrics given (pace, fillers, pauses, length).
Also consider ownership: candidates should say what THEY did ("I"), not only the team ("we")."""

PERSONA_TONE = {
    "friendly": "Be warm and encouraging, while still honest about gaps.",
    "neutral": "Be direct and neutral.",
    "tough": "Be demanding: name weaknesses plainly, as a skeptical interviewer would.",
}


def build_messages(answer: AnswerInput, local: Feedback) -> list[ChatMessage]:
    """The prompt: rubric and rules as system message, the interview context as user message."""
    delivery = local["delivery"]
    system = "\n".join(
        [
            "You are an experienced interview coach reviewing one answer from a mock interview.",
            RUBRIC,
            "Rules:",
            "- Every quote MUST be copied word for word from the candidate's answer (whole "
            "sentences or exact fragments). Never paraphrase inside quotes. Quotes that are not "
            "in the answer are discarded and the score is marked unsupported.",
            "- A score of 3 or more needs at least one quote; a low score may rest on something "
            "missing (then give no quote).",
            "- star: the verbatim sentence for each part, or null when it is missing.",
            "- strengths and improvements: at most 4 each, specific to this answer, addressed to "
            "the candidate.",
            "- outline: 4-5 short lines for a better version of THIS story (do not invent facts; "
            "use placeholders like [number] where the candidate must supply one).",
            "- follow_up: one short question (max 25 words) about the biggest gap: no result -> "
            "ask for a measurable result (follow_up_reason no_result); mostly 'we' -> ask what "
            "they personally did (ownership); no specifics -> ask for numbers or tools "
            "(no_specifics); no context -> ask for the situation (no_context). Null when the "
            "answer is complete.",
            "- Judge observable content only; never infer emotion, confidence or personality.",
            f"- Tone: {PERSONA_TONE.get(answer.persona, PERSONA_TONE['neutral'])}",
        ]
    )
    transcript = answer.transcript
    truncated = len(transcript) > MAX_TRANSCRIPT_CHARS
    if truncated:
        transcript = transcript[:MAX_TRANSCRIPT_CHARS]
    context = {
        "role": clip(answer.role, 120),
        "company": clip(answer.company, 120),
        "seniority": clip(answer.seniority, 60),
        "interview_type": answer.interview_type,
        "competency": answer.competency,
        "interviewer_persona": answer.persona,
        "job_description": (answer.job_description or "")[:MAX_JOB_DESCRIPTION_CHARS],
    }
    measured = {
        "words": delivery["words"],
        "duration_seconds": delivery["duration_seconds"],
        "duration_source": delivery["duration_source"],
        "words_per_minute": delivery["wpm"],
        "filler_words": delivery["filler_counts"],
        "fillers_per_minute": delivery["filler_per_minute"],
        "pauses_over_2_5_s": delivery["long_pauses"],
        "target_length_seconds": "60-120",
    }
    user = "\n\n".join(
        [
            "Interview context (JSON):\n" + json.dumps(context, ensure_ascii=False),
            f"Question:\n{answer.question}",
            "What an answer to this question must contain:\n" + _criteria_text(answer),
            "Candidate's answer (transcript"
            + (", truncated" if truncated else "")
            + "):\n<<<\n"
            + transcript
            + "\n>>>",
            "Measured delivery (facts, not to be re-estimated):\n"
            + json.dumps(measured, ensure_ascii=False),
        ]
    )
    return [ChatMessage(role="system", content=system), ChatMessage(role="user", content=user)]


def _criteria_text(answer: AnswerInput) -> str:
    qtype = question_type_for(answer.question, answer.question_type)
    if qtype.is_story:
        return criteria_prompt(answer.question, answer.competency)
    return type_prompt(qtype)


class CoachOutputError(ProviderError):
    """The model answered, but with nothing to read: a refusal, a reply cut off twice, or one
    still unreadable after the retries. Its message is for the candidate; the page offers
    "Retry feedback"."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message, permanent=False, provider="openai", code=code)

    @property
    def user_message(self) -> str:
        return self.message


CONTENT_DIMENSIONS = tuple(name for name in DIMENSIONS if name != "delivery")


def merge_model_output(raw: Any, answer: AnswerInput, local: Feedback) -> Feedback:
    """The model's judgement plus our measurements, quote-checked (`finalise`)."""
    raw = raw if isinstance(raw, dict) else {}
    dimensions = dict(raw["dimensions"]) if isinstance(raw.get("dimensions"), dict) else {}
    local_delivery = local["dimensions"]["delivery"]
    dimensions["delivery"] = {
        "score": local_delivery["score"],
        "quotes": local_delivery["quotes"],
        "note": local_delivery["note"],
    }
    merged = {**raw, "dimensions": dimensions}
    story = question_type_for(answer.question, answer.question_type).is_story
    feedback = finalise(
        merged,
        transcript=answer.transcript,
        delivery=local["delivery"],
        engine="openai",
        signals=local["signals"],
        labels=None if story else NON_STORY_LABELS,
    )
    if not any(feedback["dimensions"][name]["supported"] for name in CONTENT_DIMENSIONS):
        return _built_in_instead(feedback, local)
    return feedback


def _built_in_instead(checked: Feedback, local: Feedback) -> Feedback:
    """The model answered, but none of its content scores survived the checks (no scores at
    all, every quote reworded, every score off the scale): only our own delivery measurement
    would be left, which is not a verdict on the answer. The built-in coach's feedback is given
    instead, and says so."""
    return {
        **local,
        "summary": clip(
            "The model coach's scores could not be checked against your answer, so this is the "
            "built-in coach's feedback. " + local["summary"],
            500,
        ),
        "dropped_quotes": checked["dropped_quotes"],
        "repairs": [*checked["repairs"], "no model score could be checked: built-in coach used"][
            :20
        ],
    }


def _model_options(model: LanguageModel) -> dict[str, Any]:
    """The coach's own model (OPENAI_COACH_MODEL) and a low temperature, where supported."""
    try:
        accepted = inspect.signature(model.complete_json).parameters
    except (TypeError, ValueError):
        return {}
    options: dict[str, Any] = {}
    if "model" in accepted and getattr(settings, "OPENAI_COACH_MODEL", None):
        options["model"] = settings.OPENAI_COACH_MODEL
    if "temperature" in accepted:
        options["temperature"] = TEMPERATURE
    return options


async def model_verdict(answer: AnswerInput, model: LanguageModel, local: Feedback) -> Feedback:
    """The model's checked feedback. A 429, a 5xx or a dropped connection is retried (backoff,
    Retry-After) before the candidate is told the feedback failed; a reply cut off at max_tokens
    is asked again once with twice the room."""
    messages = build_messages(answer, local)
    options = _model_options(model)

    async def ask(room: int) -> dict[str, Any]:
        return await with_retries(
            lambda: model.complete_json(
                messages,
                schema_name=SCHEMA_NAME,
                schema=MODEL_SCHEMA,
                max_tokens=room,
                **options,
            )
        )

    try:
        try:
            raw = await ask(MAX_TOKENS)
        except ProviderError as exc:
            if exc.code != "truncated":
                raise
            raw = await ask(MAX_TOKENS * 2)
    except ProviderError as exc:
        if exc.code == "refusal":
            raise CoachOutputError(
                "The coach declined to review this answer.", code="refusal"
            ) from exc
        if exc.code == "malformed":  # still unreadable after the retries
            raise CoachOutputError(
                "The coach's reply could not be read.", code="malformed"
            ) from exc
        if exc.code == "truncated":
            raise CoachOutputError(
                "The coach's reply was cut off before it was complete.", code="truncated"
            ) from exc
        raise
    return merge_model_output(raw, answer, local)


async def stream_model_feedback(
    answer: AnswerInput, model: LanguageModel
) -> AsyncIterator[dict[str, Any]]:
    """Events for the page: the measured delivery first (instant), then the model's verdict."""
    local = local_coach(answer)
    if local["delivery"]["words"] == 0:
        yield {"type": "final", "feedback": dict(local)}
        return
    delivery = local["delivery"]
    pace = f"{delivery['wpm']} words per minute, " if delivery["wpm"] is not None else ""
    yield {
        "type": "partial",
        "stage": "delivery",
        "text": f"Measured: {pace}{delivery['fillers']} filler words, "
        f"{delivery['long_pauses']} long pauses. The coach is reading your answer…",
        "delivery": dict(delivery),
    }
    feedback = await model_verdict(answer, model, local)
    for name, dim in feedback["dimensions"].items():
        yield {
            "type": "partial",
            "stage": "dimension",
            "dimension": name,
            "text": f"{dim['label']}: {dim['score']}/5",
            "score": dim["score"],
            "supported": dim["supported"],
        }
    yield {"type": "final", "feedback": dict(feedback)}
