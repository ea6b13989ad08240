"""What the classroom sockets accept (validated by `avatars.voice.messages`)."""

from __future__ import annotations

import uuid
from typing import Any

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


def validate(content: Any, schema: Schema) -> dict[str, Any]:
    """Validate one decoded classroom message (the security fuzz tests call this directly)."""
    return validate_message(content, schema, max_text=MAX_TEXT)


def room_uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError, AttributeError) as exc:
        raise BadMessage("bad_field", "'room' is not a room id.") from exc
