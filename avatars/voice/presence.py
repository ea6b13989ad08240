"""Presence: while a page is connected its avatar is in use, even when nobody speaks (a long
answer, reading feedback), so its heartbeat is kept fresh and the reaper leaves it alone. Once
the page is gone the beats stop and the reaper ends the vendor session."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from django.conf import settings


def heartbeat_interval() -> float:
    return max(0.2, float(settings.AVATAR_HEARTBEAT_TIMEOUT) / 3)


async def keep_present(beat: Callable[[], Awaitable[None]]) -> None:
    """Call `beat` every third of the heartbeat timeout until cancelled (on disconnect)."""
    while True:
        await asyncio.sleep(heartbeat_interval())
        await beat()
