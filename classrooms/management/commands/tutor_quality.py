"""Measure the built-in tutor on written student turns: the share handled right per behaviour.

    python manage.py tutor_quality [--cases tests/classrooms/tutor_cases/heldout] [--misses]

Prints one line per behaviour group (judging, hints, misconceptions, not covered, summary,
craft) and, with --misses, every turn handled wrong with the tutor's reply. --markdown writes
the same as the table of docs/tutor-quality.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from classrooms.tutor.quality import GROUP_ORDER, measure

DEFAULT_CASES = Path(settings.BASE_DIR) / "tests" / "classrooms" / "tutor_cases" / "heldout"
TARGET = 0.9


class Command(BaseCommand):
    help = "Share of written student turns the built-in tutor handles right, per behaviour."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", default=str(DEFAULT_CASES), help="folder of case files")
        parser.add_argument("--misses", action="store_true", help="list every turn missed")
        parser.add_argument("--markdown", action="store_true", help="print a Markdown table")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["cases"])
        if not folder.is_dir() or not any(folder.glob("*.toml")):
            raise CommandError(f"No case files (*.toml) in {folder}")
        scores = measure(folder)
        below = [g for g in GROUP_ORDER if scores[g].turns and scores[g].share < TARGET]
        if options["markdown"]:
            self.stdout.write("| Behaviour | Turns | Handled right | Share |")
            self.stdout.write("| --- | ---: | ---: | ---: |")
        for group in GROUP_ORDER:
            score = scores[group]
            if options["markdown"]:
                self.stdout.write(
                    f"| {group} | {score.turns} | {score.right} | {score.share:.0%} |"
                )
            else:
                self.stdout.write(
                    f"{group:<15} {score.right:>3}/{score.turns:<3} {score.share:>6.1%}"
                )
        if options["misses"]:
            for group in GROUP_ORDER:
                for miss in scores[group].misses:
                    self.stdout.write(
                        f"\n[{group}] {miss.case}: {miss.say!r} expected {miss.expected}, "
                        f"got {miss.got}: {miss.reason}\n    tutor: {miss.reply}"
                    )
        total = sum(s.turns for s in scores.values())
        right = sum(s.right for s in scores.values())
        self.stdout.write(f"\nall {right}/{total} ({right / max(total, 1):.1%})")
        if below:
            self.stdout.write(f"below {TARGET:.0%}: {', '.join(below)}")
