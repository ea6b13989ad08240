"""Zoom webhook events applied to rooms (presence from participant events)."""

from __future__ import annotations

from typing import Any

from classrooms.models import (
    BreakoutRoom,
    ClassSession,
)

# --- Zoom webhooks ------------------------------------------------------------------------------
from classrooms.services.rooms import room_presence_set


def zoom_event_apply(*, event: dict[str, Any]) -> int:
    """Apply a verified Zoom webhook: breakout-room joins and leaves update room presence.
    Returns the number of rooms changed."""
    name = event.get("event", "")
    payload = event.get("payload")
    obj = payload.get("object") if isinstance(payload, dict) else None
    obj = obj if isinstance(obj, dict) else {}  # a signed body can still have any shape
    participant = obj.get("participant")
    participant = participant if isinstance(participant, dict) else {}
    joined = name == "meeting.participant_joined_breakout_room"
    left = name == "meeting.participant_left_breakout_room"
    if not (joined or left):
        return 0
    meeting_id = str(obj.get("id", ""))
    room_uuid = str(obj.get("breakout_room_uuid", ""))
    email = str(participant.get("email", "")).lower()
    rooms = BreakoutRoom.objects.filter(
        session__meeting_id=meeting_id,
        session__status__in=[ClassSession.Status.STARTING, ClassSession.Status.LIVE],
    )
    room = None
    if room_uuid:
        room = rooms.filter(meeting_room_id=room_uuid).first()
    if room is None and email:
        room = rooms.filter(students__email__iexact=email).first()
        if room is not None and room_uuid and not room.meeting_room_id:
            BreakoutRoom.objects.filter(pk=room.pk).update(meeting_room_id=room_uuid)
    if room is None:
        return 0
    room_presence_set(room=room, student=joined)
    return 1
