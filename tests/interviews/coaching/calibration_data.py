"""The calibration set (test data in ./data), loaded once for tests and page fixtures."""

from __future__ import annotations

from pathlib import Path

from interviews.coaching.calibration import load_set

DATA_DIR = Path(__file__).resolve().parent / "data"
CALIBRATION = load_set(DATA_DIR)

SAMPLES = CALIBRATION.samples
DEV_GROUPS = CALIBRATION.dev_groups
HELDOUT_A = CALIBRATION.parts["A"]
HELDOUT_B = CALIBRATION.parts["B"]
HELDOUT_C = CALIBRATION.parts["C"]
HELDOUT_D = CALIBRATION.parts["D"]
HELDOUT_GROUPS = CALIBRATION.heldout_groups
DEV = tuple(s for g in DEV_GROUPS for s in g.samples)
HELDOUT = tuple(s for g in HELDOUT_GROUPS for s in g.samples)
