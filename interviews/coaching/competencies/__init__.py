"""What an answer to each kind of interview question must contain (data/competencies.toml).

Every question has a competency (the bank's `BankQuestion.Competency` keys) and, when its text
asks for something narrower ("prioritise", "mentored", "another team"), a focus. Both carry
`Criterion`s: the parts a good answer names. The local coach checks them with the cues (regular
expressions over the lower-cased answer); the model coach gets their descriptions in its prompt;
the engine names the missing ones when an answer does not address the question.

Cues are deliberately about *what* the answer talks about (a mistake, the other person, a lesson),
not about wording a candidate must use, and each criterion has several independent ways in.
"""

from __future__ import annotations

import re

from interviews.coaching.competencies.criteria import (
    BEHAVIOURAL,
    CONFLICT,
    FAILURE,
    LEADERSHIP,
    TEAMWORK,
    TECHNICAL,
    Competency,
    Criterion,
    Focus,
    load_competencies,
)

COMPETENCIES, FOCI = load_competencies()

__all__ = [
    "BEHAVIOURAL",
    "COMPETENCIES",
    "CONFLICT",
    "FAILURE",
    "FOCI",
    "LEADERSHIP",
    "TEAMWORK",
    "TECHNICAL",
    "Competency",
    "Criterion",
    "Focus",
    "asks_for",
    "criteria_for",
    "criteria_met",
    "criteria_prompt",
    "focus_for",
    "infer_competency",
    "missing_criteria",
    "resolve_competency",
]

# --- Look-ups --------------------------------------------------------------------------------


def _question_score(cues: str, text: str) -> int:
    return len({m.group(0) for m in re.finditer(cues, text)}) if cues else 0


def infer_competency(question: str) -> str:
    """The competency a question tests, from its text alone; behavioural when unclear.
    A focus's cues count for its competency; ties go to the more specific competency."""
    text = (question or "").lower()
    best, best_score = BEHAVIOURAL, 0
    for key, competency in COMPETENCIES.items():
        score = _question_score(competency.question_cues, text) + sum(
            _question_score(f.question_cues, text) for f in FOCI if f.competency == key
        )
        if score > best_score:
            best, best_score = key, score
    return best


def resolve_competency(competency: str | None, question: str) -> str:
    """A known competency key as given, else inferred from the question text."""
    key = (competency or "").strip().lower().replace(" ", "_")
    aliases = {"technical": TECHNICAL, "failure_and_learning": FAILURE, "behavioral": BEHAVIOURAL}
    key = aliases.get(key, key)
    return key if key in COMPETENCIES else infer_competency(question)


def focus_for(question: str, competency: str) -> Focus | None:
    """The narrower ask of a question within its competency, if its text names one."""
    text = (question or "").lower()
    scored = [
        (_question_score(f.question_cues, text), index, f)
        for index, f in enumerate(FOCI)
        if f.competency == competency
    ]
    scored = [item for item in scored if item[0] > 0]
    return max(scored, key=lambda item: (item[0], -item[1]))[2] if scored else None


def criteria_for(question: str, competency: str | None = None) -> tuple[Criterion, ...]:
    """What an answer to this question must contain: the focus's criteria when the question
    names a narrower ask, else the competency's."""
    key = resolve_competency(competency, question)
    focus = focus_for(question, key)
    return focus.criteria if focus else COMPETENCIES[key].criteria


def asks_for(question: str, competency: str | None = None) -> str:
    key = resolve_competency(competency, question)
    focus = focus_for(question, key)
    return focus.asks if focus else COMPETENCIES[key].asks


def criteria_prompt(question: str, competency: str | None = None) -> str:
    """The criteria as plain text for a model prompt."""
    lines = [
        "This question asks the candidate (addressed as you) for "
        f"{asks_for(question, competency)}. A full answer names:"
    ]
    lines += [f"- {c.label}: {c.description}" for c in criteria_for(question, competency)]
    return "\n".join(lines)


def criteria_met(text: str, criteria: tuple[Criterion, ...]) -> dict[str, bool]:
    """Which criteria the text touches (cue evidence only, so: a lower bound on presence)."""
    lower = (text or "").lower().replace("\u2019", "'")
    return {c.key: bool(c.pattern.search(lower)) for c in criteria}


def missing_criteria(text: str, question: str, competency: str | None = None) -> list[Criterion]:
    """The criteria of the question that the answer shows no sign of."""
    criteria = criteria_for(question, competency)
    met = criteria_met(text, criteria)
    return [c for c in criteria if not met[c.key]]
