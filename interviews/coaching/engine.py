"""Placeholder engine (replaced by the full local coach): keeps the interface stable."""

from __future__ import annotations

import re
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


def local_feedback(answer: AnswerInput) -> dict[str, Any]:
    words = re.findall(r"[\w']+", answer.transcript)
    has_result = bool(
        re.search(r"\b(result|increased|reduced|saved|improved)\b", answer.transcript, re.I)
    )
    overall = 1.0 + min(2.0, len(words) / 60) + (1.0 if has_result else 0.0)
    return {
        "overall": round(min(5.0, overall), 1),
        "dimensions": {},
        "star": {},
        "strengths": [],
        "improvements": [] if has_result else ["Say what the result was, with a number."],
        "outline": [],
        "follow_up": None if has_result else "What was the measurable result of what you did?",
        "delivery": {"words": len(words), "duration_seconds": answer.duration_seconds},
    }


async def generate_feedback(answer: AnswerInput) -> AsyncIterator[dict[str, Any]]:
    yield {"type": "final", "feedback": local_feedback(answer)}
