"""A bot runner (`manage.py run_meeting_bots`): claims requested bots up to its capacity, runs
each in its own OS process, and looks after them.

Every MEETING_BOT_RUNNER_INTERVAL seconds a runner (1) notices its own bot processes that
exited and relaunches their bots (bounded by MEETING_BOT_MAX_LAUNCHES) or fails them, (2) runs
the bot reaper (bots of any runner whose heartbeat stopped: a runner that died with its bots;
bots of sessions that closed) and (3) claims requested bots for its free slots with a
conditional UPDATE, like `run_background`'s jobs, so several runners on several machines can
share one database without launching a bot twice.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from asgiref.sync import sync_to_async

from classrooms.services.meeting_bots import (
    meeting_bot_recover,
    meeting_bot_started,
    meeting_bots_claim,
    meeting_bots_reap,
)

logger = logging.getLogger(__name__)

MANAGE_PY = Path(__file__).resolve().parents[2] / "manage.py"


class BotProcess(Protocol):
    @property
    def pid(self) -> int: ...

    def alive(self) -> bool: ...

    def stop(self) -> None:
        """Ask it to leave (SIGTERM); it moves its bot back to requested."""


Launch = Callable[[int, int], BotProcess]


@dataclass
class OsProcess:
    popen: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.popen.terminate()


def os_launch(bot_id: int, launch: int) -> BotProcess:
    """`manage.py run_meeting_bots --bot ID --launch N` as a child process (same settings)."""
    popen = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py, int arguments
        [
            sys.executable,
            str(MANAGE_PY),
            "run_meeting_bots",
            "--bot",
            str(bot_id),
            "--launch",
            str(launch),
        ],
        env=os.environ.copy(),
    )
    return OsProcess(popen)


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class BotRunner:
    capacity: int
    launch: Launch = os_launch
    name: str = field(default_factory=runner_name)
    children: dict[tuple[int, int], BotProcess] = field(default_factory=dict)

    async def tick(self) -> dict[str, int]:
        exited = [key for key, child in self.children.items() if not child.alive()]
        for bot_id, launch in exited:
            del self.children[(bot_id, launch)]
            await sync_to_async(meeting_bot_recover)(
                bot_id=bot_id, launch=launch, reason="its process exited"
            )
        reaped = await meeting_bots_reap()
        free = self.capacity - len(self.children)
        claimed = await sync_to_async(meeting_bots_claim)(runner=self.name, limit=free)
        for bot_id, launch in claimed:
            child = self.launch(bot_id, launch)
            self.children[(bot_id, launch)] = child
            await sync_to_async(meeting_bot_started)(bot_id=bot_id, launch=launch, pid=child.pid)
        return {"exited": len(exited), "launched": len(claimed), **reaped}

    def stop(self) -> None:
        for child in self.children.values():
            child.stop()
