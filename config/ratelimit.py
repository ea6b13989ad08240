"""Per-user rate limits kept in the cache (Redis when REDIS_URL is set, so shared by processes)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from config.errors import RateLimited

__all__ = ["RateLimited", "parse", "rate_limit_hit"]


def parse(spec: str) -> tuple[int, int]:
    count, _, period = spec.partition("/")
    return int(count), int(period or 3600)


def rate_limit_hit(*, user_id: int | str, action: str) -> None:
    """Count one use of `action` by `user_id`; raise RateLimited when over the configured limit."""
    limit, period = parse(settings.RATE_LIMITS[action])
    window = int(time.time()) // period
    key = f"ratelimit:{action}:{user_id}:{window}"
    cache.add(key, 0, timeout=period + 5)
    try:
        used = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=period + 5)
        used = 1
    if used > limit:
        retry_after = period - int(time.time()) % period
        raise RateLimited(action, retry_after)
