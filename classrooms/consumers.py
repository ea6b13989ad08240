"""Classroom sockets.

`/ws/classrooms/<session uuid>/monitor/` (the owning professor): a full snapshot on every
connect (so a reconnect loses nothing), then room and transcript updates pushed by the services;
actions: say, broadcast, whisper, restart, clear help, end.

`/ws/rooms/<join token>/` (the student, no account; or the owning professor with
`?role=professor` to join live): transcript lines, tutor speech, help flag, microphone audio
(binary frames to the live transcriber when it supports it), and WebRTC signaling relayed only
between the student and the professor of that room.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Coroutine
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.core.exceptions import ValidationError

from avatars.providers.base import LiveTranscription, ProviderError
from avatars.providers.registry import get_transcriber
from avatars.services import avatar_session_interrupt
from classrooms import services
from classrooms.models import BreakoutRoom, ClassSession, RoomTranscriptLine
from classrooms.selectors import (
    class_session_for_owner,
    room_by_token,
    room_transcript_tail,
    room_with_relations,
    session_snapshot,
)
from config.ratelimit import RateLimited, rate_limit_hit
from config.wsinput import clean_text, sane_number

logger = logging.getLogger(__name__)
db = database_sync_to_async

MAX_TEXT = 500
MAX_SDP = 20_000
MAX_CANDIDATE = 2_000
_resumed_once = False

# type -> {field: (types, required)}
Schema = dict[str, dict[str, tuple[tuple[type, ...], bool]]]
MONITOR_SCHEMA: Schema = {
    "snapshot": {},
    "ping": {},
    "expand": {"room": ((str,), True)},
    "say": {"room": ((str,), True), "text": ((str,), True)},
    "broadcast": {"text": ((str,), True)},
    "whisper": {"room": ((str,), True), "text": ((str,), True)},
    "restart": {"room": ((str,), True)},
    "clear_help": {"room": ((str,), True)},
    "end": {},
}
ROOM_SCHEMA: Schema = {
    "ping": {},
    "say": {"text": ((str,), True), "source": ((str,), False)},
    "interim": {"text": ((str,), True)},
    "help": {"raised": ((bool,), True)},
    "avatar_event": {"event": ((str,), True), "seconds": ((int, float), False)},
    "audio_start": {},
    "audio_stop": {},
    "rtc": {
        "kind": ((str,), True),
        "sdp": ((str,), False),
        "candidate": ((dict,), False),
    },
}
RTC_KINDS = ("offer", "answer", "ice", "hangup", "ready")


class BadMessage(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def validate(content: Any, schema: Schema) -> dict[str, Any]:
    if not isinstance(content, dict):
        raise BadMessage("bad_message", "A message must be a JSON object with a type.")
    kind = content.get("type")
    if not isinstance(kind, str):
        raise BadMessage("bad_message", "A message needs a string 'type'.")
    fields = schema.get(kind)
    if fields is None:
        raise BadMessage("unknown_type", f"Unknown message type {kind[:40]!r}.")
    for name, (types, required) in fields.items():
        value = content.get(name)
        if value is None:
            if required:
                raise BadMessage("bad_field", f"{kind}: '{name}' is required.")
            continue
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
            raise BadMessage("bad_field", f"{kind}: '{name}' has the wrong type.")
        if isinstance(value, str):  # no NUL, control characters or lone surrogates downstream
            content[name] = value = clean_text(value)
        elif not isinstance(value, bool | dict) and not sane_number(value):
            raise BadMessage("bad_field", f"{kind}: '{name}' is not a sensible number.")
        if name == "text":
            if not value.strip():
                raise BadMessage("bad_field", f"{kind}: 'text' is empty.")
            if len(value) > MAX_TEXT:
                raise BadMessage("too_long", f"{kind}: 'text' is limited to {MAX_TEXT} characters.")
    return content


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError, AttributeError) as exc:
        raise BadMessage("bad_field", "'room' is not a room id.") from exc


class _Base(AsyncJsonWebsocketConsumer):
    schema: Schema = {}

    def track(self, coro: Coroutine[Any, Any, Any], key: str | None = None) -> asyncio.Task:
        if not hasattr(self, "tasks"):
            self.tasks: dict[str, asyncio.Task] = {}
        if key and key in self.tasks and not self.tasks[key].done():
            self.tasks[key].cancel()
        task = asyncio.get_running_loop().create_task(self._guard(coro))
        self.tasks[key or f"t{id(task)}"] = task
        task.add_done_callback(lambda t: self._forget(t))
        return task

    def _forget(self, task: asyncio.Task) -> None:
        for name, value in list(getattr(self, "tasks", {}).items()):
            if value is task:
                self.tasks.pop(name, None)

    async def _guard(self, coro: Coroutine[Any, Any, Any]) -> None:
        try:
            await coro
        except asyncio.CancelledError:
            raise
        except ValidationError as exc:
            await self.error("invalid", " ".join(exc.messages))
        except Exception:
            logger.exception("%s task failed", type(self).__name__)
            await self.error("server_error", "Something went wrong; please try again.")

    def cancel_tasks(self) -> None:
        for task in list(getattr(self, "tasks", {}).values()):
            task.cancel()

    async def error(self, code: str, message: str) -> None:
        with contextlib.suppress(Exception):  # the socket may already be gone
            await self.send_json({"type": "error", "code": code, "message": message})

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if bytes_data is not None:
            await self.receive_bytes(bytes_data)
            return
        if text_data is None:
            return
        if len(text_data.encode("utf-8", "replace")) > settings.WS_MAX_MESSAGE_BYTES:
            await self.error("too_large", "That message is too large.")
            return
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):
            await self.error("bad_json", "The message is not valid JSON.")
            return
        try:
            message = validate(content, self.schema)
            await self.handle(message)
        except BadMessage as exc:
            await self.error(exc.code, exc.message)
        except ValidationError as exc:
            await self.error("invalid", " ".join(exc.messages))

    async def receive_bytes(self, data: bytes) -> None:
        await self.error("unexpected_binary", "Binary frames are not accepted here.")

    async def handle(self, message: dict[str, Any]) -> None:  # pragma: no cover
        raise NotImplementedError


# --- Monitor -----------------------------------------------------------------------------------


class MonitorConsumer(_Base):
    schema = MONITOR_SCHEMA

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        public_id = self.scope["url_route"]["kwargs"]["public_id"]
        session = await db(class_session_for_owner)(public_id=public_id, user=user)
        if session is None:
            exists = await ClassSession.objects.filter(public_id=public_id).aexists()
            await self.close(code=4403 if exists else 4404)
            return
        self.session = session
        await self.channel_layer.group_add(session.group, self.channel_name)
        await self.accept()
        await self.send_snapshot()
        self._resume_if_needed()

    def _resume_if_needed(self) -> None:
        """The first monitor connection in a process resumes whatever a dead process left;
        a session still starting, live or ending is (re)driven here too (deduplicated per
        process, and every step is claimed in the database, so racing another process is
        safe; a live session with no stuck room costs two queries)."""
        global _resumed_once
        if not _resumed_once:
            _resumed_once = True
            services.spawn("classrooms:resume", services.class_sessions_resume())
        if self.session.status in (
            ClassSession.Status.STARTING,
            ClassSession.Status.LIVE,  # rooms another process left deploying are retried
            ClassSession.Status.ENDING,
        ):
            services.spawn(
                f"classrooms:launch:{self.session.pk}",
                services.class_session_resume(session=self.session),
            )

    async def disconnect(self, code: int) -> None:
        self.cancel_tasks()
        if hasattr(self, "session"):
            await self.channel_layer.group_discard(self.session.group, self.channel_name)

    async def send_snapshot(self) -> None:
        await self.session.arefresh_from_db()
        snapshot = await db(session_snapshot)(session=self.session)
        await self.send_json({"type": "snapshot", **snapshot})

    async def _room(self, value: str) -> BreakoutRoom:
        room = (
            await BreakoutRoom.objects.select_related(
                "avatar_session", "session__course", "session__professor"
            )
            .filter(public_id=_uuid(value), session=self.session)
            .afirst()
        )
        if room is None:
            raise BadMessage("unknown_room", "That room is not in this session.")
        return room

    async def handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "ping":
            await self.send_json({"type": "pong"})
            return
        if kind == "snapshot":
            await self.send_snapshot()
            return
        if kind == "expand":
            room = await self._room(message["room"])
            lines = await db(room_transcript_tail)(room=room)
            await self.send_json(
                {"type": "room_detail", "room": str(room.public_id), "lines": lines}
            )
            return
        await self.session.arefresh_from_db(fields=["status"])
        if kind == "end":
            self.track(self._end(), "end")
            return
        if not self.session.is_open:
            raise BadMessage("session_closed", "This session has ended.")
        if kind == "broadcast":
            count = await services.class_session_broadcast(
                session=self.session, text=message["text"].strip()
            )
            await self.send_json({"type": "ack", "action": "broadcast", "rooms": count})
            return
        room = await self._room(message["room"])
        if kind == "say":
            if room.status != BreakoutRoom.Status.ACTIVE:
                raise BadMessage("room_not_active", "That room's tutor is not running.")
            await services.room_professor_message(room=room, text=message["text"].strip())
        elif kind == "whisper":
            await db(services.room_whisper_set)(room=room, text=message["text"])
        elif kind == "clear_help":
            await db(services.room_help_set)(room=room, raised=False)
        elif kind == "restart":
            if room.status not in (BreakoutRoom.Status.ERROR, BreakoutRoom.Status.ACTIVE):
                raise BadMessage("bad_state", "That room is already starting.")
            self.track(services.breakout_room_restart(room=room), f"restart:{room.pk}")
        await self.send_json({"type": "ack", "action": kind, "room": str(room.public_id)})

    async def _end(self) -> None:
        summary = await services.class_session_end(session=self.session)
        await self.send_json({"type": "ended", "summary": summary})

    # group events
    async def room_update(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "room", "room": event["room"]})

    async def room_line(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "line", "room": event["room_id"], "line": event["line"]})

    async def session_update(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "session", "session": event["session"]})


# --- Room -------------------------------------------------------------------------------------


def _student_view(card: dict[str, Any]) -> dict[str, Any]:
    """What a student may see of the room card (never the professor's whisper)."""
    return {
        "status": card["status"],
        "professor_present": card["professor_present"],
        "avatar_connected": card["avatar"]["connected"],
        "help": card["help"],
    }


class RoomConsumer(_Base):
    schema = ROOM_SCHEMA

    async def connect(self) -> None:
        self.tasks = {}
        self.live: LiveTranscription | None = None
        token = self.scope["url_route"]["kwargs"]["token"]
        room = await db(room_by_token)(token=token)
        if room is None:
            await self.close(code=4404)
            return
        if room.status == BreakoutRoom.Status.COMPLETED or not room.session.is_open:
            await self.close(code=4410)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode())
        self.role = "student"
        if query.get("role", [""])[0] == "professor":
            user = self.scope.get("user")
            if user is None or not user.is_authenticated:
                await self.close(code=4401)
                return
            if room.session.professor.user_id != user.pk:
                await self.close(code=4403)
                return
            self.role = "professor"
        self.room = room
        self.avatar_status = room.avatar_session.status if room.avatar_session else ""
        await self.channel_layer.group_add(room.group, self.channel_name)
        await self.accept()
        if self.role == "professor":
            await db(services.room_presence_set)(room=room, professor=True)
            await self._interrupt_tutor()
        else:
            await db(services.room_presence_set)(room=room, student=True)
            self.span_id = await db(services.room_presence_span_open)(room=room)
        await self.send_snapshot()
        if self.role == "student":
            self.track(services.room_greet(room=room), "greet")
            self.track(self._keep_heartbeat(), "heartbeat")

    async def disconnect(self, code: int) -> None:
        self.cancel_tasks()
        if self.live is not None:
            await self._close_live()
        room = getattr(self, "room", None)
        if room is None:
            return
        await self.channel_layer.group_discard(room.group, self.channel_name)
        try:
            if self.role == "professor":
                await db(services.room_presence_set)(room=room, professor=False)
                await self.channel_layer.group_send(
                    room.group,
                    {"type": "rtc.relay", "from": "professor", "data": {"kind": "hangup"}},
                )
            else:
                await db(services.room_presence_set)(room=room, student=False)
                if getattr(self, "span_id", None):
                    await db(services.room_presence_span_close)(span_id=self.span_id)
        except Exception:
            logger.exception("Presence update failed for room %s", room.pk)

    async def _keep_heartbeat(self) -> None:
        """A student is in the room: its tutor's avatar is in use even while nobody speaks, so
        its heartbeat stays fresh (the reaper ends it only after the student left)."""
        while True:
            await asyncio.sleep(max(0.2, settings.AVATAR_HEARTBEAT_TIMEOUT / 3))
            await db(services.room_avatar_heartbeat)(room_id=self.room.pk)

    async def send_snapshot(self) -> None:
        room = await db(room_with_relations)(pk=self.room.pk)
        self.room = room
        transcriber = get_transcriber()
        avatar = room.avatar_session
        await self.send_json(
            {
                "type": "snapshot",
                "role": self.role,
                "room": {
                    "name": room.name,
                    "status": room.status,
                    "students": [s.name for s in room.students.all()],
                    "professor": room.session.professor.display_name,
                    "course": room.session.course.title,
                    "professor_present": room.professor_present,
                    "help": room.help_requested,
                },
                "avatar": avatar.connection if avatar and avatar.is_live else None,
                "live_audio": bool(transcriber.supports_live_audio),
                "ice_servers": settings.WEBRTC_ICE_SERVERS,
                "lines": await db(room_transcript_tail)(room=room),
            }
        )

    async def _interrupt_tutor(self) -> None:
        self.cancel_reply()
        await self.channel_layer.group_send(self.room.group, {"type": "tutor.interrupt"})
        avatar = self.room.avatar_session
        if avatar is not None and avatar.is_live and avatar.provider_session_id:
            try:
                await avatar_session_interrupt(session=avatar)
            except ProviderError as exc:
                logger.info("Interrupting avatar failed: %s", exc)

    def cancel_reply(self) -> None:
        task = self.tasks.get("reply")
        if task is not None and not task.done():
            task.cancel()

    async def handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "ping":
            await self.send_json({"type": "pong"})
            return
        if kind == "rtc":
            await self._rtc(message)
            return
        if self.role != "student":
            raise BadMessage("not_allowed", "Only the student sends that message.")
        await self.room.arefresh_from_db(fields=["status", "professor_present"])
        if self.room.status == BreakoutRoom.Status.COMPLETED:
            raise BadMessage("room_closed", "This session has ended.")
        if kind == "say":
            source = message.get("source") or "typed"
            source = source if source in ("typed", "voice") else "typed"
            await self._student_said(message["text"].strip(), source)
        elif kind == "interim":
            await self.channel_layer.group_send(
                self.room.group, {"type": "student.interim", "text": message["text"][:MAX_TEXT]}
            )
        elif kind == "help":
            await db(services.room_help_set)(room=self.room, raised=message["raised"])
            await self.send_json({"type": "help", "raised": message["raised"]})
        elif kind == "avatar_event":
            if message["event"] not in ("speak_started", "speak_ended"):
                raise BadMessage("bad_field", "avatar_event: unknown event.")
            seconds = float(message.get("seconds") or 0)
            await db(services.room_avatar_event)(
                room=self.room, event=message["event"], seconds=seconds
            )
        elif kind == "audio_start":
            await self._open_live()
        elif kind == "audio_stop":
            await self._close_live(finalize=True)

    async def _student_said(self, text: str, source: str) -> None:
        await db(services.room_line_add)(
            room=self.room, speaker=RoomTranscriptLine.Speaker.STUDENT, text=text, source=source
        )
        if self.room.status != BreakoutRoom.Status.ACTIVE:
            await self.error("tutor_unavailable", "Your tutor is still starting; hold on a moment.")
            return
        if self.room.professor_present:
            return  # the professor is talking with the student; the tutor stays quiet
        try:  # the link needs no account: the room is what a flood of messages is counted by
            await db(rate_limit_hit)(user_id=f"room-{self.room.public_id}", action="tutor_reply")
        except RateLimited as exc:
            await self.error("rate_limited", f"{exc} Your message is saved for your professor.")
            return
        self.cancel_reply()
        await self.channel_layer.group_send(self.room.group, {"type": "tutor.interrupt"})
        self.track(services.room_tutor_reply(room=self.room, student_text=text), "reply")

    # microphone -> live transcriber
    async def _open_live(self) -> None:
        transcriber = get_transcriber()
        if not transcriber.supports_live_audio:
            raise BadMessage("no_live_audio", "Speech is recognised in your browser here.")
        if self.live is not None:
            return
        try:
            self.live = await transcriber.open_live()
        except ProviderError as exc:
            await self.error("transcriber_unavailable", exc.user_message)
            return
        self.track(self._read_live(self.live), "live")
        await self.send_json({"type": "audio_ready"})

    async def _read_live(self, live: LiveTranscription) -> None:
        pending: list[str] = []
        async for event in live.events():
            if event.kind == "interim" and event.text:
                await self.send_json({"type": "interim", "text": " ".join([*pending, event.text])})
            elif event.kind == "final" and event.text:
                pending.append(event.text)
                if event.speech_final:
                    await self._student_said(" ".join(pending), "voice")
                    pending.clear()
            elif event.kind == "utterance_end" and pending:
                await self._student_said(" ".join(pending), "voice")
                pending.clear()
            elif event.kind in ("closed", "error"):
                if event.kind == "error":
                    await self.error(
                        "transcriber_error", event.message or "Speech recognition stopped."
                    )
                break
        if pending:
            await self._student_said(" ".join(pending), "voice")

    async def _close_live(self, finalize: bool = False) -> None:
        live, self.live = self.live, None
        if live is None:
            return
        try:
            if finalize:
                await live.finalize()
                await asyncio.sleep(0)
            await live.close()
        except ProviderError as exc:
            logger.info("Closing the live transcription failed: %s", exc)

    async def receive_bytes(self, data: bytes) -> None:
        if self.role != "student" or self.live is None:
            await self.error("not_listening", "Send audio_start before audio frames.")
            return
        if len(data) > settings.WS_MAX_AUDIO_CHUNK_BYTES:
            await self.error("too_large", "That audio chunk is too large.")
            return
        try:
            await self.live.send(data)
        except ProviderError as exc:
            await self.error("transcriber_error", exc.user_message)
            await self._close_live()

    # WebRTC signaling: relayed only between the student and the room's professor
    async def _rtc(self, message: dict[str, Any]) -> None:
        kind = message["kind"]
        if kind not in RTC_KINDS:
            raise BadMessage("bad_field", "rtc: unknown kind.")
        data: dict[str, Any] = {"kind": kind}
        if kind in ("offer", "answer"):
            sdp = message.get("sdp")
            if not isinstance(sdp, str) or not sdp.startswith("v=") or len(sdp) > MAX_SDP:
                raise BadMessage("bad_field", "rtc: a valid 'sdp' is required.")
            if (kind == "offer") != (self.role == "professor"):
                raise BadMessage("not_allowed", "rtc: the professor offers, the student answers.")
            data["sdp"] = clean_text(sdp)
        elif kind == "ice":
            candidate = message.get("candidate")
            if not isinstance(candidate, dict):
                raise BadMessage("bad_field", "rtc: 'candidate' is required.")
            text = candidate.get("candidate", "")
            mid = candidate.get("sdpMid")
            index = candidate.get("sdpMLineIndex")
            if (
                not isinstance(text, str)
                or len(text) > MAX_CANDIDATE
                or not (mid is None or (isinstance(mid, str) and len(mid) <= 64))
                or not (index is None or (isinstance(index, int) and 0 <= index < 64))
            ):
                raise BadMessage("bad_field", "rtc: malformed ICE candidate.")
            data["candidate"] = {
                "candidate": clean_text(text),
                "sdpMid": clean_text(mid) if mid else mid,
                "sdpMLineIndex": index,
            }
        await self.channel_layer.group_send(
            self.room.group, {"type": "rtc.relay", "from": self.role, "data": data}
        )

    # group events
    async def rtc_relay(self, event: dict[str, Any]) -> None:
        if event["from"] != self.role:
            await self.send_json({"type": "rtc", **event["data"]})

    async def room_update(self, event: dict[str, Any]) -> None:
        card = event["room"]
        if card["status"] == BreakoutRoom.Status.COMPLETED:
            await self.send_json({"type": "ended"})
            await self.close(code=4410)
            return
        status = card["avatar"]["status"]
        if status != self.avatar_status:
            self.avatar_status = status
            if card["avatar"]["connected"]:
                room = await db(room_with_relations)(pk=self.room.pk)
                self.room = room
                await self.send_json(
                    {"type": "avatar", "connection": room.avatar_session.connection}
                )
        was_present = self.room.professor_present
        self.room.status = card["status"]
        self.room.professor_present = card["professor_present"]
        await self.send_json({"type": "room", "room": _student_view(card)})
        if (
            self.role == "student"
            and was_present
            and not card["professor_present"]
            and card["status"] == BreakoutRoom.Status.ACTIVE
        ):
            self.track(self._tutor_resumes(), "resume")

    async def _tutor_resumes(self) -> None:
        await asyncio.sleep(0.5)
        await self.room.arefresh_from_db(fields=["professor_present", "status"])
        if not self.room.professor_present:
            await self.send_json({"type": "tutor_resumed"})

    async def room_line(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "line", "line": event["line"]})

    async def tutor_say(self, event: dict[str, Any]) -> None:
        if self.role == "student":
            await self.send_json(
                {"type": "tutor_say", "text": event["text"], "task_id": event["task_id"]}
            )

    async def tutor_interrupt(self, event: dict[str, Any]) -> None:
        if self.role == "student":
            await self.send_json({"type": "tutor_interrupt"})

    async def student_interim(self, event: dict[str, Any]) -> None:
        if self.role == "professor":
            await self.send_json({"type": "interim", "text": event["text"]})
