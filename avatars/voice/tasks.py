"""The tasks one socket runs: tracked, guarded, cancellable by key, all cancelled at the end.

A task that raises is logged and reported through the owner's `on_error` (the user sees an
error frame, never a silently dead feature); cancellation passes through untouched.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from django.core.exceptions import ValidationError

from avatars.voice.messages import BadMessage
from config.errors import ApplicationError

logger = logging.getLogger(__name__)

#: Refusals and told failures, not bugs: logged as one INFO line, without a traceback.
EXPECTED: tuple[type[Exception], ...] = (ValidationError, BadMessage, ApplicationError)

ErrorHandler = Callable[[BaseException], Awaitable[None]]


class TaskSet:
    def __init__(self, owner: str, on_error: ErrorHandler | None = None) -> None:
        self.owner = owner
        self.on_error = on_error
        self.keyed: dict[str, asyncio.Task[Any]] = {}
        self.all: set[asyncio.Task[Any]] = set()

    def track(self, coro: Coroutine[Any, Any, Any], key: str | None = None) -> asyncio.Task[Any]:
        """Run `coro` in a guarded task; a keyed task replaces (cancels) the previous one."""
        if key is not None:
            self.cancel(key)
        name = f"{self.owner}-{key or getattr(coro, '__name__', 'task')}"
        task = asyncio.get_running_loop().create_task(self._guard(coro, name), name=name)
        self.all.add(task)
        task.add_done_callback(self._forget)
        # A task cancelled before its first step never starts `coro`: close it (no warning).
        task.add_done_callback(lambda _: coro.close())
        if key is not None:
            self.keyed[key] = task
        return task

    def _forget(self, task: asyncio.Task[Any]) -> None:
        self.all.discard(task)
        for key, value in list(self.keyed.items()):
            if value is task:
                del self.keyed[key]

    async def _guard(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        try:
            await coro
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if isinstance(exc, EXPECTED):  # a refusal the user is told about: one line
                logger.info("Task %s refused: %s", name, exc)
            else:
                logger.exception("Task %s failed", name)
            if self.on_error is not None:
                await self.on_error(exc)

    def busy(self, key: str) -> bool:
        task = self.keyed.get(key)
        return task is not None and not task.done()

    def release(self, key: str) -> None:
        """Forget `key` without cancelling its task (it finishes on its own, still tracked)."""
        self.keyed.pop(key, None)

    def cancel(self, key: str) -> bool:
        """Cancel the task under `key`; True when one was running."""
        task = self.keyed.pop(key, None)
        if task is None or task.done():
            return False
        task.cancel()
        return True

    async def cancel_all(self) -> None:
        tasks = list(self.all)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
