"""The curated question bank (data/question_bank.toml), validated on load."""

from __future__ import annotations

from interviews.coaching.answer import QUESTION_TYPES
from interviews.coaching.competencies import COMPETENCIES
from interviews.coaching.datafiles import DataFileError, load, strings, text
from interviews.coaching.quotes import normalise

_FILE = "question_bank.toml"
INTERVIEW_TYPES = ("behavioural", "technical")


def _load() -> tuple[list[tuple[str, str, list[str], str]], dict[str, str]]:
    questions: list[tuple[str, str, list[str], str]] = []
    types: dict[str, str] = {}
    for index, entry in enumerate(load(_FILE).get("question", [])):
        where = f"{_FILE} question {index + 1}"
        if not isinstance(entry, dict):
            raise DataFileError(f"{where}: must be a table")
        question = text(entry, "text", where)
        where = f"{where} ({question[:40]!r})"
        competency = text(entry, "competency", where)
        kind = text(entry, "interview_type", where)
        qtype = text(entry, "type", where)
        if competency not in COMPETENCIES:
            raise DataFileError(f"{where}: unknown competency {competency!r}")
        if kind not in INTERVIEW_TYPES:
            raise DataFileError(f"{where}: interview_type must be one of {INTERVIEW_TYPES}")
        if qtype not in QUESTION_TYPES:
            raise DataFileError(f"{where}: type must be one of {QUESTION_TYPES}")
        key = normalise(question)
        if key in types:
            raise DataFileError(f"{where}: appears twice")
        roles = list(strings(entry, "roles", where)) if entry.get("roles") else []
        questions.append((question, competency, roles, kind))
        types[key] = qtype
    if not questions:
        raise DataFileError(f"{_FILE}: no [[question]] entries")
    return questions, types


#: (text, competency, role families, interview type) for each bank question.
QUESTIONS, _TYPES = _load()


def bank_question_type(question: str) -> str | None:
    """The type the bank's data gives this question, None for a question not in the bank."""
    return _TYPES.get(normalise(question))
