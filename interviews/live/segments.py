"""The answer's ordered segment writer: every final (transcriber, browser caption, typed text)
is saved in arrival order, consecutive ones in one UPDATE, before its caption is shown.

Transcriber finals are queued and the reader goes straight on relaying interims (saving inline
made every caption after a final wait for an SQLite write: benchmarks, scenario 3). Typed text
and browser captions wait for their save, so errors go back to the sender. A save that fails
for a transient reason (a locked database) is retried, never dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from avatars.voice.messages import BadMessage
from avatars.voice.tasks import TaskSet
from config.lifecycle import InvalidTransition
from interviews import services
from interviews.models import MockInterview

logger = logging.getLogger(__name__)

SEGMENT_DRAIN_SECONDS = 10.0  # "Finish answer" waits this long for queued finals to be saved
SEGMENT_BATCH = 50

Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class PendingSegment:
    segment: services.Segment
    saved: asyncio.Future[None] | None = None  # the sender waits for the save
    echo: bool = False  # send the final caption once saved (transcriber finals)


def save_segments(interview_id: int, segments: list[services.Segment]) -> None:
    # The service re-reads the interview (status, current attempt) in its transaction.
    services.attempt_add_segments(interview=MockInterview(pk=interview_id), segments=segments)


def caption_frame(segment: services.Segment) -> dict[str, Any]:
    return {
        "type": "caption",
        "text": " ".join(segment.text.split()),
        "final": True,
        "source": segment.source,
    }


class SegmentWriter:
    def __init__(self, interview_id: int, tasks: TaskSet, send: Send) -> None:
        self.interview_id = interview_id
        self.tasks = tasks
        self.send = send
        self.queue: asyncio.Queue[PendingSegment] = asyncio.Queue()

    async def save(self, text: str, *, source: str) -> None:
        """Save typed text or a browser caption (behind queued finals), then echo it."""
        saved: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        segment = services.Segment(text=text, source=source)
        self.put(segment, saved=saved)
        await saved
        await self.send(caption_frame(segment))

    def put(
        self,
        segment: services.Segment,
        *,
        saved: asyncio.Future[None] | None = None,
        echo: bool = False,
    ) -> None:
        self.queue.put_nowait(PendingSegment(segment, saved, echo))
        if not self.tasks.busy("segment-writer"):
            self.tasks.track(self._write(), key="segment-writer")

    async def _write(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while not self.queue.empty() and len(batch) < SEGMENT_BATCH:
                batch.append(self.queue.get_nowait())
            try:
                await self._write_batch(batch)
            finally:
                for _ in batch:
                    self.queue.task_done()

    async def _write_batch(self, batch: list[PendingSegment]) -> None:
        retry = 0
        while True:
            try:
                await database_sync_to_async(save_segments)(
                    self.interview_id, [p.segment for p in batch]
                )
            except InvalidTransition as exc:  # the answer ended (discarded, submitted, left)
                for pending in batch:
                    if pending.saved is not None:
                        pending.saved.set_exception(exc)
                    else:
                        logger.info("Transcript segment after the answer ended was dropped")
                return
            except services.AnswerTooLong as exc:  # find which segment does not fit
                if len(batch) > 1:
                    for pending in batch:
                        await self._write_batch([pending])
                    return
                if batch[0].saved is not None:
                    batch[0].saved.set_exception(exc)
                else:
                    await self.send(
                        {
                            "type": "error",
                            "code": exc.code,
                            "message": f"{exc.message} The rest was not saved.",
                        }
                    )
                return
            except Exception:  # e.g. a locked or unreachable database: never drop, retry
                delays = settings.TRANSCRIPT_SAVE_RETRY_DELAYS  # the last one repeats
                delay = delays[min(retry, len(delays) - 1)]
                logger.exception("Saving %d transcript segments failed; retrying", len(batch))
                if retry == 0:
                    await self.send(
                        {
                            "type": "error",
                            "code": "save_delayed",
                            "message": "Saving your answer is delayed; retrying. Keep going.",
                        }
                    )
                retry += 1
                await asyncio.sleep(delay)
                continue
            for pending in batch:
                if pending.saved is not None and not pending.saved.done():
                    pending.saved.set_result(None)
                if pending.echo:
                    await self.send(caption_frame(pending.segment))
            return

    async def drain(self, *, within: float = SEGMENT_DRAIN_SECONDS) -> bool:
        """Wait until every queued final is saved; False if that took too long."""
        try:
            async with asyncio.timeout(within):
                await self.queue.join()
        except TimeoutError:
            return False
        return True

    async def require_saved(self) -> None:
        if not await self.drain():
            raise BadMessage(
                "save_delayed", "Your last words are still being saved; try again in a moment."
            )

    def backlog(self) -> int:
        return self.queue.qsize()
