"""The local coach agrees with the calibration set written for the project."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from interviews.coaching import local_feedback
from interviews.coaching.calibration import SAMPLES, evaluate, max_spearman, spearman


def test_the_set_covers_tiers_and_competencies() -> None:
    assert len(SAMPLES) >= 12
    assert {s.tier for s in SAMPLES} == {"strong", "middling", "weak"}
    assert len({s.competency for s in SAMPLES}) >= 5


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_local_coach_scores_each_sample_within_its_band(sample) -> None:
    overall = local_feedback(sample.answer())["overall"]
    lo, hi = sample.band
    assert lo <= overall <= hi, f"{sample.id}: {overall} not in {lo}-{hi}"


def test_local_coach_ranks_strong_above_middling_above_weak() -> None:
    report = evaluate(local_feedback, engine="local")
    assert report.ordering_violations == []
    assert report.spearman >= 0.9
    assert report.band_hit_rate == 1.0


def test_spearman() -> None:
    assert spearman([1, 2, 3], [10, 20, 30]) == pytest.approx(1.0)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 2], [5, 5, 5]) == 0.0
    assert 0.9 < max_spearman() < 1.0


def test_command_prints_agreement_and_writes_the_document(tmp_path) -> None:
    out = StringIO()
    target = tmp_path / "calibration.md"
    call_command("coach_calibration", "--output", str(target), stdout=out)
    text = out.getvalue()
    assert "spearman=" in text
    assert "band_hit_rate=1.00" in text
    doc = target.read_text()
    assert "python manage.py coach_calibration" in doc
    assert "## Engine: local" in doc
