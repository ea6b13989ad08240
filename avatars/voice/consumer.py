"""The base of every live socket: authorise, join groups, dispatch, report, clean up.

Subclasses declare `schema` (see `avatars.voice.messages`) and write `authorise()` (return a
close code to refuse: 4401 not signed in, 4403 not yours, 4404 no such thing, 4410 over) and
one `on_<type>` handler per message type (dots become underscores: `answer.finish` ->
`on_answer_finish`). Every frame is validated before a handler sees it; a refused frame, a
handler's error or a failed background task becomes an error frame, never a dead socket.

`rate_limits` declares which message types count against which socket limit
(settings.SOCKET_RATE_LIMITS; a callable picks the kind from the message, `BINARY` names audio
frames): each is counted per connection and per `rate_scope` (the room, session or interview
every connection to it shares), and a message over either limit is refused with a
`rate_limited` error frame before its handler runs.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from avatars.voice.messages import BadMessage, Schema, error_frame, parse_frame
from avatars.voice.tasks import TaskSet
from config.errors import ApplicationError, as_application_error
from config.logs import new_id, request_id
from config.ratelimit import RateLimited, socket_limit_hit

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_GONE = 4410
BINARY = "binary"  # the `rate_limits` key of binary (audio) frames

RateKind = str | Callable[[dict[str, Any]], str | None]


class VoiceConsumer(AsyncWebsocketConsumer):
    schema: Schema = {}
    max_text: int | None = None  # when set, `text` fields must be non-blank and this short
    internal_error = "Something went wrong; please try again."
    rate_limits: dict[str, RateKind] = {}
    rate_scope = ""  # set by authorise(): what every connection to the same thing shares

    accepted = False

    async def connect(self) -> None:
        request_id.set(new_id("ws-"))  # this socket's log lines (and its tasks') carry it
        self.tasks = TaskSet(type(self).__name__, self.task_failed)
        self.joined: list[str] = []
        code = await self.authorise()
        if code is not None:
            await self.close(code=code)
            return
        for group in self.groups_for():
            await self.channel_layer.group_add(group, self.channel_name)
            self.joined.append(group)
        await self.accept()
        self.accepted = True
        await self.connected()

    async def authorise(self) -> int | None:  # pragma: no cover - every socket overrides it
        return CLOSE_FORBIDDEN

    def groups_for(self) -> list[str]:
        return []

    async def connected(self) -> None:
        """Runs once the socket is accepted (the first snapshot, background work)."""

    async def disconnect(self, code: int) -> None:
        if not self.accepted:
            return
        try:
            await self.disconnected()
        finally:
            for group in self.joined:
                await self.channel_layer.group_discard(group, self.channel_name)
            await self.tasks.cancel_all()

    async def disconnected(self) -> None:
        """Runs before the socket's tasks are cancelled (flush what must be saved)."""

    # --- inbound -------------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            if bytes_data is not None:
                await self.check_rate(BINARY, {})
                await self.on_audio(bytes_data)
                return
            data = parse_frame(text_data or "", self.schema, max_text=self.max_text)
            await self.check_rate(data["type"], data)
            await getattr(self, "on_" + data["type"].replace(".", "_"))(data)
        except BadMessage as exc:
            logger.info("%s refused a message: %s", type(self).__name__, exc.code)
            await self.send_error(exc.code, exc.message)
        except Exception as exc:
            await self.refused(exc)

    async def check_rate(self, message_type: str, data: dict[str, Any]) -> None:
        """Count the message against its socket limits; over one it is refused like a bad
        frame (one INFO line, an error frame), with the wait in seconds."""
        kind = self.rate_limits.get(message_type)
        if callable(kind):
            kind = kind(data)
        if not kind:
            return
        try:
            await socket_limit_hit(
                kind=kind, connection=self.channel_name, shared=self.rate_scope or self.channel_name
            )
        except RateLimited as exc:
            wait = exc.retry_after
            raise BadMessage(
                "rate_limited",
                f"Too many messages: this one was not sent. Wait {wait} "
                f"second{'s' if wait != 1 else ''} and try again.",
            ) from exc

    async def refused(self, exc: Exception) -> None:
        """A handler raised: an application error is told as its code and message (the one
        place sockets map them); anything else is a bug, logged, and a generic sentence."""
        error = as_application_error(exc)
        if error is None:
            logger.error("%s message failed", type(self).__name__, exc_info=exc)
        await self.send_application_error(error)

    async def task_failed(self, exc: BaseException) -> None:
        """A background task raised (TaskSet has logged it)."""
        if isinstance(exc, BadMessage):
            await self.send_error(exc.code, exc.message)
            return
        await self.send_application_error(as_application_error(exc))

    async def send_application_error(self, error: ApplicationError | None) -> None:
        if error is None:
            await self.send_error("internal", self.internal_error)
        else:
            await self.send_error(error.code, error.message)

    async def on_audio(self, chunk: bytes) -> None:
        raise BadMessage("unexpected_binary", "Binary frames are not accepted here.")

    def check_audio_size(self, chunk: bytes) -> None:
        if len(chunk) > settings.WS_MAX_AUDIO_CHUNK_BYTES:
            raise BadMessage(
                "too_large",
                f"Audio chunks are limited to {settings.WS_MAX_AUDIO_CHUNK_BYTES} bytes.",
            )

    async def on_ping(self, data: dict[str, Any]) -> None:
        await self.send_json({"type": "pong"})

    # --- outbound ------------------------------------------------------------------------

    async def send_json(self, data: dict[str, Any]) -> None:
        with contextlib.suppress(Exception):  # the socket is closing; a reconnect resumes
            await self.send(text_data=json.dumps(data))

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json(error_frame(code, message))
