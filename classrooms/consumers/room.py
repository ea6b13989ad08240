"""`/ws/rooms/<join token>/` (the student, no account; or the owning professor with
`?role=professor` to join live): transcript lines, tutor speech, help flag, microphone audio
(binary frames to the live transcriber when it supports it), and WebRTC signalling relayed only
between the student and the professor of that room. The student's conversation is a voice
session (`avatars.voice.pipeline`) with the tutor as its responder
(`classrooms.live.responder`)."""

from __future__ import annotations

import asyncio
import logging
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
from avatars.voice.messages import BadMessage
from avatars.voice.pipeline import VoiceSession
from avatars.voice.presence import keep_present
from avatars.voice.speaker import vendor_interrupt
from avatars.voice.transport import SocketTransport
from classrooms import services
from classrooms.consumers.messages import MAX_TEXT, ROOM_RATES, ROOM_SCHEMA
from classrooms.live.responder import ROOM_POLICY, ROOM_SHARED, TutorResponder
from classrooms.live.signalling import rtc_payload
from classrooms.models import BreakoutRoom
from classrooms.selectors import room_by_token, room_transcript_tail, room_with_relations

logger = logging.getLogger(__name__)
db = database_sync_to_async

FINALIZE_WAIT_SECONDS = 3.0
RESUME_SETTLE_SECONDS = 0.5


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
    rate_limits = ROOM_RATES
    max_text = MAX_TEXT
    voice: VoiceSession

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
        self.rate_scope = f"room-{room.public_id}"
        # What this page was last shown of the room (to notice what changed), not the room's
        # state: handlers and services read that from the database.
        self.shown = {
            "avatar": room.avatar_session.status if room.avatar_session else "",
            "status": room.status,
            "professor_present": room.professor_present,
        }
        self.transport = SocketTransport(
            self.send_json, self.channel_layer, room.group, self.channel_name, ROOM_SHARED
        )
        self.voice = VoiceSession(
            transport=self.transport,
            responder=TutorResponder(room=room, send=self.send_json),
            policy=ROOM_POLICY,
            tasks=self.tasks,
            conversation=str(room.public_id),
            avatar=lambda: self.room.avatar_session,
        )
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
            await self.transport.share("interrupt", {})
            await vendor_interrupt(self.room.avatar_session)
        await self.send_snapshot()
        if not professor:
            self.tasks.track(self.voice.greet(), key="greet")
            self.tasks.track(keep_present(self.heartbeat), key="presence")

    async def heartbeat(self) -> None:
        await db(services.room_avatar_heartbeat)(room_id=self.room.pk)

    async def disconnected(self) -> None:
        await self.voice.close()
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
        self.room.avatar_session = room.avatar_session
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
        status = (
            await BreakoutRoom.objects.filter(pk=self.room.pk)
            .values_list("status", flat=True)
            .aget()
        )
        if status == BreakoutRoom.Status.COMPLETED:
            raise BadMessage("room_closed", "This session has ended.")

    # --- handlers ------------------------------------------------------------------------

    async def on_turn_text(self, data: dict[str, Any]) -> None:
        await self.student_only()
        await self.voice.user_said(data["text"].strip(), "typed")

    async def on_turn_caption(self, data: dict[str, Any]) -> None:
        await self.student_only()
        await self.voice.caption(data["text"].strip(), data["final"])

    async def on_help_set(self, data: dict[str, Any]) -> None:
        await self.student_only()
        await db(services.room_help_set)(room=self.room, raised=data["raised"])
        await self.send_json({"type": "help.state", "raised": data["raised"]})

    async def on_avatar_speak_started(self, data: dict[str, Any]) -> None:
        await self.student_only()
        await self.voice.speak_started(data.get("task_id") or "")

    async def on_avatar_speak_ended(self, data: dict[str, Any]) -> None:
        await self.student_only()
        await self.voice.speak_ended(data.get("task_id") or "", float(data.get("duration") or 0))

    async def on_audio_start(self, data: dict[str, Any]) -> None:
        await self.student_only()
        if not self.voice.listener.available():
            raise BadMessage("no_live_audio", "Speech is recognised in your browser here.")
        if await self.voice.listen():
            await self.send_json({"type": "audio.ready"})

    async def on_audio_stop(self, data: dict[str, Any]) -> None:
        await self.student_only()
        await self.voice.stop_listening(wait=FINALIZE_WAIT_SECONDS)

    async def on_audio(self, chunk: bytes) -> None:
        if self.role != "student":
            raise BadMessage("not_listening", "Send audio.start before audio frames.")
        self.check_audio_size(chunk)
        if not await self.voice.audio(chunk):
            raise BadMessage("not_listening", "Send audio.start before audio frames.")

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
        shown = self.shown
        if card["status"] == BreakoutRoom.Status.COMPLETED:
            await self.send_json({"type": "session.ended"})
            await self.close(code=CLOSE_GONE)
            return
        if card["avatar"]["status"] != shown["avatar"] and card["avatar"]["connected"]:
            room = await db(room_with_relations)(pk=self.room.pk)
            self.room.avatar_session = room.avatar_session
            if room.avatar_session is not None:
                connection = room.avatar_session.connection
                await self.send_json({"type": "avatar.connection", "connection": connection})
        active = card["status"] == BreakoutRoom.Status.ACTIVE
        professor_left = shown["professor_present"] and not card["professor_present"]
        became_active = shown["status"] != BreakoutRoom.Status.ACTIVE and active
        self.shown = {
            "avatar": card["avatar"]["status"],
            "status": card["status"],
            "professor_present": card["professor_present"],
        }
        await self.send_json({"type": "room.update", "room": _student_view(card)})
        if self.role != "student":
            return
        if professor_left and active:
            self.tasks.track(self.tutor_resumes(), key="resume")
        if became_active:
            # The student arrived before the tutor (a prepared or still deploying session):
            # as soon as it is up, the tutor answers what they said meanwhile, or says hello.
            self.tasks.track(self.voice.catch_up(), key="greet")

    async def tutor_resumes(self) -> None:
        await asyncio.sleep(RESUME_SETTLE_SECONDS)  # a professor's reconnect is not a leave
        present = (
            await BreakoutRoom.objects.filter(pk=self.room.pk)
            .values_list("professor_present", flat=True)
            .aget()
        )
        if not present:
            await self.send_json({"type": "tutor.resumed"})

    async def room_line(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "transcript.line", "line": event["line"]})

    async def tutor_say(self, event: dict[str, Any]) -> None:
        """Another page's reply, a greeting or the professor's words: this page says it too."""
        if self.role == "student" and not self.transport.from_here(event):
            self.voice.mirror(event)
            await self.send_json(
                {k: event[k] for k in ("type", "text", "task_id", "timeout", "line") if k in event}
            )

    async def tutor_interrupt(self, event: dict[str, Any]) -> None:
        if self.role == "student" and not self.transport.from_here(event):
            self.voice.silenced()
            await self.send_json({"type": "tutor.interrupt"})

    async def student_interim(self, event: dict[str, Any]) -> None:
        if self.role == "professor":
            await self.send_json({"type": "caption", "text": event["text"], "final": False})
