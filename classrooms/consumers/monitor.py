"""`/ws/classrooms/<session uuid>/monitor/` (the owning professor): a full snapshot on every
connect (so a reconnect loses nothing), then room and transcript updates pushed by the services;
actions: say, broadcast, whisper, restart, clear help, end."""

from __future__ import annotations

import logging
from typing import Any

from channels.db import database_sync_to_async

from avatars.voice.consumer import (
    CLOSE_FORBIDDEN,
    CLOSE_NOT_FOUND,
    CLOSE_UNAUTHENTICATED,
    VoiceConsumer,
)
from avatars.voice.messages import BadMessage
from classrooms import services
from classrooms.consumers.messages import MAX_TEXT, MONITOR_RATES, MONITOR_SCHEMA, room_uuid
from classrooms.models import BreakoutRoom, ClassSession
from classrooms.selectors import class_session_for_owner, room_transcript_tail, session_snapshot
from config import background
from config.errors import Conflict

logger = logging.getLogger(__name__)
db = database_sync_to_async


# What the professor reads when an action went through (the ack's `message`).
ACK_MESSAGES = {
    "room.say": "The tutor in {room} is saying it.",
    "room.whisper": "The tutor in {room} has your instruction.",
    "room.clear_help": "Help request in {room} cleared.",
    "room.restart": "Restarting the avatar in {room}.",
}


class MonitorConsumer(VoiceConsumer):
    schema = MONITOR_SCHEMA
    rate_limits = MONITOR_RATES
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
        self.rate_scope = f"session-{session.public_id}"
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
            .filter(public_id=room_uuid(value), session=self.session)
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
        rooms = f"{count} room{'' if count == 1 else 's'}"
        await self.send_json(
            {
                "type": "ack",
                "action": "session.broadcast",
                "rooms": count,
                "message": f"Sent to {rooms}.",
            }
        )

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
            try:
                old_avatar_id = await db(services.breakout_room_restart_begin)(room=room)
            except Conflict as exc:
                raise BadMessage("bad_state", exc.message) from exc
            # The registry runs it, not this socket: closing the monitor must not cancel it.
            background.spawn("breakout_room.restart", room_id=room.pk, old_avatar_id=old_avatar_id)
        message = ACK_MESSAGES[kind].format(room=room.name)
        await self.send_json(
            {"type": "ack", "action": kind, "room": str(room.public_id), "message": message}
        )

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
