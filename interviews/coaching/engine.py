"""The coaching entry points: one input type, one output schema, the engine chosen by settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AnswerInput:
    question: str
    transcript: str
    competency: str = ""
    words: list[dict[str, Any]] = field(default_factory=list)  # {"word", "start", "end"}
    duration_seconds: float = 0.0
    role: str = ""
    company: str = ""
    job_description: str = ""
    persona: str = "neutral"
    seniority: str = ""
    interview_type: str = ""


def local_feedback(answer: AnswerInput) -> dict[str, Any]:
    """Deterministic feedback (FEEDBACK_SCHEMA) without any network call."""
    from interviews.coaching.local import local_coach

    return dict(local_coach(answer))


async def generate_feedback(answer: AnswerInput) -> AsyncIterator[dict[str, Any]]:
    """Feedback events for the configured engine (settings.LLM_PROVIDER).

    Yields zero or more `{"type": "partial", ...}` events, then exactly one
    `{"type": "final", "feedback": {...}}`. A model failure raises `ProviderError`.
    """
    from avatars.providers.registry import get_language_model

    model = get_language_model()
    if model is None:
        yield {"type": "final", "feedback": local_feedback(answer)}
        return
    from interviews.coaching.openai_coach import stream_model_feedback

    async for event in stream_model_feedback(answer, model):
        yield event
