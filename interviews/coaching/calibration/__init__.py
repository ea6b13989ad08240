"""Calibration: answers written for Mockingbird with the band a careful coach would put each
overall score in and the orderings between answers to the same question, split into a
development half (tune against it) and a held-out half (report on it, never tune).

The answers are test data (tests/interviews/coaching/data/*.toml, not shipped): `load_set`
reads them, validated. The held-out half is parts A-D, each written before the change it
measures.

- `samples`: the Sample/Group shapes, bands, the data file loader and the fingerprint of a half;
- `metrics`: Spearman, band hit rate, pairwise ordering accuracy, false-absence notes;
- `document`: docs/calibration.md.

Rerun: `python manage.py coach_calibration [--engine local|openai] [--half dev]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from interviews.coaching.calibration.metrics import (
    PAIRWISE_TARGET,
    Report,
    Row,
    evaluate,
    false_absences,
    max_spearman,
    spearman,
)
from interviews.coaching.calibration.samples import (
    BANDS,
    KINDS,
    CalibrationDataError,
    Group,
    Sample,
    fingerprint,
    load_groups,
)

#: The held-out parts in the order they were written, and their files.
HELDOUT_FILES = {
    "A": "heldout_a.toml",
    "B": "heldout_b.toml",
    "C": "heldout_c.toml",
    "D": "heldout_d.toml",
}


@dataclass(frozen=True)
class CalibrationSet:
    legacy: tuple[Group, ...]  # the first 18 answers: page and browser test fixtures too
    dev: tuple[Group, ...]
    parts: dict[str, tuple[Group, ...]]

    @property
    def samples(self) -> tuple[Sample, ...]:
        return tuple(s for g in self.legacy for s in g.samples)

    @property
    def dev_groups(self) -> tuple[Group, ...]:
        return self.legacy + self.dev

    @property
    def heldout_groups(self) -> tuple[Group, ...]:
        return tuple(g for part in self.parts.values() for g in part)


@cache
def load_set(directory: Path) -> CalibrationSet:
    """The calibration set in `directory` (the test data folder of a source checkout)."""
    if not directory.is_dir():
        raise CalibrationDataError(
            f"{directory}: no calibration data here (it is test data: run from a source checkout, "
            "or pass --data)"
        )
    return CalibrationSet(
        legacy=load_groups(directory / "legacy.toml"),
        dev=load_groups(directory / "dev.toml"),
        parts={name: load_groups(directory / file) for name, file in HELDOUT_FILES.items()},
    )


__all__ = [
    "BANDS",
    "HELDOUT_FILES",
    "KINDS",
    "PAIRWISE_TARGET",
    "CalibrationDataError",
    "CalibrationSet",
    "Group",
    "Report",
    "Row",
    "Sample",
    "evaluate",
    "false_absences",
    "fingerprint",
    "load_set",
    "max_spearman",
    "spearman",
]
