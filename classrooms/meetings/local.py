"""In-app rooms: nothing to call; each room is one of our own pages with an unguessable link."""

from __future__ import annotations

import secrets

from classrooms.meetings.base import MeetingInfo, MeetingRoom, RoomSpec


class LocalMeetingProvider:
    name = "local"

    async def create_meeting(
        self, *, topic: str, host: str, rooms: list[RoomSpec], duration_minutes: int
    ) -> MeetingInfo:
        meeting_id = f"local-{secrets.token_hex(6)}"
        return MeetingInfo(
            provider=self.name,
            meeting_id=meeting_id,
            rooms=tuple(
                MeetingRoom(name=room.name, room_id=f"{meeting_id}-{i + 1}")
                for i, room in enumerate(rooms)
            ),
        )

    async def end_meeting(self, *, meeting_id: str) -> None:
        return None
