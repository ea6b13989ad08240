"""How stable the ratios are: every full run keeps its figures in var/bench-history/, and the
report shows the spread of each targeted ratio over the last three full runs on this machine.

Absolute times move with the load of a shared machine (the same page measured 40 ms and 87 ms
ten days apart); a ratio against a reference measured in the same run should not. Its
min/max over three runs says how far that holds.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.bench.core import ROOT, Figure, fmt

HISTORY = ROOT / "var" / "bench-history"
RUNS = 3


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        return out.stdout.strip()
    except OSError:
        return ""


def record(figures: list[Figure], *, load_before: str, load_after: str) -> Path:
    """Keep this full run's figures (medians, p95s, targets, results)."""
    HISTORY.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = HISTORY / f"{stamp}.json"
    path.write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "commit": _commit(),
                "load_before": load_before,
                "load_after": load_after,
                "figures": [
                    {
                        "scenario": f.scenario,
                        "name": f.name,
                        "unit": f.unit,
                        "median": f.median if f.samples else None,
                        "p95": f.p95 if f.samples else None,
                        "target": f.target,
                        "passed": f.passed,
                    }
                    for f in figures
                ],
            },
            indent=1,
        )
    )
    return path


def last_runs(count: int = RUNS) -> list[dict[str, Any]]:
    runs = []
    for path in sorted(HISTORY.glob("*.json"))[-count:]:
        try:
            runs.append(json.loads(path.read_text()))
        except (OSError, ValueError):
            continue
    return runs


def _spread(values: list[float], unit: str) -> str:
    if not values:
        return "-"
    low, high = min(values), max(values)
    return f"{fmt(low, unit)} - {fmt(high, unit)}"


def render_stability(figures: list[Figure], runs: list[dict[str, Any]]) -> str:
    """The spread of every ratio that has a target, over `runs` (the current one included)."""
    lines = [
        f"## Stability of the ratios over the last {len(runs)} full runs",
        "",
        "Each targeted ratio divides a figure by a reference measured in the same run, so the "
        "machine's load should cancel out; min - max over the runs below says how far it does.",
        "",
        "| Scenario | Ratio | Target | Median (min - max) | p95 (min - max) | Passed |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for f in figures:
        if f.unit != "ratio" or not f.target:
            continue
        seen = [
            r
            for run in runs
            for r in run["figures"]
            if r["scenario"] == f.scenario and r["name"] == f.name and r["median"] is not None
        ]
        medians = [r["median"] for r in seen]
        p95s = [r["p95"] for r in seen]
        passed = sum(1 for r in seen if r["passed"])
        lines.append(
            f"| {f.scenario} | {f.name} | {f.target} | {_spread(medians, f.unit)} | "
            f"{_spread(p95s, f.unit)} | {passed} of {len(seen)} |"
        )
    lines += ["", "Runs:", ""]
    for run in runs:
        lines.append(
            f"- {run['when']} at {run['commit'] or '?'}: load average before "
            f"{run['load_before']}, after {run['load_after']}"
        )
    return "\n".join(lines) + "\n"
