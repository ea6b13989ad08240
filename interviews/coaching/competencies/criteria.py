"""The shapes of competency data (a criterion an answer must meet, a competency, a focus) and
their loader from data/competencies.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from interviews.coaching.datafiles import DataFileError, load, regex, strings, text

#: The competency keys of the bank (kept equal to BankQuestion.Competency.values by a test;
#: not imported from the models so prompts and the coach can use this without Django).
BEHAVIOURAL = "behavioural"
LEADERSHIP = "leadership"
CONFLICT = "conflict"
FAILURE = "failure"
TEAMWORK = "teamwork"
TECHNICAL = "technical_general"
_FILE = "competencies.toml"


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str  # short, fits in "did not address {label}"
    description: str  # one sentence, for prompts and notes
    cues: tuple[str, ...]  # regexes matched against the lower-cased answer (any one counts)

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compiled(self.cues)


@dataclass(frozen=True)
class Competency:
    key: str
    label: str
    asks: str  # what the question asks for, in one phrase
    criteria: tuple[Criterion, ...]
    question_cues: str  # a regex; each distinct match in a question counts once
    # Without these the question was not answered (default: the first criterion); "a|b" means
    # either of the two will do.
    core: tuple[str, ...] = ()

    @property
    def core_keys(self) -> tuple[str, ...]:
        return self.core or (self.criteria[0].key,)


@dataclass(frozen=True)
class Focus:
    """A narrower ask inside a competency ("prioritise", "mentored"), found in the question."""

    key: str
    competency: str
    asks: str
    criteria: tuple[Criterion, ...]
    question_cues: str
    core: tuple[str, ...] = ()

    @property
    def core_keys(self) -> tuple[str, ...]:
        return self.core or (self.criteria[0].key,)


@cache
def _compiled(cues: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{cue})" for cue in cues))


def _criterion(entry: Any, where: str) -> Criterion:
    if not isinstance(entry, dict):
        raise DataFileError(f"{where}: must be a table")
    cues = strings(entry, "cues", where)
    for index, cue in enumerate(cues):
        regex(cue, f"{where} cue {index + 1}")
    return Criterion(
        text(entry, "key", where) if "key" in entry else where.rsplit(".", 1)[-1],
        text(entry, "label", where),
        text(entry, "description", where),
        cues,
    )


def parts_of(entry: dict[str, Any], shared: dict[str, Criterion], where: str) -> dict[str, Any]:
    """key, asks, criteria, question_cues and core of a competency-shaped table, validated."""
    key = text(entry, "key", where)
    where = f"{where} {key}"
    own = {}
    for index, raw in enumerate(entry.get("criterion", [])):
        criterion = _criterion(raw, f"{where} criterion {index + 1}")
        own[criterion.key] = criterion
    criteria = []
    for name in strings(entry, "criteria", where):
        if name not in own and name not in shared:
            raise DataFileError(f"{where}: unknown criterion {name!r}")
        criteria.append(own.get(name) or shared[name])
    keys = {c.key for c in criteria}
    core = strings(entry, "core", where) if "core" in entry else ()
    for alternatives in core:
        if not set(alternatives.split("|")) <= keys:
            raise DataFileError(f"{where}: core {alternatives!r} names no criterion of its own")
    question_cues = entry.get("question_cues", "")
    if not isinstance(question_cues, str):
        raise DataFileError(f"{where}: `question_cues` must be a string")
    if question_cues:
        regex(question_cues, f"{where} question_cues")
    return {
        "key": key,
        "asks": text(entry, "asks", where),
        "criteria": tuple(criteria),
        "question_cues": question_cues,
        "core": core,
    }


@cache
def load_competencies() -> tuple[dict[str, Competency], tuple[Focus, ...]]:
    """The bank's competencies by key and the foci, validated (read once)."""
    data = load(_FILE)
    shared = {
        key: _criterion({"key": key, **value}, f"{_FILE} [criteria.{key}]")
        for key, value in (data.get("criteria") or {}).items()
    }
    competencies: dict[str, Competency] = {}
    for index, entry in enumerate(data.get("competency", [])):
        parts = parts_of(entry, shared, f"{_FILE} competency {index + 1}")
        label = text(entry, "label", f"{_FILE} competency {parts['key']}")
        competencies[parts["key"]] = Competency(label=label, **parts)
    known = {BEHAVIOURAL, LEADERSHIP, CONFLICT, FAILURE, TEAMWORK, TECHNICAL}
    if set(competencies) != known:
        raise DataFileError(f"{_FILE}: competencies must be exactly {', '.join(sorted(known))}")
    foci = []
    for index, entry in enumerate(data.get("focus", [])):
        where = f"{_FILE} focus {index + 1}"
        competency = text(entry, "competency", where)
        if competency not in competencies:
            raise DataFileError(f"{where}: unknown competency {competency!r}")
        foci.append(Focus(competency=competency, **parts_of(entry, shared, where)))
    return competencies, tuple(foci)
