"""The meeting-provider interface: create a meeting with its breakout rooms, end it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class RoomSpec:
    """A breakout room to create: its name and the emails of students pre-assigned to it."""

    name: str
    emails: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeetingRoom:
    name: str
    room_id: str = ""


@dataclass(frozen=True)
class MeetingInfo:
    provider: str
    meeting_id: str
    uuid: str = ""
    join_url: str = ""
    start_url: str = ""
    rooms: tuple[MeetingRoom, ...] = field(default_factory=tuple)


@runtime_checkable
class MeetingProvider(Protocol):
    name: str

    async def create_meeting(
        self, *, topic: str, host: str, rooms: list[RoomSpec], duration_minutes: int
    ) -> MeetingInfo:
        """Create the meeting and its (pre-assigned) breakout rooms. Raises ProviderError."""
        ...

    async def end_meeting(self, *, meeting_id: str) -> None:
        """End the meeting for everyone. Idempotent: an unknown or ended meeting is success."""
        ...
