"""Classroom sockets (protocol: docs/protocol.md). Only handlers live here: validation,
dispatch, close codes and task tracking come from the shared voice engine
(`avatars.voice.consumer`), the student's conversation from `classrooms.live.conversation`.

`/ws/classrooms/<session uuid>/monitor/` (the owning professor): a full snapshot on every
connect (so a reconnect loses nothing), then room and transcript updates pushed by the services;
actions: say, broadcast, whisper, restart, clear help, end.

`/ws/rooms/<join token>/` (the student, no account; or the owning professor with
`?role=professor` to join live): transcript lines, tutor speech, help flag, microphone audio
(binary frames to the live transcriber when it supports it), and WebRTC signalling relayed only
between the student and the professor of that room.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.conf import settings

from avatars.providers.registry import get_transcriber
from avatars.voice.consumer import (
    CLOSE_FORBIDDEN,
    CLOSE_GONE,
    CLOSE_NOT_FOUND,
    CLOSE_UNAUTHENTICATED,
    VoiceConsumer,
)
from avatars.voice.messages import NUMBER, BadMessage, Schema
from avatars.voice.messages import validate as validate_message
from avatars.voice.speaker import vendor_interrupt
from classrooms import services
from classrooms.live.conversation import RoomConversation
from classrooms.live.signalling import rtc_payload
from classrooms.models import BreakoutRoom, ClassSession
from classrooms.selectors import (
    class_session_for_owner,
    room_by_token,
    room_transcript_tail,
    room_with_relations,
    session_snapshot,
)
from config import background

logger = logging.getLogger(__name__)
db = database_sync_to_async

MAX_TEXT = 500
ROOM_ACTIONS = ("room.say", "room.whisper", "room.restart", "room.clear_help")
MONITOR_SCHEMA: Schema = {
    "snapshot": {},
    "ping": {},
    "room.expand": {"room": ((str,), True)},
    "room.say": {"room": ((str,), True), "text": ((str,), True)},
    "session.broadcast": {"text": ((str,), True)},
    "room.whisper": {"room": ((str,), True), "text": ((str,), True)},
    "room.restart": {"room": ((str,), True)},
    "room.clear_help": {"room": ((str,), True)},
    "session.end": {},
}
ROOM_SCHEMA: Schema = {
    "ping": {},
    "turn.text": {"text": ((str,), True)},
    "turn.caption": {"text": ((str,), True), "final": ((bool,), True)},
    "help.set": {"raised": ((bool,), True)},
    "avatar.speak_started": {"task_id": ((str,), False)},
    "avatar.speak_ended": {"task_id": ((str,), False), "duration": (NUMBER, False)},
    "audio.start": {},
    "audio.stop": {},
    "rtc.signal": {"kind": ((str,), True), "sdp": ((str,), False), "candidate": ((dict,), False)},
}


def validate(content: Any, schema: Schema) -> dict[str, Any]:
    """Validate one decoded classroom message (the security fuzz tests call this directly)."""
    return validate_message(content, schema, max_text=MAX_TEXT)


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError, AttributeError) as exc:
        raise BadMessage("bad_field", "'room' is not a room id.") from exc


class MonitorConsumer(VoiceConsumer):
    schema = MONITOR_SCHEMA
    max_text = MAX_TEXT

    async def authorise(self) -> int | None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return CLOSE_UNAUTHENTICATED
        public_id = self.scope["url_route"]["kwargs"]["public_id"]
        session = await db(class_session_for_owner)(public_id=public_id, user=user)
        if session is None:
            exists = await ClassSession.objects.filter(public_id=public_id).aexists()
            return CLOSE_FORBIDDEN if exists else CLOSE_NOT_FOUND
        self.session = session
        return None

    def groups_for(self) -> list[str]:
        return [self.session.group]

    async def connected(self) -> None:
        await self.on_snapshot({})
        if self.session.status in (
            ClassSession.Status.STARTING,
            ClassSession.Status.LIVE,  # rooms another process left deploying are retried
            ClassSession.Status.ENDING,
        ):  # a job of the background registry (deduplicated; every step is claimed in the DB)
            background.spawn("class_session.resume", session_id=self.session.pk)

    async def on_snapshot(self, data: dict[str, Any]) -> None:
        await self.session.arefresh_from_db()
        snapshot = await db(session_snapshot)(session=self.session)
        await self.send_json({"type": "snapshot", **snapshot})

    async def room(self, value: str) -> BreakoutRoom:
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

    async def on_room_expand(self, data: dict[str, Any]) -> None:
        room = await self.room(data["room"])
        lines = await db(room_transcript_tail)(room=room)
        await self.send_json({"type": "room.detail", "room": str(room.public_id), "lines": lines})

    async def on_session_end(self, data: dict[str, Any]) -> None:
        self.tasks.track(self.end(), key="end")

    async def end(self) -> None:
        summary = await services.class_session_end(session=self.session)
        await self.send_json({"type": "session.ended", "summary": summary})

    async def open_session(self) -> None:
        await self.session.arefresh_from_db(fields=["status"])
        if not self.session.is_open:
            raise BadMessage("session_closed", "This session has ended.")

    async def on_session_broadcast(self, data: dict[str, Any]) -> None:
        await self.open_session()
        count = await services.class_session_broadcast(
            session=self.session, text=data["text"].strip()
        )
        await self.send_json({"type": "ack", "action": "session.broadcast", "rooms": count})

    async def room_action(self, data: dict[str, Any]) -> None:
        await self.open_session()
        room = await self.room(data["room"])
        kind = data["type"]
        if kind == "room.say":
            if room.status != BreakoutRoom.Status.ACTIVE:
                raise BadMessage("room_not_active", "That room's tutor is not running.")
            await services.room_professor_message(room=room, text=data["text"].strip())
        elif kind == "room.whisper":
            await db(services.room_whisper_set)(room=room, text=data["text"])
        elif kind == "room.clear_help":
            await db(services.room_help_set)(room=room, raised=False)
        elif kind == "room.restart":
            if room.status not in (BreakoutRoom.Status.ERROR, BreakoutRoom.Status.ACTIVE):
                raise BadMessage("bad_state", "That room is already starting.")
            self.tasks.track(services.breakout_room_restart(room=room), key=f"restart:{room.pk}")
        await self.send_json({"type": "ack", "action": kind, "room": str(room.public_id)})

    on_room_say = on_room_whisper = on_room_clear_help = on_room_restart = room_action

    # group events
    async def room_update(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "room.update", "room": event["room"]})

    async def room_line(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {"type": "transcript.line", "room": event["room_id"], "line": event["line"]}
        )

    async def session_update(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "session.update", "session": event["session"]})


def _student_view(card: dict[str, Any]) -> dict[str, Any]:
    """What a student may see of the room card (never the professor's whisper)."""
    return {
        "status": card["status"],
        "professor_present": card["professor_present"],
        "avatar_connected": card["avatar"]["connected"],
        "help": card["help"],
    }


class RoomConsumer(VoiceConsumer):
    schema = ROOM_SCHEMA
    max_text = MAX_TEXT
    conv: RoomConversation

    async def authorise(self) -> int | None:
        room = await db(room_by_token)(token=self.scope["url_route"]["kwargs"]["token"])
        if room is None:
            return CLOSE_NOT_FOUND
        if room.status == BreakoutRoom.Status.COMPLETED or not room.session.is_open:
            return CLOSE_GONE
        query = parse_qs(self.scope.get("query_string", b"").decode())
        self.role = "student"
        if query.get("role", [""])[0] == "professor":
            user = self.scope.get("user")
            if user is None or not user.is_authenticated:
                return CLOSE_UNAUTHENTICATED
            if room.session.professor.user_id != user.pk:
                return CLOSE_FORBIDDEN
            self.role = "professor"
        self.room = room
        self.avatar_status = room.avatar_session.status if room.avatar_session else ""
        self.conv = RoomConversation(room=room, send=self.send_json, tasks=self.tasks)
        self.conv.channel = self.channel_name
        return None

    def groups_for(self) -> list[str]:
        return [self.room.group]

    async def connected(self) -> None:
        professor = self.role == "professor"
        if professor:
            await db(services.room_presence_set)(room=self.room, professor=True)
        else:
            await db(services.room_presence_set)(room=self.room, student=True)
            self.span_id = await db(services.room_presence_span_open)(room=self.room)
        if professor:  # the tutor falls silent while the professor is in
            await services.room_send(
                self.room, {"type": "tutor.interrupt", "by": self.channel_name}
            )
            await vendor_interrupt(self.room.avatar_session)
        await self.send_snapshot()
        if not professor:
            self.conv.opened()

    async def disconnected(self) -> None:
        await self.conv.closed()
        try:
            if self.role == "professor":
                await db(services.room_presence_set)(room=self.room, professor=False)
                await services.room_send(
                    self.room,
                    {"type": "rtc.relay", "from": "professor", "data": {"kind": "hangup"}},
                )
            else:
                await db(services.room_presence_set)(room=self.room, student=False)
                if getattr(self, "span_id", None):
                    await db(services.room_presence_span_close)(span_id=self.span_id)
        except Exception:
            logger.exception("Presence update failed for room %s", self.room.pk)

    async def send_snapshot(self) -> None:
        room = await db(room_with_relations)(pk=self.room.pk)
        self.room = self.conv.room = room
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
                "live_audio": bool(get_transcriber().supports_live_audio),
                "ice_servers": settings.WEBRTC_ICE_SERVERS,
                "lines": await db(room_transcript_tail)(room=room),
            }
        )

    async def student_only(self) -> None:
        if self.role != "student":
            raise BadMessage("not_allowed", "Only the student sends that message.")
        await self.room.arefresh_from_db(fields=["status", "professor_present"])
        if self.room.status == BreakoutRoom.Status.COMPLETED:
            raise BadMessage("room_closed", "This session has ended.")

    # --- handlers ------------------------------------------------------------------------

    async def on_turn_text(self, data: dict[str, Any]) -> None:
        await self.student_only()
        await self.conv.typed(data["text"].strip())

    async def on_turn_caption(self, data: dict[str, Any]) -> None:
        await self.student_only()
        await self.conv.caption(data["text"].strip(), data["final"])

    async def on_help_set(self, data: dict[str, Any]) -> None:
        await self.student_only()
        await db(services.room_help_set)(room=self.room, raised=data["raised"])
        await self.send_json({"type": "help.state", "raised": data["raised"]})

    async def on_avatar_speak_started(self, data: dict[str, Any]) -> None:
        await self.student_only()
        await self.conv.speak_started(data.get("task_id") or "")

    async def on_avatar_speak_ended(self, data: dict[str, Any]) -> None:
        await self.student_only()
        await self.conv.speak_ended(data.get("task_id") or "", float(data.get("duration") or 0))

    async def on_audio_start(self, data: dict[str, Any]) -> None:
        await self.student_only()
        await self.conv.audio_start()

    async def on_audio_stop(self, data: dict[str, Any]) -> None:
        await self.student_only()
        await self.conv.audio_stop()

    async def on_audio(self, chunk: bytes) -> None:
        if self.role != "student":
            raise BadMessage("not_listening", "Send audio.start before audio frames.")
        self.check_audio_size(chunk)
        await self.conv.audio(chunk)

    async def on_rtc_signal(self, data: dict[str, Any]) -> None:
        payload = rtc_payload(data, role=self.role)
        await services.room_send(
            self.room, {"type": "rtc.relay", "from": self.role, "data": payload}
        )

    # --- group events --------------------------------------------------------------------

    async def rtc_relay(self, event: dict[str, Any]) -> None:
        if event["from"] != self.role:
            await self.send_json({"type": "rtc.signal", **event["data"]})

    async def room_update(self, event: dict[str, Any]) -> None:
        card = event["room"]
        if card["status"] == BreakoutRoom.Status.COMPLETED:
            await self.send_json({"type": "session.ended"})
            await self.close(code=CLOSE_GONE)
            return
        if card["avatar"]["status"] != self.avatar_status:
            self.avatar_status = card["avatar"]["status"]
            if card["avatar"]["connected"]:
                self.room = self.conv.room = await db(room_with_relations)(pk=self.room.pk)
                connection = self.room.avatar_session.connection
                await self.send_json({"type": "avatar.connection", "connection": connection})
        was_present = self.room.professor_present
        self.room.status = card["status"]
        self.room.professor_present = card["professor_present"]
        await self.send_json({"type": "room.update", "room": _student_view(card)})
        if (
            self.role == "student"
            and was_present
            and not card["professor_present"]
            and card["status"] == BreakoutRoom.Status.ACTIVE
        ):
            self.tasks.track(self.tutor_resumes(), key="resume")

    async def tutor_resumes(self) -> None:
        await asyncio.sleep(0.5)
        await self.room.arefresh_from_db(fields=["professor_present", "status"])
        if not self.room.professor_present:
            await self.send_json({"type": "tutor.resumed"})

    async def room_line(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "transcript.line", "line": event["line"]})

    async def tutor_say(self, event: dict[str, Any]) -> None:
        if self.role == "student":
            self.conv.tutor_said(event["task_id"], event["text"], event.get("line"))
            await self.send_json(
                {k: event[k] for k in ("type", "text", "task_id", "timeout") if k in event}
            )

    async def tutor_interrupt(self, event: dict[str, Any]) -> None:
        if self.role == "student":
            if event.get("by") != self.channel_name:
                self.conv.silenced()
            await self.send_json({"type": "tutor.interrupt"})

    async def student_interim(self, event: dict[str, Any]) -> None:
        if self.role == "professor":
            await self.send_json({"type": "caption", "text": event["text"], "final": False})
