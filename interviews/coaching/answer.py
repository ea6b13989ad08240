"""What the coach needs to know about one answer (shared by every engine, imports nothing)."""

from __future__ import annotations

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
    # One of question_types.QUESTION_TYPES; empty means "from the bank's data, else inferred from
    # the question's text" (questions from a job description or typed by a candidate).
    question_type: str = ""


#: The kinds of question the coach judges differently: a past story (STAR applies), what the
#: candidate would do, a design or method question, why this role, knowledge or opinion.
QUESTION_TYPES: tuple[str, ...] = (
    "behavioural",
    "situational",
    "technical",
    "motivation",
    "opinion",
)
