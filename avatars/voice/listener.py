"""The listener: the live transcriber for one speaker on one socket.

It opens the vendor stream (with a timeout), forwards audio, relays interim captions, hands
every final result to a writer the app supplies (the app saves it and only then shows it),
reports the end of an utterance and speech that starts, and turns every failure (open, send,
mid-stream error, a stream that will not flush or close) into a user-visible error frame while
the rest of the conversation (typing) carries on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from django.conf import settings

from avatars.providers.base import LiveTranscription, ProviderError, TranscriptEvent
from avatars.providers.registry import get_transcriber
from avatars.voice.tasks import TaskSet

logger = logging.getLogger(__name__)

CLOSE_TIMEOUT_SECONDS = 5.0

Text = Callable[[str], Awaitable[None]]
Final = Callable[[TranscriptEvent], Awaitable[None]]
Signal = Callable[[], Awaitable[None]]
Failure = Callable[[str, str], Awaitable[None]]


async def _nothing() -> None:
    return None


@dataclass
class ListenerHooks:
    """What the app does with what the listener hears."""

    on_interim: Text
    on_final: Final  # saves (or queues for saving) before anything is shown
    on_failure: Failure  # (code, message): shown to the user
    on_end_of_turn: Signal = _nothing  # speech_final / UtteranceEnd
    on_speech_started: Signal = _nothing
    on_stream_end: Signal = _nothing  # the vendor ended the stream (closed, error, dropped)


class Listener:
    def __init__(
        self,
        hooks: ListenerHooks,
        tasks: TaskSet,
        *,
        failure_code: str,
        pcm_rate: int | None = None,
    ) -> None:
        self.hooks = hooks
        self.pcm_rate = pcm_rate  # raw PCM at this rate (a meeting bot), else a browser container
        self.tasks = tasks
        self.failure_code = failure_code
        self.live: LiveTranscription | None = None
        self.flushed = asyncio.Event()
        self.closers: set[asyncio.Task[None]] = set()

    @property
    def is_open(self) -> bool:
        return self.live is not None

    @staticmethod
    def available() -> bool:
        return bool(get_transcriber().supports_live_audio)

    async def open(self) -> bool:
        """Open the stream (no-op when open); False, with the user told, when it failed."""
        if self.live is not None:
            return True
        try:
            async with asyncio.timeout(settings.PROVIDER_TIMEOUT):
                live = await get_transcriber().open_live(pcm_rate=self.pcm_rate)
        except (ProviderError, TimeoutError) as exc:
            reason = exc.user_message if isinstance(exc, ProviderError) else "it timed out"
            await self.hooks.on_failure(
                self.failure_code,
                f"Live captions are unavailable ({reason}); you can type instead.",
            )
            return False
        self.live = live
        self.flushed = asyncio.Event()
        self.tasks.track(self._read(live), key="listener")
        return True

    async def send(self, chunk: bytes) -> None:
        live = self.live
        if live is None:
            return
        try:
            await live.send(chunk)
        except ProviderError as exc:
            await self.close()
            await self.hooks.on_failure(
                self.failure_code, f"Live captions stopped ({exc.user_message})."
            )

    async def _read(self, live: LiveTranscription) -> None:
        try:
            async for event in live.events():
                if event.kind == "interim" and event.text:
                    await self.hooks.on_interim(event.text)
                elif event.kind == "final":
                    if event.text.strip():
                        await self.hooks.on_final(event)
                    if event.from_finalize:
                        self.flushed.set()
                    if event.speech_final:
                        await self.hooks.on_end_of_turn()
                elif event.kind == "utterance_end":
                    await self.hooks.on_end_of_turn()
                elif event.kind == "speech_started":
                    await self.hooks.on_speech_started()
                elif event.kind in ("closed", "error"):
                    if event.kind == "error":
                        await self.hooks.on_failure(
                            self.failure_code, "Live captions stopped; you can keep typing."
                        )
                    break
        except ProviderError as exc:
            await self.hooks.on_failure(self.failure_code, exc.user_message)
        finally:
            self.flushed.set()
            if self.live is live:  # the vendor ended the stream: the next audio reopens it
                self.live = None
                await self._close(live)
        # Reached unless cancelled (our own close): what was heard before the end is not lost.
        # The next audio may open a new stream meanwhile; its reader must not cancel this one
        # while the words heard so far are being saved.
        if self.tasks.keyed.get("listener") is asyncio.current_task():
            self.tasks.release("listener")
        await self.hooks.on_stream_end()

    async def finish(self, *, wait: float, close_later: bool = False) -> None:
        """Flush the stream (its last final reaches the writer), then close it; with
        `close_later` the close runs in the background (`drain_closers` waits for it)."""
        live = self.live
        if live is None:
            return
        try:
            async with asyncio.timeout(wait):
                await live.finalize()
            async with asyncio.timeout(wait):
                await self.flushed.wait()
        except (ProviderError, TimeoutError):
            logger.info("The transcriber did not flush in time")
        if close_later:
            closer = asyncio.create_task(self.close(), name="voice-close-transcriber")
            self.closers.add(closer)
            closer.add_done_callback(self.closers.discard)
            return
        await self.close()

    async def close(self) -> None:
        live, self.live = self.live, None
        if live is not None:
            await self._close(live)
        reader = self.tasks.keyed.get("listener")
        if reader is not None and reader is not asyncio.current_task():
            self.tasks.cancel("listener")

    @staticmethod
    async def _close(live: LiveTranscription) -> None:
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT_SECONDS):
                await live.close()
        except (ProviderError, TimeoutError):
            logger.info("Closing the live transcriber failed")

    async def drain_closers(self) -> None:
        if self.closers:
            await asyncio.wait(self.closers, timeout=CLOSE_TIMEOUT_SECONDS)
