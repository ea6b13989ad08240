"""HTTP plumbing shared by the vendor clients: one `httpx.AsyncClient` per event loop (its
connection pool shared by every vendor), a timeout on every call, and transport failures turned
into `ProviderError`s."""

from __future__ import annotations

import asyncio
import json
import weakref
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any, Generic, TypeVar

import httpx
from django.conf import settings
from django.utils import timezone

from avatars.providers.base import ProviderError

T = TypeVar("T")

RETRYABLE_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


def is_retryable_status(status: int) -> bool:
    return status in RETRYABLE_STATUSES or status >= 500


def retry_after_seconds(headers: Any) -> float | None:
    """`retry-after-ms`, or `retry-after` in seconds or as an HTTP date."""
    if headers is None:
        return None
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - timezone.now()).total_seconds())


class LoopLocal(Generic[T]):
    """One instance per running event loop (httpx/openai clients must not cross loops:
    daphne has one loop, but `async_to_sync` and management commands make their own)."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = (
            weakref.WeakKeyDictionary()
        )

    def get(self) -> T:
        loop = asyncio.get_running_loop()
        value = self._by_loop.get(loop)
        if value is None:
            value = self._factory()
            self._by_loop[loop] = value
        return value


def timeout() -> httpx.Timeout:
    seconds = float(settings.PROVIDER_TIMEOUT)
    return httpx.Timeout(seconds, connect=min(seconds, 10.0))


USER_AGENT = "mockingbird"


def _new_client() -> httpx.AsyncClient:
    # httpx's default pool limits: keeping more idle connections than its default 20 for a
    # wave of 25 starts cost more CPU (httpcore checks every pooled connection on each request)
    # than opening the missing ones. No retries at this level (httpx retries nothing unless a
    # transport is built with `retries=`): a vendor start is not idempotent, so only the
    # caller's retry policy, which knows what was created, may send a call again. No redirects
    # are followed either.
    return httpx.AsyncClient(headers={"User-Agent": USER_AGENT}, follow_redirects=False)


_CLIENTS: LoopLocal[httpx.AsyncClient] = LoopLocal(_new_client)


def shared_client() -> httpx.AsyncClient:
    """The running loop's client, also handed to the Deepgram SDK, so the avatar vendors' and
    Deepgram's calls of a loop share one connection pool."""
    return _CLIENTS.get()


async def send(
    provider: str,
    method: str,
    url: str,
    *,
    json: Any = None,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """Send one request with the provider timeout through the loop's shared client and return
    the whole answer; transport failures become `ProviderError`s (retryable unless nothing
    could be sent)."""
    try:
        return await shared_client().request(
            method, url, params=params, json=json, headers=headers, timeout=timeout()
        )
    except httpx.TimeoutException as exc:
        raise ProviderError(
            f"no answer within {settings.PROVIDER_TIMEOUT:g} s",
            permanent=False,
            provider=provider,
            code="timeout",
        ) from exc
    except httpx.LocalProtocolError as exc:  # nothing was sent: trying again cannot help
        raise ProviderError(
            f"request refused before sending ({exc})",
            permanent=True,
            provider=provider,
            code="bad_request",
        ) from exc
    except httpx.TransportError as exc:
        raise ProviderError(
            f"connection failed ({type(exc).__name__})",
            permanent=False,
            provider=provider,
            code="connection",
        ) from exc


def parse_json(provider: str, response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as exc:
        raise ProviderError(
            f"unreadable answer (HTTP {response.status_code})",
            permanent=False,
            provider=provider,
            code="malformed",
            status=response.status_code,
        ) from exc


def status_error(
    provider: str, response: httpx.Response, message: str, code: str = ""
) -> ProviderError:
    """The generic classification of an HTTP error status."""
    status = response.status_code
    if status in (401, 403):
        return ProviderError(
            message or "the API key was refused",
            permanent=True,
            provider=provider,
            code=code or "unauthorized",
            status=status,
        )
    retryable = is_retryable_status(status)
    return ProviderError(
        message or f"HTTP {status}",
        permanent=not retryable,
        provider=provider,
        code=code or ("rate_limited" if status == 429 else f"http_{status}"),
        status=status,
        retry_after=retry_after_seconds(response.headers),
    )
