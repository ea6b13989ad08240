"""The shape of a calibration answer and of a question group with its expected orderings, and
the loader of the data files that hold them (TOML, validated on load)."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interviews.coaching.answer import AnswerInput
from interviews.coaching.question_types import QUESTION_TYPES

#: Expected bands of the overall score. The bands touch so a borderline answer is not a miss
#: by 0.1.
BANDS: dict[str, tuple[float, float]] = {
    "strong": (3.8, 5.0),
    "middling": (2.4, 3.8),
    "weak": (1.0, 2.5),
}
TIER_RANK = {"weak": 1, "middling": 2, "strong": 3}
#: What an answer is, so the report can say which kinds of answer the engine gets wrong.
KINDS = (
    "star",  # complete story with the usual signposts ("my task was", "as a result")
    "marker_free",  # complete answer told plainly, no signposts
    "no_numbers",  # a real story whose result is stated without numbers
    "we_only",  # the candidate's own part hidden behind "we"
    "thin",  # a real answer with gaps (vague result, little detail)
    "rambling",  # long, wandering, the point buried
    "off_topic",  # a good story that answers a different question
    "buzzwords",  # self-praise in stock phrases, no example
    "generic",  # how the candidate usually works, no occasion
    "hypothetical",  # what the candidate would do
    "non_answer",  # declines or deflects
    "short",  # one or two sentences
)
PARTS = ("situation", "task", "action", "result")
#: Kinds whose answers tell a complete story: when a file does not list the STAR parts an
#: answer has, these have all four (the other kinds are not counted for false absences).
_COMPLETE_KINDS = frozenset({"star", "marker_free", "no_numbers"})
SPOKEN_WORDS_PER_SECOND = 2.3  # about 140 words per minute


class CalibrationDataError(ValueError):
    """A calibration data file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Sample:
    id: str
    competency: str
    tier: str
    question: str
    transcript: str
    duration_seconds: float
    role: str = ""
    kind: str = ""
    question_type: str = ""
    company: str = ""
    #: The STAR parts the answer really contains, told in any words (None: not annotated).
    has: tuple[str, ...] | None = None

    @property
    def band(self) -> tuple[float, float]:
        return BANDS[self.tier]

    def answer(self) -> AnswerInput:
        return AnswerInput(
            question=self.question,
            transcript=self.transcript,
            competency=self.competency,
            duration_seconds=self.duration_seconds,
            role=self.role,
            company=self.company,
            question_type=self.question_type,
        )


@dataclass(frozen=True)
class Group:
    """The answers to one question and the orderings a careful coach would put them in."""

    id: str
    competency: str
    question: str
    samples: tuple[Sample, ...]
    orderings: tuple[tuple[str, str], ...]  # (better sample id, worse sample id)
    question_type: str = ""


def _duration(text: str) -> float:
    return round(max(3.0, len(re.findall(r"\w+", text)) / SPOKEN_WORDS_PER_SECOND))


def _pairs(ids: dict[str, str], chains: Iterable[str], where: str) -> tuple[tuple[str, str], ...]:
    """`chains`: "a > b > c" over answer names (every pair implied), in order, once each."""
    pairs: list[tuple[str, str]] = []
    for chain in chains:
        names = [n.strip() for n in chain.split(">")]
        unknown = [n for n in names if n not in ids]
        if unknown or len(names) < 2:
            raise CalibrationDataError(f"{where}: ordering names an unknown answer: {chain!r}")
        for i, better in enumerate(names):
            for worse in names[i + 1 :]:
                if (ids[better], ids[worse]) not in pairs:
                    pairs.append((ids[better], ids[worse]))
    return tuple(pairs)


def _text(entry: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise CalibrationDataError(f"{where}: `{key}` must be a non-empty string")
    return value


def _sample(entry: Any, group: dict[str, Any], prefix: str, where: str) -> tuple[str, Sample]:
    if not isinstance(entry, dict):
        raise CalibrationDataError(f"{where}: an answer must be a table")
    name = _text(entry, "name", where)
    where = f"{where} ({name})"
    tier = _text(entry, "tier", where)
    kind = _text(entry, "kind", where, required=False)
    if tier not in BANDS:
        raise CalibrationDataError(f"{where}: unknown tier {tier!r} (one of {', '.join(BANDS)})")
    if kind and kind not in KINDS:
        raise CalibrationDataError(f"{where}: unknown kind {kind!r}")
    has = entry.get("has")
    if has is not None and (not isinstance(has, list) or not set(has) <= set(PARTS)):
        raise CalibrationDataError(f"{where}: `has` must list STAR parts ({', '.join(PARTS)})")
    if has is None and kind in _COMPLETE_KINDS and group.get("type", "") in ("", "behavioural"):
        has = list(PARTS)
    text = _text(entry, "text", where)
    duration = entry.get("duration_seconds", _duration(text))
    if not isinstance(duration, int | float) or duration <= 0:
        raise CalibrationDataError(f"{where}: `duration_seconds` must be a positive number")
    return name, Sample(
        id=f"{prefix}-{name}" if prefix else name,
        competency=group.get("competency", ""),
        tier=tier,
        question=group["question"],
        transcript=text,
        duration_seconds=duration,
        role=entry.get("role", group.get("role", "")),
        kind=kind,
        question_type=group.get("type", ""),
        company=group.get("company", ""),
        has=tuple(p for p in PARTS if p in has) if has is not None else None,
    )


def load_groups(path: Path) -> tuple[Group, ...]:
    """The question groups of one data file; a malformed entry raises CalibrationDataError
    naming the file and the entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CalibrationDataError(f"{path}: {error}") from error
    groups: list[Group] = []
    for index, entry in enumerate(data.get("group", [])):
        where = f"{path.name}: group {index + 1}"
        if not isinstance(entry, dict):
            raise CalibrationDataError(f"{where}: must be a table")
        group_id = _text(entry, "id", where)
        where = f"{path.name}: group {group_id}"
        _text(entry, "question", where)
        qtype = entry.get("type", "")
        if qtype and qtype not in QUESTION_TYPES:
            raise CalibrationDataError(f"{where}: unknown type {qtype!r}")
        prefix = entry.get("id_prefix", group_id)
        ids: dict[str, str] = {}
        samples = []
        for answer in entry.get("answer", []):
            name, sample = _sample(answer, entry, prefix, where)
            if name in ids:
                raise CalibrationDataError(f"{where}: answer {name!r} appears twice")
            ids[name] = sample.id
            samples.append(sample)
        if not samples:
            raise CalibrationDataError(f"{where}: no answers")
        orderings = _pairs(ids, entry.get("orderings", []), where)
        groups.append(
            Group(
                group_id,
                entry.get("competency", ""),
                entry["question"],
                tuple(samples),
                orderings,
                qtype,
            )
        )
    if not groups:
        raise CalibrationDataError(f"{path}: no [[group]] entries")
    return tuple(groups)


def fingerprint(groups: Iterable[Group]) -> str:
    """A digest of the answers, bands and orderings (so a test can prove a half is unchanged)."""
    payload = [
        [g.id, g.question, [[s.id, s.tier, s.kind, s.transcript] for s in g.samples], g.orderings]
        for g in groups
    ]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
