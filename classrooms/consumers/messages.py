"""What the classroom sockets accept (validated by `avatars.voice.messages`)."""

from __future__ import annotations

import uuid
from typing import Any

from avatars.voice.consumer import BINARY, RateKind
from avatars.voice.messages import NUMBER, BadMessage, Schema
from avatars.voice.messages import validate as validate_message

MAX_TEXT = 500
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


def _caption_kind(data: dict[str, Any]) -> str:
    return "line" if data.get("final") else "caption"


#: The socket limit each message counts against (settings.SOCKET_RATE_LIMITS); ping is free.
ROOM_RATES: dict[str, RateKind] = {
    "turn.text": "line",
    "turn.caption": _caption_kind,
    "help.set": "action",
    "avatar.speak_started": "action",
    "avatar.speak_ended": "action",
    "audio.start": "action",
    "audio.stop": "action",
    "rtc.signal": "signal",
    BINARY: "audio",
}
MONITOR_RATES: dict[str, RateKind] = {
    "snapshot": "action",
    "room.expand": "action",
    "room.say": "professor",
    "session.broadcast": "professor",
    "room.whisper": "professor",
    "room.restart": "professor",
    "room.clear_help": "professor",
    "session.end": "professor",
}


def validate(content: Any, schema: Schema) -> dict[str, Any]:
    """Validate one decoded classroom message (the security fuzz tests call this directly)."""
    return validate_message(content, schema, max_text=MAX_TEXT)


def room_uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError, AttributeError) as exc:
        raise BadMessage("bad_field", "'room' is not a room id.") from exc
