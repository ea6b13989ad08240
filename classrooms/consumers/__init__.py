"""Classroom sockets (protocol: docs/protocol.md), on the shared voice engine
(`avatars.voice.consumer`): only handlers live here.

`/ws/classrooms/<session uuid>/monitor/` (the owning professor): `monitor.MonitorConsumer`.
`/ws/rooms/<join token>/` (the student, no account; or the owning professor with
`?role=professor` to join live): `room.RoomConsumer`.
"""

from classrooms.consumers.messages import MAX_TEXT, MONITOR_SCHEMA, ROOM_SCHEMA, validate
from classrooms.consumers.monitor import MonitorConsumer
from classrooms.consumers.room import RoomConsumer

__all__ = [
    "MAX_TEXT",
    "MONITOR_SCHEMA",
    "ROOM_SCHEMA",
    "MonitorConsumer",
    "RoomConsumer",
    "validate",
]
