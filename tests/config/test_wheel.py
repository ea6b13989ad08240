"""The built wheel is the product: app code, templates and migrations, never the test fakes."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    # Build from a copy so the checkout gets no build/ or egg-info; offline (no build isolation).
    source = tmp_path_factory.mktemp("src") / "mockingbird"
    shutil.copytree(
        ROOT,
        source,
        symlinks=True,
        ignore=shutil.ignore_patterns(".git", ".venv", "var", "build", "*.egg-info", "__pycache__"),
    )
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(source),
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (wheel,) = out.glob("mockingbird-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def test_wheel_has_no_test_fakes(wheel_names: list[str]) -> None:
    assert not [n for n in wheel_names if n.startswith("tests/") or "/fakes/" in n]
    assert not [n for n in wheel_names if "fake" in n.rsplit("/", 1)[-1]]


def test_wheel_has_the_apps_with_templates_and_migrations(wheel_names: list[str]) -> None:
    names = set(wheel_names)
    for expected in (
        "avatars/voice/sentences.py",
        "avatars/providers/heygen.py",
        "interviews/migrations/0001_initial.py",
        "classrooms/migrations/0001_initial.py",
        "config/settings/production.py",
        "config/demo/stat101-week3.md",
        "config/demo/chem110-moles.md",
        "classrooms/data/tutor_lexicon.toml",
    ):
        assert expected in names, expected
    for app in ("avatars", "interviews", "classrooms"):
        assert any(n.startswith(f"{app}/templates/") and n.endswith(".html") for n in names), app


def test_wheel_ships_the_coach_data_but_not_the_calibration_answers(wheel_names: list[str]) -> None:
    names = set(wheel_names)
    for data in ("competencies", "lexicons", "question_bank", "question_types"):
        assert f"interviews/coaching/data/{data}.toml" in names, data
    assert not [n for n in names if "heldout" in n or n.endswith(("dev.toml", "legacy.toml"))]
