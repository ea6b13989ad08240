"""Reliability suite fixtures: fast provider timings, the fake server configured for a vendor,
and the report recorder.

With RELIABILITY_REPORT=1 every test that uses `cell` adds one row to
var/reliability/reliability.json: {"suite", "area", "case", "persona", "expected", "actual",
"passed"}. `python manage.py reliability_report` renders docs/reliability.md from it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.errorlog import errors_fail
from tests.interviews.conftest import bank, driver  # noqa: F401  (shared fixtures)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Any ERROR log record fails the test unless it is marked `expect_errors`."""
    with errors_fail(item):
        return (yield)


ROOT = Path(__file__).resolve().parents[2]
REPORT_PATH = ROOT / "var" / "reliability" / "reliability.json"
RECORDING = os.environ.get("RELIABILITY_REPORT") == "1"

_rows: list[dict[str, Any]] = []
_started = False


@dataclass
class Cell:
    """One row of the reliability matrix. Tests fill `actual` with what they observed."""

    area: str
    case: str
    persona: str
    expected: str
    actual: str = ""
    passed: bool = False
    suite: str = "reliability"


def _write() -> None:
    REPORT_PATH.parent.mkdir(parents=True, exist_ok=True)
    tmp = REPORT_PATH.with_suffix(".tmp")
    tmp.write_text(json.dumps(_rows, indent=1))
    tmp.replace(REPORT_PATH)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def cell(request: Any) -> Iterator[Any]:
    """`cell(area=, case=, persona=, expected=)` -> a Cell; set `.actual` as you observe."""
    global _started
    made: list[Cell] = []

    def make(*, area: str, case: str, persona: str, expected: str) -> Cell:
        row = Cell(area=area, case=case, persona=persona, expected=expected)
        made.append(row)
        return row

    yield make
    if not RECORDING or not made:
        return
    if not _started:
        _started = True
        _rows.clear()
    report = getattr(request.node, "rep_call", None)
    passed = bool(report is not None and report.passed)
    for row in made:
        row.passed = passed
        if not passed and report is not None:
            message = str(getattr(report, "longreprtext", "") or "").strip().splitlines()
            failure = next((m for m in reversed(message) if m.startswith("E ")), "")
            row.actual = f"FAILED: {failure[2:].strip()[:300]}" if failure else "FAILED"
        _rows.append(asdict(row))
    _write()


@pytest.fixture
def fast(settings: Any) -> Any:
    """Small timeouts and one retry (the test settings wait nothing between retries): every
    fault resolves in about a second."""
    settings.PROVIDER_TIMEOUT = 0.8  # a loaded 2-core CI box still answers in time
    settings.PROVIDER_MAX_RETRIES = 1
    return settings


def fault_knobs(fault: str, *, times: int | None = None) -> dict[str, Any]:
    """The fake's knobs for one fault name of the matrix (see tests/fakes/__init__.py)."""
    knobs: dict[str, Any] = {"fail": fault, "retry_after": 0.05}
    if times is not None:
        knobs["fail_times"] = times
    return knobs


FAULTS = ("401", "429", "500", "timeout", "reset", "malformed", "concurrency_limit")
FAULT_LABELS = {
    "401": "401 unauthorized",
    "429": "429 with Retry-After",
    "500": "500 server error",
    "timeout": "timeout (no answer)",
    "reset": "connection reset mid-response",
    "malformed": "malformed body",
    "concurrency_limit": "vendor concurrency limit",
}
TRANSIENT = tuple(f for f in FAULTS if f != "401")
