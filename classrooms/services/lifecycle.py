"""Status moves for class sessions and rooms, and what the monitor and rooms are told about them."""

from __future__ import annotations

from typing import Any

from channels.layers import get_channel_layer

from classrooms.models import (
    BreakoutRoom,
    ClassSession,
)
from classrooms.selectors import (
    room_card,
    room_with_relations,
    session_card,
)
from config.lifecycle import transition
from config.realtime import broadcast_on_commit

# --- Transitions and broadcasting ----------------------------------------------------------


def class_session_transition(
    *, session: ClassSession, to: str, reason: str = "", fields: dict | None = None
) -> bool:
    moved = transition(
        session,
        to,
        reason=reason,
        fields=fields,
    )
    if moved:
        publish_session(session)
    return moved


def breakout_room_transition(
    *, room: BreakoutRoom, to: str, reason: str = "", fields: dict | None = None
) -> bool:
    moved = transition(
        room,
        to,
        reason=reason,
        fields=fields,
    )
    if moved:
        publish_room(room_id=room.pk)
    return moved


def publish_room(*, room_id: int) -> None:
    """Send the room's fresh card to the monitor group and its own room group."""
    room = room_with_relations(pk=room_id)
    card = room_card(room)
    broadcast_on_commit(room.session.group, {"type": "room.update", "room": card})
    broadcast_on_commit(room.group, {"type": "room.update", "room": card})


def publish_session(session: ClassSession) -> None:
    session.refresh_from_db()
    broadcast_on_commit(session.group, {"type": "session.update", "session": session_card(session)})


async def room_send(room: BreakoutRoom, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(room.group, message)
