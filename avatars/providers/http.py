"""HTTP plumbing shared by the vendor clients: one pooled transport per event loop, a timeout on
every call, and transport failures turned into `ProviderError`s."""

from __future__ import annotations

import asyncio
import functools
import json
import ssl
import weakref
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import certifi
import httpx
from django.conf import settings
from django.utils import timezone

from avatars.providers.base import ProviderError
from avatars.providers.transport import LeanTransport

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


class LoopLocal:
    """One instance per running event loop (httpx/openai clients must not cross loops:
    daphne has one loop, but `async_to_sync` and management commands make their own)."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = (
            weakref.WeakKeyDictionary()
        )

    def get(self) -> Any:
        loop = asyncio.get_running_loop()
        value = self._by_loop.get(loop)
        if value is None:
            value = self._factory()
            self._by_loop[loop] = value
        return value


def timeout() -> httpx.Timeout:
    seconds = float(settings.PROVIDER_TIMEOUT)
    return httpx.Timeout(seconds, connect=min(seconds, 10.0))


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context per process: building it (loading the CA bundle) costs tens of
    milliseconds, which every new client paid again."""
    return ssl.create_default_context(cafile=certifi.where())


def _new_transport() -> LeanTransport:
    return LeanTransport(ssl_context=_tls_context())


#: One transport per event loop: its keep-alive connections (per origin) are shared by every
#: vendor call of the loop; nothing is opened per call.
_TRANSPORTS = LoopLocal(_new_transport)

USER_AGENT = "mockingbird"


@functools.lru_cache(maxsize=512)
def _parsed_url(url: str) -> httpx.URL:
    """httpx parses and validates a URL string on every request (a tenth of a vendor call's
    CPU); the vendor URLs are a handful of fixed strings (URL objects are immutable)."""
    return httpx.URL(url)


async def send(
    provider: str,
    method: str,
    url: str,
    *,
    json: Any = None,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """Send one request with the provider timeout and return the whole answer; transport
    failures become retryable errors.

    The request goes straight to the transport, not through `httpx.AsyncClient`: the client's
    layers (merging defaults, cookies, auth and redirect hooks, none of which a vendor call
    uses) cost about a third of each call's CPU, and a class start sends 50 calls per wave
    from one event loop (benchmarks, scenario 1). No redirects are followed, no cookies kept,
    no compression asked for (answers are small JSON)."""
    request = httpx.Request(
        method,
        _parsed_url(url),
        params=params,
        json=json,
        headers={"User-Agent": USER_AGENT, **(headers or {})},
        extensions={"timeout": timeout().as_dict()},
    )
    try:
        return await _TRANSPORTS.get().handle_async_request(request)
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
