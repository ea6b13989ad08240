"""`make bench`: run every benchmark scenario against the fake provider server and write the
Markdown table to stdout and docs/benchmarks.md.

    python -m tests.bench                  # full run (< 10 minutes on 2 cores)
    python -m tests.bench --smoke          # tiny sizes: checks that every scenario works
    python -m tests.bench --only 1,3       # some scenarios
    python -m tests.bench --output x.md --json x.json

The bench gets its own database: BENCH_DATABASE_URL, else a fresh SQLite file in var/ (WAL, so
the daphne processes it starts can share it). Scenarios that need Redis use BENCH_REDIS_URL or
REDIS_URL, else redis://127.0.0.1:6379/0 when it answers (with a private channel prefix), and
report "skipped: no Redis" otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

from tests.bench import history
from tests.bench.core import ROOT, Context, Figure, machine_description, render
from tests.bench.env import (
    FakeServer,
    base_env,
    fresh_database,
    load_average,
    migrate,
    provider_env,
    redis_url,
)

SCENARIOS = {
    "1": ("tests.bench.s1_class_start", "Class start fan-out"),
    "2": ("tests.bench.s2_turn_latency", "Turn latency"),
    "3": ("tests.bench.s3_caption_relay", "Caption relay"),
    "4": ("tests.bench.s4_monitor", "Monitor fan-out"),
    "5": ("tests.bench.s5_pages", "Page budgets"),
    "6": ("tests.bench.s6_memory", "Memory"),
    "7": ("tests.bench.s7_room_voice", "Room voice-to-voice"),
}


def setup(*, smoke: bool) -> tuple[Context, FakeServer, str]:
    """Configure this process (environment, fresh database, fake provider server, Django)."""
    (ROOT / "var").mkdir(exist_ok=True)
    name = f"bench-smoke-{os.getpid()}.sqlite3" if smoke else "bench.sqlite3"
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{ROOT / 'var' / name}"
    redis = redis_url()
    # The bench process and every process it starts see the same configuration. The bench
    # process itself uses the in-memory channel layer; Redis scenarios opt in explicitly.
    os.environ.pop("REDIS_URL", None)
    os.environ.update(base_env(database_url=database_url))
    fresh_database(database_url)
    fake = FakeServer()
    os.environ.update(provider_env(fake.url))

    import django

    django.setup()
    migrate(database_url)
    ctx = Context(smoke=smoke)
    ctx.fake = fake  # type: ignore[attr-defined]
    ctx.redis = redis  # type: ignore[attr-defined]
    return ctx, fake, database_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no timing claims")
    parser.add_argument("--only", default="", help="comma-separated scenario numbers")
    parser.add_argument("--output", default="", help="Markdown file (default docs/benchmarks.md)")
    parser.add_argument("--json", default="", help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.only.split(",") if s.strip()] or list(SCENARIOS)
    output = Path(args.output) if args.output else ROOT / "docs" / "benchmarks.md"

    started = time.monotonic()
    load_before = load_average()
    ctx, fake, database_url = setup(smoke=args.smoke)
    redis = ctx.redis  # type: ignore[attr-defined]
    failures: list[str] = []
    try:
        for key in chosen:
            module_name, title = SCENARIOS[key]
            print(f"[bench] scenario {key}: {title} ...", file=sys.stderr, flush=True)
            t0 = time.monotonic()
            try:
                fake.reset()
                module = __import__(module_name, fromlist=["run"])
                module.run(ctx)
            except Exception as exc:
                traceback.print_exc()
                failures.append(f"{key} {title}: {exc!r}")
                ctx.add(
                    Figure(f"{key}. {title}", "scenario failed", note=repr(exc)[:200]).check(False)
                )
            print(
                f"[bench] scenario {key} done in {time.monotonic() - t0:.1f} s",
                file=sys.stderr,
                flush=True,
            )
    finally:
        fake.stop()
        if database_url.startswith("sqlite") and args.smoke:
            fresh_database(database_url)

    elapsed = time.monotonic() - started
    load_after = load_average()
    notes_path = ROOT / "tests" / "bench" / "notes.md"
    text = render(ctx.figures, smoke=args.smoke)
    text += (
        f"\nRun: {elapsed:.0f} s in total; load average before {load_before}, after "
        f"{load_after} (1, 5, 15 min); database {database_url.split(':', 1)[0]}; "
        f"Redis {'at ' + redis.split('@')[-1] if redis else 'not available'}.\n"
    )
    if not args.smoke and not args.only:  # only full runs count towards the stability table
        history.record(ctx.figures, load_before=load_before, load_after=load_after)
        text += "\n" + history.render_stability(ctx.figures, history.last_runs())
    if notes_path.exists() and not args.smoke:
        text += "\n" + notes_path.read_text()
    print(text)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "machine": machine_description(),
                    "smoke": args.smoke,
                    "failures": failures,
                    "figures": [
                        {
                            "scenario": f.scenario,
                            "name": f.name,
                            "unit": f.unit,
                            "samples": f.samples,
                            "median": f.median if f.samples else None,
                            "p95": f.p95 if f.samples else None,
                            "target": f.target,
                            "passed": f.passed,
                            "note": f.note,
                        }
                        for f in ctx.figures
                    ],
                },
                indent=1,
            )
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
