"""Retries with jittered exponential backoff for provider calls.

`with_retries(call)` (and `stream_with_retries(open_stream)` for a stream that fails before its
first item) retries retryable `ProviderError`s (429, 5xx, timeouts, dropped
connections, vendor concurrency caps) up to PROVIDER_MAX_RETRIES times, sleeping
`uniform(0, min(cap, base * 2**attempt))` ("full jitter"), or the vendor's Retry-After when it
sent one (settings PROVIDER_BACKOFF_BASE, PROVIDER_BACKOFF_CAP, PROVIDER_RETRY_AFTER_CAP).
Permanent errors (401, unknown avatar, bad parameters) are raised at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from django.conf import settings

from avatars.providers.base import ProviderError

logger = logging.getLogger(__name__)
T = TypeVar("T")


def backoff_delay(attempt: int, error: ProviderError | None = None) -> float:
    """Seconds to wait before retry number `attempt` (0-based)."""
    if error is not None and error.retry_after is not None:
        return min(float(settings.PROVIDER_RETRY_AFTER_CAP), max(0.0, error.retry_after))
    ceiling = min(settings.PROVIDER_BACKOFF_CAP, settings.PROVIDER_BACKOFF_BASE * 2**attempt)
    return random.uniform(0, float(ceiling))  # noqa: S311


async def with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    max_retries: int | None = None,
    on_retry: Callable[[int, ProviderError, float], Awaitable[None]] | None = None,
) -> T:
    retries = settings.PROVIDER_MAX_RETRIES if max_retries is None else max_retries
    attempt = 0
    while True:
        try:
            return await call()
        except ProviderError as exc:
            if exc.permanent or attempt >= retries:
                raise
            delay = backoff_delay(attempt, exc)
            logger.info(
                "%s call failed (%s, %s); retry %d in %.2f s",
                exc.provider,
                exc.code,
                exc.message,
                attempt + 1,
                delay,
            )
            if on_retry is not None:
                await on_retry(attempt, exc, delay)
            await asyncio.sleep(delay)
            attempt += 1


async def stream_with_retries(
    open_stream: Callable[[], AsyncIterator[T]], *, max_retries: int | None = None
) -> AsyncIterator[T]:
    """Items of `open_stream()`, reopening it after a retryable `ProviderError` raised before
    its first item (same backoff and Retry-After as `with_retries`). Once an item went out,
    an error propagates: the caller has already used the partial output."""
    retries = settings.PROVIDER_MAX_RETRIES if max_retries is None else max_retries
    attempt = 0
    while True:
        started = False
        stream = open_stream()
        try:
            async for item in stream:
                started = True
                yield item
            return
        except ProviderError as exc:
            if started or exc.permanent or attempt >= retries:
                raise
            delay = backoff_delay(attempt, exc)
            logger.info(
                "%s stream failed before its first item (%s); retry %d in %.2f s",
                exc.provider,
                exc.code,
                attempt + 1,
                delay,
            )
        finally:
            aclose = getattr(stream, "aclose", None)
            if aclose is not None:
                await aclose()
        await asyncio.sleep(delay)
        attempt += 1
