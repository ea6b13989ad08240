"""End abandoned avatar sessions and stop vendor sessions our database does not know."""

from __future__ import annotations

import asyncio
from typing import Any

from django.core.management.base import BaseCommand

from avatars.reaper import reap_once


class Command(BaseCommand):
    help = (
        "End live avatar sessions whose heartbeat stopped, that sat idle or ran too long, stop "
        "leaked vendor sessions, and send due keep-alives (see avatars/reaper.py)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = asyncio.run(reap_once())
        for public_id, reason in report.ended.items():
            self.stdout.write(f"ended {public_id}: {reason}")
        for vendor_id in report.vendor_stopped:
            self.stdout.write(f"stopped leaked vendor session {vendor_id}")
        for error in report.errors:
            self.stderr.write(f"error: {error}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.ended)} session(s) ended, {len(report.vendor_stopped)} leaked "
                f"vendor session(s) stopped, {report.keepalives} keep-alive(s) sent."
            )
        )
