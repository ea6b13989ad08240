"""Calibration: answers written for Mockingbird with the band a careful coach would put each
overall score in and the orderings between answers to the same question, split into a
development half (tune against it) and a held-out half (report on it, never tune).

- `samples`: the Sample/Group shapes, bands and the fingerprint of a half;
- `legacy`: the first 18 answers (development half; fixtures of page tests, `SAMPLES`);
- `dev`, `heldout`: the two halves written for issue 12 (different questions in each);
- `heldout2`, `heldout3`: more held-out answers, each written after the earlier parts had been
  measured and before the next change to the coach, to measure that change (the held-out half
  is parts A, B and C together);
- `metrics`: Spearman, band hit rate, pairwise ordering accuracy, largest misses.

Rerun: `python manage.py coach_calibration [--engine local|openai] [--half dev]`.
"""

from __future__ import annotations

from interviews.coaching.calibration import dev, heldout, heldout2, heldout3, legacy
from interviews.coaching.calibration.metrics import (
    PAIRWISE_TARGET,
    Report,
    Row,
    evaluate,
    max_spearman,
    spearman,
)
from interviews.coaching.calibration.samples import BANDS, KINDS, Group, Sample, fingerprint

SAMPLES = legacy.SAMPLES
DEV_GROUPS: tuple[Group, ...] = legacy.GROUPS + dev.GROUPS
HELDOUT_A: tuple[Group, ...] = heldout.GROUPS
HELDOUT_B: tuple[Group, ...] = heldout2.GROUPS
HELDOUT_C: tuple[Group, ...] = heldout3.GROUPS
HELDOUT_GROUPS: tuple[Group, ...] = HELDOUT_A + HELDOUT_B + HELDOUT_C
DEV: tuple[Sample, ...] = tuple(s for g in DEV_GROUPS for s in g.samples)
HELDOUT: tuple[Sample, ...] = tuple(s for g in HELDOUT_GROUPS for s in g.samples)

__all__ = [
    "BANDS",
    "DEV",
    "DEV_GROUPS",
    "HELDOUT",
    "HELDOUT_A",
    "HELDOUT_B",
    "HELDOUT_C",
    "HELDOUT_GROUPS",
    "KINDS",
    "PAIRWISE_TARGET",
    "SAMPLES",
    "Group",
    "Report",
    "Row",
    "Sample",
    "evaluate",
    "fingerprint",
    "max_spearman",
    "spearman",
]
