"""Agreement of an engine with a calibration half: Spearman, band hits, pairwise orderings."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from interviews.coaching.answer import AnswerInput
from interviews.coaching.calibration.samples import PARTS, TIER_RANK, Group, Sample

PAIRWISE_TARGET = 0.9

#: Wording by which feedback (any engine) says a STAR part is absent.
_ABSENCE = {
    "situation": re.compile(
        r"\bmissing:? the (situation|setting)|\bno (situation|setting|context)\b|"
        r"\bopen with (one or two sentences of )?context|\bset the scene first"
    ),
    "task": re.compile(r"\bmissing:? the (\w+, )*(\w+ and )?task|\bno task\b"),
    "action": re.compile(
        r"\bmissing:? the (\w+, )*(\w+ and )?action|\bno action\b|\bdescribe the steps you took"
    ),
    "result": re.compile(
        r"\bmissing:? the (\w+, )*(\w+ and )?result|\bno result\b|never says how it turned out|"
        r"\bfinish with the result|\bdoes not say how it (ended|turned out)"
    ),
}


def absence_claims(feedback: dict[str, Any]) -> set[str]:
    """The STAR parts the feedback says are absent: in its notes, improvements and summary,
    and those the local coach lists in `signals.absent_parts`."""
    texts = [str(feedback.get("summary") or "")]
    texts += [str(d.get("note") or "") for d in (feedback.get("dimensions") or {}).values()]
    texts += [str(item) for item in feedback.get("improvements") or []]
    lower = " ".join(texts).lower()
    claims = {part for part, pattern in _ABSENCE.items() if pattern.search(lower)}
    claims |= set((feedback.get("signals") or {}).get("absent_parts") or [])
    return claims


def false_absences(sample: Sample, feedback: dict[str, Any]) -> list[str]:
    """The STAR parts the feedback calls absent that the answer has. STAR does not apply to a
    question that asks for no past story, so there every absence claim is false."""
    claims = absence_claims(feedback)
    if sample.question_type not in ("", "behavioural"):
        return [p for p in PARTS if p in claims]
    return [p for p in PARTS if p in claims and p in (sample.has or ())]


def _ranks(values: list[float]) -> list[float]:
    """Average ranks (ties share the mean rank)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        mean = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = mean
        i = j + 1
    return ranks


def spearman(xs: list[float], ys: list[float]) -> float:
    """Spearman rank correlation with tie correction (Pearson on average ranks)."""
    if len(xs) != len(ys) or len(xs) < 2:
        return 0.0
    rx, ry = _ranks(xs), _ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    if vx == 0 or vy == 0:
        return 0.0
    return cov / (vx * vy) ** 0.5


def max_spearman(samples: Iterable[Sample]) -> float:
    """The best achievable Spearman for a set (scores perfectly separating the tiers)."""
    tiers = [float(TIER_RANK[s.tier]) for s in samples]
    perfect = [t * 10 + i * 0.01 for i, t in enumerate(tiers)]
    return spearman(tiers, perfect)


@dataclass(frozen=True)
class Row:
    sample: Sample
    overall: float
    in_band: bool
    feedback: dict[str, Any]
    false_absent: tuple[str, ...] = ()

    @property
    def miss(self) -> float:
        """How far outside its band the score is (0 inside)."""
        lo, hi = self.sample.band
        return round(max(lo - self.overall, self.overall - hi, 0.0), 2)


@dataclass(frozen=True)
class Report:
    engine: str
    half: str
    rows: list[Row]
    orderings: list[tuple[str, str]]

    @property
    def spearman(self) -> float:
        return spearman(
            [float(TIER_RANK[r.sample.tier]) for r in self.rows], [r.overall for r in self.rows]
        )

    @property
    def max_spearman(self) -> float:
        return max_spearman(r.sample for r in self.rows)

    @property
    def band_hits(self) -> int:
        return sum(r.in_band for r in self.rows)

    @property
    def band_hit_rate(self) -> float:
        return self.band_hits / len(self.rows) if self.rows else 0.0

    def overall_of(self, sample_id: str) -> float:
        return next(r.overall for r in self.rows if r.sample.id == sample_id)

    @property
    def ordering_violations(self) -> list[str]:
        """Expected orderings the engine got wrong (a tie counts as wrong)."""
        out = []
        for better, worse in self.orderings:
            b, w = self.overall_of(better), self.overall_of(worse)
            if not b > w:
                out.append(f"{better} ({b:.1f}) should be above {worse} ({w:.1f})")
        return out

    @property
    def pairwise_accuracy(self) -> float:
        if not self.orderings:
            return 0.0
        return 1 - len(self.ordering_violations) / len(self.orderings)

    @property
    def false_absence_notes(self) -> list[str]:
        """ "Missing" claims about a part the answer has: "<sample id>: <part>"."""
        return [f"{r.sample.id}: {part}" for r in self.rows for part in r.false_absent]

    @property
    def capped(self) -> list[Row]:
        return [r for r in self.rows if r.feedback.get("capped_from") is not None]

    def largest_misses(self, limit: int = 8) -> list[Row]:
        missed = [r for r in self.rows if not r.in_band]
        return sorted(missed, key=lambda r: (-r.miss, r.sample.id))[:limit]


def evaluate(
    feedback_for: Callable[[AnswerInput], dict[str, Any]],
    *,
    engine: str,
    groups: Iterable[Group],
    half: str = "held-out",
) -> Report:
    rows: list[Row] = []
    orderings: list[tuple[str, str]] = []
    for group in groups:
        for sample in group.samples:
            feedback = feedback_for(sample.answer())
            overall = float(feedback["overall"])
            lo, hi = sample.band
            absent = tuple(false_absences(sample, feedback))
            rows.append(Row(sample, overall, lo <= overall <= hi, feedback, absent))
        orderings.extend(group.orderings)
    return Report(engine=engine, half=half, rows=rows, orderings=orderings)
