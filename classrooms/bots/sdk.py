"""The Meeting SDK surface our bot calls, as a protocol: the real Linux SDK (`zoom_sdk`) and the
fake in tests/fakes/zoom_sdk.py implement it, and the bot (`classrooms.bots.bot`) drives either.

Media formats are Zoom's raw-data formats: audio 16-bit little-endian mono PCM at `PCM_RATE`
both ways (the SDK reports each incoming frame's rate), video out as I420 (YUV 4:2:0 planar)
frames of `VIDEO_WIDTH` x `VIDEO_HEIGHT`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

PCM_RATE = 32_000
PCM_SAMPLE_BYTES = 2
VIDEO_WIDTH = 640
VIDEO_HEIGHT = 360
VIDEO_FPS = 15


def i420_size(width: int, height: int) -> int:
    """Bytes of one I420 frame: a full-size Y plane and quarter-size U and V planes."""
    return width * height * 3 // 2


@dataclass(frozen=True)
class JoinRequest:
    meeting_id: str
    display_name: str
    token: str  # the Meeting SDK JWT (HS256, the SDK key and secret)
    password: str = ""
    obf_token: str = ""  # for a meeting of another account (not issued yet)


class SdkEvents(Protocol):
    """What the SDK tells the bot. The real SDK calls these from its own thread."""

    def joined(self) -> None:
        """In the meeting's main session."""

    def join_failed(self, reason: str) -> None: ...

    def assigned(self, room_name: str) -> None:
        """The host assigned the bot to a breakout room (the SDK's attendee rights)."""

    def entered(self, room_name: str) -> None:
        """The bot is in that breakout room."""

    def returned(self) -> None:
        """Back in the main session (the rooms closed, or the host moved the bot)."""

    def audio(self, participant: str, pcm: bytes, rate: int) -> None:
        """Raw audio heard in the room: `participant` is "mixed" for the room's mixed stream
        (what the bot listens to today), else a participant's id. Never the bot's own voice."""

    def mic_ready(self) -> None:
        """The virtual microphone accepts audio now."""

    def removed(self, reason: str) -> None:
        """The meeting ended or the bot was removed from it."""


class MeetingSdk(Protocol):
    def start(self, events: SdkEvents) -> None:
        """Initialise the SDK (no network needed) and register `events`."""

    def join(self, request: JoinRequest) -> None:
        """Join the main session; `events.joined` or `events.join_failed` follows."""

    def join_breakout(self) -> None:
        """Enter the breakout room the host assigned (after `events.assigned`)."""

    def send_audio(self, pcm: bytes, rate: int) -> None:
        """Raw PCM to the virtual microphone (after `events.mic_ready`)."""

    def send_video(self, frame: bytes, width: int, height: int) -> None:
        """One I420 frame to the external video source."""

    def leave(self) -> None: ...

    def close(self) -> None:
        """Release the SDK (the process ends after this)."""


SdkFactory = Callable[[], MeetingSdk]


def load_sdk() -> MeetingSdk:
    """The adapter MEETING_BOT_SDK names (a dotted path to a class or factory)."""
    factory: SdkFactory = import_string(settings.MEETING_BOT_SDK)
    return factory()
