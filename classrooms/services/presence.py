"""Presence spans: each stretch of time a student had their room open (minutes in the room)."""

from __future__ import annotations

from django.utils import timezone

from classrooms.models import BreakoutRoom, RoomPresenceSpan


def room_presence_span_open(*, room: BreakoutRoom) -> int:
    """A student's room socket connected: open a span; returns its id for the close."""
    return RoomPresenceSpan.objects.create(room=room, started_at=timezone.now()).pk


def room_presence_span_close(*, span_id: int) -> bool:
    """The socket went away: close its span (once; a span closed already stays as it was)."""
    return bool(
        RoomPresenceSpan.objects.filter(pk=span_id, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
    )
