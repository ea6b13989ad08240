"""`python manage.py coach_calibration [--engine local|openai]`: agreement of a coaching engine
with the calibration set's expected bands; rewrites docs/calibration.md."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings

from avatars.providers.registry import reset_providers
from interviews.coaching import AnswerInput, generate_feedback, local_feedback
from interviews.coaching.calibration import Report, evaluate, render_markdown


def _model_feedback(answer: AnswerInput) -> dict[str, Any]:
    async def run() -> dict[str, Any]:
        final: dict[str, Any] = {}
        async for event in generate_feedback(answer):
            if event.get("type") == "final":
                final = event["feedback"]
        return final

    return asyncio.run(run())


def run_calibration(engine: str) -> Report:
    if engine == "local":
        return evaluate(local_feedback, engine="local")
    with override_settings(LLM_PROVIDER="openai"):
        reset_providers()
        try:
            return evaluate(_model_feedback, engine="openai")
        finally:
            reset_providers()


class Command(BaseCommand):
    help = "Score the calibration answers with a coaching engine and report agreement."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--engine", choices=["local", "openai"], default="local")
        parser.add_argument(
            "--output",
            default=str(Path(settings.BASE_DIR) / "docs" / "calibration.md"),
            help="Where to write the markdown report (default docs/calibration.md).",
        )
        parser.add_argument("--no-write", action="store_true", help="Print only.")

    def handle(self, *args: Any, **options: Any) -> None:
        reports = [run_calibration("local")]
        if options["engine"] == "openai":
            reports.append(run_calibration("openai"))
        for report in reports:
            self.stdout.write(f"engine={report.engine}")
            for row in report.rows:
                lo, hi = row.sample.band
                mark = "ok " if row.in_band else "OUT"
                self.stdout.write(
                    f"  {mark} {row.sample.id:<20} {row.sample.tier:<9} "
                    f"band {lo}-{hi}  overall {row.overall:.1f}"
                )
            self.stdout.write(
                f"  spearman={report.spearman:.3f} band_hit_rate={report.band_hit_rate:.2f} "
                f"ordering_violations={len(report.ordering_violations)}"
            )
        if not options["no_write"]:
            path = Path(options["output"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render_markdown(reports), encoding="utf-8")
            self.stdout.write(f"wrote {path}")
