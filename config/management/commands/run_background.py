"""`python manage.py run_background`: this project's background registry as its own process.

Runs every loop declared in the apps' `background.py` modules (config/background.py) with loops
forced on, whatever AVATAR_BACKGROUND_LOOPS says (web processes set it false when workers run),
until SIGTERM or SIGINT; then cancels the loops and the jobs in flight and exits 0. Work cut
short is resumable from the database, by this worker's next start or by another worker.
Several workers may run at once against one database.
"""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from django.core.management.base import BaseCommand

from config import background


class Command(BaseCommand):
    help = "Run the background loops and jobs (reaper, keep-alives, class resume, ...) here."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--list", action="store_true", help="List the declared loops and jobs, then exit."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            background.autodiscover()
            for loop in background.REGISTRY.loops.values():
                when = f"every {loop.every():g} s" if loop.every else "at start"
                self.stdout.write(f"loop {loop.name}: {when}")
            for job in background.REGISTRY.jobs.values():
                pickup = "picked up from the database" if job.pending else "on request"
                self.stdout.write(f"job  {job.name}: {pickup}")
            return
        asyncio.run(self._run())

    async def _run(self) -> None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopping.set)
        runner = background.start(loops=True, worker=True)
        names = ", ".join(sorted(runner.states))
        self.stdout.write(f"run_background: running {names}", ending="\n")
        self.stdout.flush()
        await stopping.wait()
        self.stdout.write("run_background: stopping")
        self.stdout.flush()
        await background.stop()
        self.stdout.write("run_background: stopped")
