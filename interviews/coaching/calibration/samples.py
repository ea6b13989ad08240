"""The shape of a calibration answer and of a question group with its expected orderings."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from interviews.coaching.engine import AnswerInput

#: Expected bands of the overall score. Weak ends at 2.5, where an answer that does not answer
#: the question is capped; the bands touch so a borderline answer is not a miss by 0.1.
BANDS: dict[str, tuple[float, float]] = {
    "strong": (3.8, 5.0),
    "middling": (2.4, 3.8),
    "weak": (1.0, 2.5),
}
TIER_RANK = {"weak": 1, "middling": 2, "strong": 3}
#: What an answer is, so the report can say which kinds of answer the engine gets wrong.
KINDS = (
    "star",  # complete story with the usual signposts ("my task was", "as a result")
    "marker_free",  # complete story told as plain narrative, no signposts
    "no_numbers",  # a real story whose result is stated without numbers
    "we_only",  # the candidate's own part hidden behind "we"
    "thin",  # a real story with gaps (vague result, little detail)
    "rambling",  # long, wandering, the point buried
    "off_topic",  # a good story that answers a different question
    "buzzwords",  # self-praise in stock phrases, no example
    "generic",  # how the candidate usually works, no occasion
    "hypothetical",  # what the candidate would do
    "non_answer",  # declines or deflects
    "short",  # one or two sentences
)
SPOKEN_WORDS_PER_SECOND = 2.3  # about 140 words per minute


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
        )


@dataclass(frozen=True)
class Group:
    """The answers to one question and the orderings a careful coach would put them in."""

    id: str
    competency: str
    question: str
    samples: tuple[Sample, ...]
    orderings: tuple[tuple[str, str], ...]  # (better sample id, worse sample id)


def group(
    prefix: str,
    competency: str,
    question: str,
    answers: Iterable[tuple[str, str, str, str]],
    chains: Iterable[str],
    *,
    role: str = "",
) -> Group:
    """`answers`: (name, tier, kind, transcript); `chains`: "a > b > c" (every pair implied)."""
    samples = []
    for name, tier, kind, text in answers:
        if tier not in BANDS or kind not in KINDS:
            raise ValueError(f"{prefix}-{name}: unknown tier or kind")
        words = len(re.findall(r"\w+", text))
        samples.append(
            Sample(
                id=f"{prefix}-{name}",
                competency=competency,
                tier=tier,
                question=question,
                transcript=text,
                duration_seconds=round(max(3.0, words / SPOKEN_WORDS_PER_SECOND)),
                role=role,
                kind=kind,
            )
        )
    ids = {s.id for s in samples}
    pairs: list[tuple[str, str]] = []
    for chain in chains:
        names = [f"{prefix}-{n.strip()}" for n in chain.split(">")]
        if not set(names) <= ids:
            raise ValueError(f"{prefix}: ordering names an unknown answer: {chain}")
        for i, better in enumerate(names):
            for worse in names[i + 1 :]:
                if (better, worse) not in pairs:
                    pairs.append((better, worse))
    return Group(prefix, competency, question, tuple(samples), tuple(pairs))


def fingerprint(groups: Iterable[Group]) -> str:
    """A digest of the answers, bands and orderings (so a test can prove a half is unchanged)."""
    payload = [
        [g.id, g.question, [[s.id, s.tier, s.kind, s.transcript] for s in g.samples], g.orderings]
        for g in groups
    ]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
