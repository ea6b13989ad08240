"""The type of a question (behavioural, situational, technical, motivation, opinion) and what an
answer to each non-behavioural type must contain (data/question_types.toml).

A bank question's type is in the bank's data; any other question (from a job description, typed
by a candidate) gets one from its wording, behavioural when nothing else fits."""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviews.coaching.answer import QUESTION_TYPES
from interviews.coaching.bank import bank_question_type
from interviews.coaching.competencies.criteria import Criterion, parts_of
from interviews.coaching.datafiles import DataFileError, load, regex, text

_FILE = "question_types.toml"


@dataclass(frozen=True)
class QuestionType:
    key: str
    label: str
    question_cues: re.Pattern[str]
    asks: str = ""
    criteria: tuple[Criterion, ...] = ()

    @property
    def is_story(self) -> bool:
        """A past story, judged on STAR (only behavioural questions)."""
        return self.key == "behavioural"


def _load() -> dict[str, QuestionType]:
    types: dict[str, QuestionType] = {}
    for index, entry in enumerate(load(_FILE).get("type", [])):
        where = f"{_FILE} type {index + 1}"
        key = text(entry, "key", where)
        where = f"{_FILE} type {key}"
        if key not in QUESTION_TYPES or key in types:
            raise DataFileError(f"{where}: unknown or repeated type")
        cues = regex(text(entry, "question_cues", where), f"{where} question_cues")
        if key == "behavioural":
            types[key] = QuestionType(key, text(entry, "label", where), cues)
            continue
        parts = parts_of(entry, {}, where)
        types[key] = QuestionType(
            key, text(entry, "label", where), cues, parts["asks"], parts["criteria"]
        )
    if set(types) != set(QUESTION_TYPES):
        raise DataFileError(f"{_FILE}: must define exactly {', '.join(QUESTION_TYPES)}")
    return types


TYPES = _load()


def infer_question_type(question: str) -> str:
    """The type from the question's wording: a past-story ask wins ("Tell me about a time ...
    what would you do differently?" is behavioural), then the first type whose cues match."""
    lower = (question or "").lower().replace("\u2019", "'")
    for key in TYPES:
        if TYPES[key].question_cues.search(lower):
            return key
    return "behavioural"


def question_type_for(question: str, given: str = "") -> QuestionType:
    """The given type when valid, else the bank's, else inferred from the wording."""
    key = given if given in TYPES else bank_question_type(question) or infer_question_type(question)
    return TYPES[key]


def type_prompt(qtype: QuestionType) -> str:
    """A non-behavioural question's criteria as plain text for a model prompt."""
    lines = [
        f"This is a {qtype.label.lower()} question: it asks the candidate (addressed as you) for "
        f"{qtype.asks}. No past story is needed: do not ask for STAR parts or a result, and do "
        "not penalise a hypothetical answer. Score structure_star as how well the answer covers "
        "the parts below and impact_results as its reasoning (why, and the trade-offs). A full "
        "answer names:"
    ]
    lines += [f"- {c.label}: {c.description}" for c in qtype.criteria]
    return "\n".join(lines)
