"""The avatar app's background work (config/background.py runs it): the reaper cycle and the
vendor keep-alives. Both are safe to run in several processes at once (conditional claims)."""

from __future__ import annotations

from django.conf import settings

from avatars.reaper import keepalive_once, reap_once
from config import background


@background.periodic("avatars.reap", every=lambda: settings.AVATAR_REAPER_INTERVAL)
async def reap() -> None:
    await reap_once()


def _keepalive_period() -> float:
    # Half the keep-alive interval (bounded) so a session is never a full interval late.
    return max(5, min(settings.AVATAR_KEEPALIVE_INTERVAL // 2, 30))


@background.periodic("avatars.keepalive", every=_keepalive_period)
async def keepalive() -> None:
    await keepalive_once()
