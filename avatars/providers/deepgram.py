"""Deepgram speech to text through the official SDK (deepgram-sdk 7.x, `AsyncDeepgramClient`).

The SDK reads no base URL from the environment; it takes
`environment=DeepgramClientEnvironment(base=<https url>, production=<wss url>, ...)`, which is
how `DEEPGRAM_BASE_URL` (REST) and its ws(s):// twin (live socket) reach the client; the SDK's
own wire tests point it at a local server the same way. The SDK's retries are off
(`max_retries=0`): our callers retry retryable `ProviderError`s themselves.

Recorded audio: `POST /v1/listen` with nova-3, smart_format, punctuate, filler_words ("um"
counts for delivery feedback) and utterances -> `Transcript` with word timings.

Live audio: the browser's MediaRecorder webm/opus chunks are relayed as they come, with NO
`encoding`/`sample_rate` parameters (Deepgram reads the container header from the first chunk,
so chunks must never be dropped or reordered). Interim and final results, `speech_final`,
`SpeechStarted` and `UtteranceEnd` become `TranscriptEvent`s. While no audio flows a KeepAlive
goes out every few seconds (Deepgram closes an idle socket after 10 s); `finalize()` sends
Finalize (the answer carries `from_finalize`), `close()` sends CloseStream and waits for the
final Metadata.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
from deepgram import AsyncDeepgramClient
from deepgram.core.api_error import ApiError
from deepgram.environment import DeepgramClientEnvironment
from django.conf import settings

from avatars.providers.base import ProviderError, Transcript, TranscriptEvent, Word
from avatars.providers.http import (
    LoopLocal,
    is_retryable_status,
    retry_after_seconds,
    shared_client,
)

logger = logging.getLogger(__name__)

NAME = "deepgram"
KEEPALIVE_EVERY = 4.0  # seconds without audio before a KeepAlive (Deepgram closes at 10 s)
LIVE_QUERY = {
    "smart_format": "true",
    "punctuate": "true",
    "interim_results": "true",
    "utterance_end_ms": "1000",
    "vad_events": "true",
    "endpointing": "300",
}


def environment() -> DeepgramClientEnvironment:
    base = settings.DEEPGRAM_BASE_URL.rstrip("/")
    if base.startswith("https://"):
        socket_base = "wss://" + base.removeprefix("https://")
    elif base.startswith("http://"):
        socket_base = "ws://" + base.removeprefix("http://")
    else:
        socket_base = base
    production = DeepgramClientEnvironment.PRODUCTION
    return DeepgramClientEnvironment(
        base=base, production=socket_base, agent=production.agent, agent_rest=production.agent_rest
    )


def _client() -> AsyncDeepgramClient:
    return AsyncDeepgramClient(
        api_key=settings.DEEPGRAM_API_KEY or "missing-key",
        environment=environment(),
        timeout=float(settings.PROVIDER_TIMEOUT),
        max_retries=0,
        httpx_client=shared_client(),
    )


def map_deepgram_error(exc: BaseException) -> ProviderError:
    if isinstance(exc, ApiError):
        status = exc.status_code or 0
        body = exc.body
        message = ""
        if isinstance(body, dict):
            message = str(body.get("err_msg") or body.get("message") or "")
        elif isinstance(body, str):
            message = body
        if status in (401, 403):
            return ProviderError(
                "the API key was refused",
                permanent=True,
                provider=NAME,
                code="unauthorized",
                status=status,
            )
        retryable = status == 0 or is_retryable_status(status)
        return ProviderError(
            message or f"HTTP {status}",
            permanent=not retryable,
            provider=NAME,
            code="rate_limited" if status == 429 else (f"http_{status}" if status else "handshake"),
            status=status or None,
            retry_after=retry_after_seconds(exc.headers or {}),
        )
    if isinstance(exc, httpx.TimeoutException | asyncio.TimeoutError | TimeoutError):
        return ProviderError(
            f"no answer within {settings.PROVIDER_TIMEOUT:g} s",
            permanent=False,
            provider=NAME,
            code="timeout",
        )
    if isinstance(exc, httpx.TransportError | OSError):
        return ProviderError("connection failed", permanent=False, provider=NAME, code="connection")
    if isinstance(exc, ValueError):  # unreadable JSON, unexpected shape
        return ProviderError("unreadable answer", permanent=False, provider=NAME, code="malformed")
    return ProviderError(
        str(exc) or type(exc).__name__, permanent=False, provider=NAME, code="unexpected"
    )


def _words(items: Any) -> tuple[Word, ...]:
    words = []
    for item in items or ():
        text = getattr(item, "punctuated_word", None) or getattr(item, "word", "")
        words.append(
            Word(
                word=str(text),
                start=float(getattr(item, "start", 0.0) or 0.0),
                end=float(getattr(item, "end", 0.0) or 0.0),
                confidence=float(getattr(item, "confidence", 1.0) or 0.0),
            )
        )
    return tuple(words)


def to_event(message: Any) -> TranscriptEvent | None:
    """One SDK socket message -> our event (None for messages we do not surface)."""
    kind = getattr(message, "type", None)
    if kind == "Results":
        alternatives = message.channel.alternatives or []
        best = alternatives[0] if alternatives else None
        return TranscriptEvent(
            kind="final" if message.is_final else "interim",
            text=(best.transcript if best else "") or "",
            words=_words(best.words if best else ()),
            start=float(message.start or 0.0),
            duration=float(message.duration or 0.0),
            speech_final=bool(message.speech_final),
            from_finalize=bool(getattr(message, "from_finalize", False)),
        )
    if kind == "SpeechStarted":
        return TranscriptEvent(kind="speech_started", start=float(message.timestamp or 0.0))
    if kind == "UtteranceEnd":
        return TranscriptEvent(kind="utterance_end", start=float(message.last_word_end or 0.0))
    if kind == "Error":
        return TranscriptEvent(
            kind="error", message=str(getattr(message, "description", "") or "transcriber error")
        )
    return None  # Metadata, ConfigureSuccess, unknown types


class DeepgramLiveStream:
    """An open live socket. Feed `send()`, read `events()`, end with `finalize()`/`close()`."""

    def __init__(self, context: Any, socket: Any) -> None:
        self._context = context
        self._socket = socket
        self._queue: asyncio.Queue[TranscriptEvent | None] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        self._last_sent = self._loop.time()
        self._closed = False
        self._ended = asyncio.Event()
        self._reader = asyncio.create_task(self._read(), name="deepgram-read")
        self._keeper = asyncio.create_task(self._keep_alive(), name="deepgram-keepalive")

    async def _read(self) -> None:
        try:
            async for message in self._socket:
                event = to_event(message)
                if event is not None:
                    await self._queue.put(event)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            code = getattr(getattr(exc, "rcvd", None), "code", None) or getattr(exc, "code", None)
            reason = "the transcriber closed the stream"
            if code == 1011:
                reason = "the transcriber closed an idle stream (no audio for 10 s)"
            await self._queue.put(TranscriptEvent(kind="error", message=reason))
        finally:
            self._ended.set()
            await self._queue.put(TranscriptEvent(kind="closed"))
            await self._queue.put(None)

    async def _keep_alive(self) -> None:
        while not self._closed:
            await asyncio.sleep(1.0)
            if self._loop.time() - self._last_sent >= KEEPALIVE_EVERY and not self._ended.is_set():
                try:
                    await self._socket.send_keep_alive()
                except Exception:
                    return
                self._last_sent = self._loop.time()

    async def _guarded(self, call: Callable[[], Awaitable[Any]]) -> None:
        if self._closed or self._ended.is_set():
            raise ProviderError(
                "the live transcription is closed", permanent=False, provider=NAME, code="closed"
            )
        try:
            async with asyncio.timeout(float(settings.PROVIDER_TIMEOUT)):
                await call()
        except ProviderError:
            raise
        except Exception as exc:
            raise map_deepgram_error(exc) from exc

    async def send(self, chunk: bytes) -> None:
        if not chunk:
            return  # a zero-byte frame would mean "end of audio" to Deepgram
        await self._guarded(lambda: self._socket.send_media(chunk))
        self._last_sent = self._loop.time()

    async def finalize(self) -> None:
        await self._guarded(self._socket.send_finalize)
        self._last_sent = self._loop.time()

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if not self._ended.is_set():
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    await self._socket.send_close_stream()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(float(settings.PROVIDER_TIMEOUT)):
                    await self._ended.wait()
        self._keeper.cancel()
        if not self._reader.done():
            self._reader.cancel()
        with contextlib.suppress(BaseException):
            await self._context.__aexit__(None, None, None)

    async def events(self) -> AsyncIterator[TranscriptEvent]:
        while True:
            event = await self._queue.get()
            if event is None:
                return
            yield event


class DeepgramTranscriber:
    name = NAME
    supports_live_audio = True

    def __init__(self) -> None:
        self._clients = LoopLocal(_client)

    @property
    def client(self) -> AsyncDeepgramClient:
        return self._clients.get()

    async def transcribe(
        self, audio: bytes, *, mimetype: str = "audio/webm", language: str = "en"
    ) -> Transcript:
        if not audio:
            return Transcript(text="", words=(), duration=0.0)
        try:
            response = await self.client.listen.v1.media.transcribe_file(
                request=audio,
                model=settings.DEEPGRAM_MODEL,
                language=language,
                smart_format=True,
                punctuate=True,
                filler_words=True,
                utterances=True,
                request_options={
                    "max_retries": 0,
                    "timeout_in_seconds": int(max(1, settings.PROVIDER_TIMEOUT)),
                    "additional_headers": {"Content-Type": mimetype or "application/octet-stream"},
                },
            )
        except Exception as exc:
            raise map_deepgram_error(exc) from exc
        results = getattr(response, "results", None)
        if results is None or not results.channels:
            raise ProviderError(
                "unexpected answer", permanent=False, provider=NAME, code="malformed"
            )
        best = results.channels[0].alternatives[0]
        metadata = getattr(response, "metadata", None)
        return Transcript(
            text=best.transcript or "",
            words=_words(best.words),
            duration=float(getattr(metadata, "duration", 0.0) or 0.0),
        )

    async def open_live(
        self, *, language: str = "en", pcm_rate: int | None = None
    ) -> DeepgramLiveStream:
        # Raw PCM has no header to read the format from: Deepgram must be told.
        raw = (
            {"encoding": "linear16", "sample_rate": str(pcm_rate), "channels": "1"}
            if pcm_rate
            else {}
        )
        context = self.client.listen.v1.connect(
            model=settings.DEEPGRAM_MODEL,
            language=language,
            **LIVE_QUERY,
            **raw,
            # filler_words is not a connect() parameter; the query string carries it.
            request_options={"additional_query_parameters": {"filler_words": "true"}},
        )
        try:
            async with asyncio.timeout(float(settings.PROVIDER_TIMEOUT)):
                socket = await context.__aenter__()
        except Exception as exc:
            raise map_deepgram_error(exc) from exc
        return DeepgramLiveStream(context, socket)

    async def grant_token(self, ttl_seconds: int = 30) -> tuple[str, int]:
        """A short-lived token for a browser that talks to Deepgram directly (not our default
        path: we relay audio so no credential ever reaches the browser)."""
        try:
            grant = await self.client.auth.v1.tokens.grant(
                ttl_seconds=ttl_seconds, request_options={"max_retries": 0}
            )
        except Exception as exc:
            raise map_deepgram_error(exc) from exc
        return grant.access_token, int(grant.expires_in or ttl_seconds)
