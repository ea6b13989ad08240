"""Rate limits, all moving windows kept by the `limits` library: in this process's memory by
default, in Redis when REDIS_URL is set (so every process counts against the same limits).

A limit is written in `limits`' notation, several separated by ";" ("5 per 10 seconds; 20 per
minute": a burst a person can type, then a steady rate), or as "count/seconds" ("60/600").
A moving window counts the last `period` seconds from now, so no twice-the-limit fits across
a window boundary the way it does with fixed windows.

`rate_limit_hit` counts a user's (or a client's) use of an HTTP action (settings.RATE_LIMITS);
`socket_limit_hit` counts one socket message against the per-connection and the shared
(room, session or interview) limits of its kind (settings.SOCKET_RATE_LIMITS).
"""

from __future__ import annotations

import asyncio
import functools
import math
import re
import time

from django.conf import settings
from limits import RateLimitItem, RateLimitItemPerSecond, parse_many
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from config.errors import RateLimited

__all__ = ["RateLimited", "parse", "rate_limit_hit", "reset", "socket_limit_hit"]

_SECONDS = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@functools.cache
def parse(spec: str) -> tuple[RateLimitItem, ...]:
    """The limits a setting describes (ValueError when it is not a limit)."""
    items: list[RateLimitItem] = []
    for part in spec.split(";"):
        if not part.strip():
            continue
        match = _SECONDS.match(part)
        if match:
            count, period = int(match[1]), int(match[2])
            items.append(RateLimitItemPerSecond(count, max(1, period)))
        else:
            items.extend(parse_many(part))
    if not items:
        raise ValueError(f"No rate limit in {spec!r}.")
    return tuple(items)


@functools.cache
def limiter() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage())


@functools.cache
def storage() -> Storage:
    if settings.REDIS_URL:
        return RedisStorage(
            settings.REDIS_URL, key_prefix=settings.RATE_LIMIT_PREFIX, socket_connect_timeout=5
        )
    return MemoryStorage()


def reset() -> None:
    """Forget every count (tests; on Redis only this prefix's keys are deleted)."""
    storage().reset()


def _hit(*counts: tuple[str, str, str]) -> None:
    """Count one use against every limit of every (name, spec, key), or none of them when one
    is full (a refused message uses up nothing)."""
    rate = limiter()
    checks = [(item, name, key) for name, spec, key in counts for item in parse(spec)]
    full = [(item, name, key) for item, name, key in checks if not rate.test(item, name, key)]
    if full:
        reset_at = max(rate.get_window_stats(*check).reset_time for check in full)
        raise RateLimited(full[0][1], max(1, math.ceil(reset_at - time.time())))
    for item, name, key in checks:
        rate.hit(item, name, key)


def rate_limit_hit(*, user_id: int | str, action: str) -> None:
    """Count one use of `action` by `user_id`; raise RateLimited when over the configured limit."""
    _hit((action, settings.RATE_LIMITS[action], str(user_id)))


async def socket_limit_hit(*, kind: str, connection: str, shared: str) -> None:
    """Count one socket message of `kind` for this connection and for what it shares (the room,
    session or interview); raise RateLimited when either is over its limit."""
    per_connection, per_shared = settings.SOCKET_RATE_LIMITS[kind]

    def hit() -> None:
        _hit((f"ws-{kind}", per_connection, connection), (f"ws-{kind}-shared", per_shared, shared))

    if isinstance(storage(), MemoryStorage):
        hit()  # no I/O: a dictionary under a lock
    else:
        await asyncio.to_thread(hit)
