"""`python manage.py coach_calibration [--engine local|openai] [--half heldout|dev]`: agreement
of a coaching engine with the calibration set (test data, read from --data); rewrites
docs/calibration.md (held-out half)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from avatars.providers.registry import reset_providers
from interviews.coaching import AnswerInput, generate_feedback, local_feedback
from interviews.coaching.calibration import (
    CalibrationDataError,
    Group,
    Report,
    evaluate,
    load_set,
)
from interviews.coaching.calibration.document import render_markdown


def _model_feedback(answer: AnswerInput) -> dict[str, Any]:
    async def run() -> dict[str, Any]:
        final: dict[str, Any] = {}
        async for event in generate_feedback(answer):
            if event.get("type") == "final":
                final = event["feedback"]
        return final

    return asyncio.run(run())


def run_calibration(engine: str, groups: tuple[Group, ...], half: str) -> Report:
    if engine == "local":
        return evaluate(local_feedback, engine="local", groups=groups, half=half)
    with override_settings(LLM_PROVIDER="openai"):
        reset_providers()
        try:
            return evaluate(_model_feedback, engine="openai", groups=groups, half=half)
        finally:
            reset_providers()


class Command(BaseCommand):
    help = "Score the calibration answers with a coaching engine and report agreement."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--engine", choices=["local", "openai"], default="local")
        parser.add_argument(
            "--half",
            choices=["heldout", "dev"],
            default="heldout",
            help="Which half to score (default: held-out; the document is written for it only).",
        )
        parser.add_argument(
            "--output",
            default=str(Path(settings.BASE_DIR) / "docs" / "calibration.md"),
            help="Where to write the markdown report (default docs/calibration.md).",
        )
        parser.add_argument(
            "--data",
            default=str(Path(settings.BASE_DIR) / "tests" / "interviews" / "coaching" / "data"),
            help="The folder of calibration data files (default: the test data of this checkout).",
        )
        parser.add_argument("--no-write", action="store_true", help="Print only.")

    def handle(self, *args: Any, **options: Any) -> None:
        half = options["half"]
        try:
            data = load_set(Path(options["data"]))
        except CalibrationDataError as error:
            raise CommandError(str(error)) from error
        groups = data.heldout_groups if half == "heldout" else data.dev_groups
        reports = [run_calibration("local", groups, half)]
        if options["engine"] == "openai":
            reports.append(run_calibration("openai", groups, half))
        for report in reports:
            self._print(report)
        if half == "heldout" and not options["no_write"]:
            dev = run_calibration("local", data.dev_groups, "dev")
            parts = {
                name: run_calibration("local", part, "heldout") for name, part in data.parts.items()
            }
            document = render_markdown(
                reports, dev=dev, heldout_groups=data.heldout_groups, parts=parts
            )
            path = Path(options["output"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(document, encoding="utf-8")
            self.stdout.write(f"wrote {path}")

    def _print(self, report: Report) -> None:
        self.stdout.write(f"engine={report.engine} half={report.half}")
        for row in report.rows:
            lo, hi = row.sample.band
            mark = "ok " if row.in_band else "OUT"
            self.stdout.write(
                f"  {mark} {row.sample.id:<24} {row.sample.tier:<9} band {lo}-{hi}  "
                f"overall {row.overall:.1f}"
            )
        for violation in report.ordering_violations:
            self.stdout.write(f"  order: {violation}")
        for row in report.largest_misses():
            self.stdout.write(f"  miss: {row.sample.id} by {row.miss:.1f}")
        for note in report.false_absence_notes:
            self.stdout.write(f"  false absence: {note}")
        for row in report.capped:
            self.stdout.write(f"  capped: {row.sample.id} ({row.sample.kind or 'legacy'})")
        self.stdout.write(
            f"  spearman={report.spearman:.3f} band_hit_rate={report.band_hit_rate:.2f} "
            f"pairwise_accuracy={report.pairwise_accuracy:.2f} "
            f"false_absence_notes={len(report.false_absence_notes)} capped={len(report.capped)}"
        )
