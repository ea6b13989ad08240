"""A fake of the Meeting SDK surface our bot calls (`classrooms.bots.sdk.MeetingSdk`), driven by
the real bot code as tests/fakes drives the vendors' real clients.

`MEETING` is the Zoom side of one test: bots join it by display name; the test plays the host
and the students (`assign`, `speak`, `end`) and reads what each bot sent (`FakeSdk.audio_out`,
`video_out`). Joining succeeds at once and the virtual microphone opens, as the real SDK's
meeting-status and mic-start callbacks would; nothing reaches the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from classrooms.bots.sdk import JoinRequest, SdkEvents


@dataclass
class FakeMeeting:
    bots: dict[str, FakeSdk] = field(default_factory=dict)  # display name -> the bot's SDK
    refuse_joins: str = ""  # a reason: every join fails with it
    history: list[FakeSdk] = field(default_factory=list)

    def reset(self) -> None:
        self.bots.clear()
        self.history.clear()
        self.refuse_joins = ""

    def bot(self, display_name: str) -> FakeSdk:
        return self.bots[display_name]

    def assign(self, display_name: str, room_name: str) -> None:
        """The host puts the bot in a breakout room (the SDK's attendee-rights callback)."""
        sdk = self.bots[display_name]
        sdk.assigned_room = room_name
        assert sdk.events is not None
        sdk.events.assigned(room_name)

    def speak(self, room_name: str, pcm: bytes, rate: int) -> None:
        """Someone talks in a breakout room: every bot in that room hears it in the room's mixed
        audio (the stream the bot listens to)."""
        for sdk in self.bots.values():
            if sdk.room == room_name and sdk.events is not None:
                sdk.events.audio("mixed", pcm, rate)

    def close_rooms(self) -> None:
        for sdk in self.bots.values():
            if sdk.room and sdk.events is not None:
                sdk.room = ""
                sdk.events.returned()

    def end(self) -> None:
        for sdk in list(self.bots.values()):
            if sdk.events is not None:
                sdk.events.removed("the meeting ended")


MEETING = FakeMeeting()


class FakeSdk:
    def __init__(self, meeting: FakeMeeting | None = None) -> None:
        self.meeting = meeting or MEETING
        self.events: SdkEvents | None = None
        self.request: JoinRequest | None = None
        self.assigned_room = ""
        self.room = ""
        self.audio_out: list[tuple[bytes, int]] = []
        self.video_out: list[tuple[int, int, int]] = []  # (bytes, width, height)
        self.left = False
        self.closed = False

    def start(self, events: SdkEvents) -> None:
        self.events = events

    def join(self, request: JoinRequest) -> None:
        assert self.events is not None, "start() comes before join()"
        self.request = request
        self.meeting.history.append(self)
        if self.meeting.refuse_joins:
            self.events.join_failed(self.meeting.refuse_joins)
            return
        self.meeting.bots[request.display_name] = self
        self.events.joined()
        self.events.mic_ready()

    def join_breakout(self) -> None:
        assert self.events is not None, "start() comes before JoinBo"
        assert self.assigned_room, "JoinBo before an assignment"
        self.room = self.assigned_room
        self.events.entered(self.room)

    def send_audio(self, pcm: bytes, rate: int) -> None:
        assert not self.left, "audio after leaving"
        self.audio_out.append((pcm, rate))

    def send_video(self, frame: bytes, width: int, height: int) -> None:
        self.video_out.append((len(frame), width, height))

    def leave(self) -> None:
        self.left = True
        self.room = ""
        if self.request is not None and self.meeting.bots.get(self.request.display_name) is self:
            del self.meeting.bots[self.request.display_name]

    def close(self) -> None:
        self.closed = True
