"""`python manage.py run_meeting_bots`: a runner of Zoom tutor bots (classrooms/bots/runner.py).

Claims requested bots up to MEETING_BOTS_PER_RUNNER (or `--capacity`) and runs each in its own
OS process (this command with `--bot ID --launch N`, which runs one bot to its end), until
SIGTERM or SIGINT: then its bots leave the meeting and go back to requested for another runner.
Run as many runners as the machines allow; they share the database and never launch a bot twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from classrooms.bots.bot import meeting_bot_run
from classrooms.bots.runner import BotRunner
from classrooms.bots.sdk import load_sdk


class Command(BaseCommand):
    help = "Run Zoom tutor bots: one OS process per bot, claimed from the database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--capacity", type=int, default=None, help="Bots at once here.")
        parser.add_argument("--bot", type=int, default=None, help=BaseCommandHelp.BOT)
        parser.add_argument("--launch", type=int, default=None, help=BaseCommandHelp.LAUNCH)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["bot"] is not None:
            if options["launch"] is None:
                raise CommandError("--bot needs --launch (the launch number it was claimed with).")
            status = asyncio.run(self._one(options["bot"], options["launch"]))
            self.stdout.write(f"run_meeting_bots: bot {options['bot']} finished ({status or '-'})")
            return
        capacity = options["capacity"] or settings.MEETING_BOTS_PER_RUNNER
        if capacity < 1:
            raise CommandError("--capacity must be at least 1.")
        asyncio.run(self._runner(capacity))

    async def _one(self, bot_id: int, launch: int) -> str:
        task = asyncio.create_task(meeting_bot_run(bot_id=bot_id, launch=launch, sdk=load_sdk()))
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, task.cancel)
        try:
            return await task
        except asyncio.CancelledError:
            return "stopped"

    async def _runner(self, capacity: int) -> None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopping.set)
        runner = BotRunner(capacity=capacity)
        self.stdout.write(f"run_meeting_bots: {runner.name}, up to {capacity} bots")
        self.stdout.flush()
        while not stopping.is_set():
            await runner.tick()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(settings.MEETING_BOT_RUNNER_INTERVAL):
                    await stopping.wait()
        runner.stop()
        self.stdout.write("run_meeting_bots: stopped; its bots go back to requested")


class BaseCommandHelp:
    BOT = "Run this one bot here (what the runner starts for each bot)."
    LAUNCH = "The launch number the bot was claimed with (fences a stale process)."
