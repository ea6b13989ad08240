"""One meeting bot, in its own process: it joins the class meeting, waits for the host to assign
it to its breakout room, and there is the room's tutor: the same voice session as a web room
(`avatars.voice.pipeline.VoiceSession` with the room's `TutorResponder` and `ROOM_POLICY`), with
the meeting as its transport. What students say arrives as raw PCM and goes to the live
transcriber; what the tutor says leaves as PCM through the virtual microphone, paced in real
time, and is shared with the room's group (the monitor, and any web page of the same room).

The SDK calls back from its own thread: every callback is handed to the bot's event loop. While
it runs the bot writes its heartbeat; it leaves when its row says `leaving` (the session ended),
and stops writing when the row no longer carries its launch number (the runner gave up on it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone

from avatars.voice.pipeline import VoiceSession
from avatars.voice.tasks import TaskSet
from avatars.voice.transport import SocketTransport
from classrooms.bots.sdk import (
    PCM_RATE,
    PCM_SAMPLE_BYTES,
    VIDEO_HEIGHT,
    VIDEO_WIDTH,
    JoinRequest,
    MeetingSdk,
)
from classrooms.bots.voice import still_frame, tone_speech
from classrooms.live.responder import ROOM_POLICY, ROOM_SHARED, TutorResponder
from classrooms.models import BreakoutRoom, MeetingBot
from classrooms.services.meeting_bots import meeting_bot_heartbeat, meeting_bot_transition
from classrooms.services.rooms import room_avatar_heartbeat
from config.lifecycle import InvalidTransition, record_note

logger = logging.getLogger(__name__)
db = sync_to_async

CHUNK_SECONDS = 0.02  # the microphone takes 20 ms frames
LISTEN_RETRY_SECONDS = 5.0  # after the transcriber would not open, before trying again
Pause = Callable[[float], Awaitable[None]]


def _bot_with_room(bot_id: int) -> MeetingBot:
    return MeetingBot.objects.select_related(
        "room__avatar_session", "room__session__professor"
    ).get(pk=bot_id)


def _join_token(meeting_id: str) -> str:
    """The Meeting SDK JWT for joining as a participant ("" without SDK credentials: the fake
    SDK needs none, the real one refuses to join and the bot fails with Zoom's reason)."""
    if not (settings.ZOOM_SDK_KEY and settings.ZOOM_SDK_SECRET):
        return ""
    from classrooms.meetings.zoom import meeting_sdk_signature

    return meeting_sdk_signature(
        meeting_number=meeting_id,
        role=0,
        sdk_key=settings.ZOOM_SDK_KEY,
        sdk_secret=settings.ZOOM_SDK_SECRET,
    )


class RoomBot:
    """The bot's side of the meeting (`SdkEvents`) and its voice (`send` of a transport)."""

    def __init__(
        self,
        *,
        bot_id: int,
        launch: int,
        sdk: MeetingSdk,
        pause: Pause = asyncio.sleep,
        quiet: Pause = asyncio.sleep,
    ) -> None:
        self.bot_id = bot_id
        self.launch = launch
        self.sdk = sdk
        self.pause = pause  # paces outgoing audio and the heartbeat (tests pass a fast one)
        self.quiet = quiet  # the voice session's settle pause
        self.loop = asyncio.get_running_loop()
        self.inbox: asyncio.Queue[tuple[str, tuple[Any, ...]]] = asyncio.Queue()
        self.tasks = TaskSet(f"bot-{bot_id}")
        self.voice: VoiceSession | None = None
        self.mic_open = False
        self.sent_seconds = 0.0  # of audio sent to the meeting (talk time)
        self.channel = ""
        self.wrong_rate = False
        self.listen_retry_at = 0.0

    # --- SdkEvents: called from the SDK's thread, handed to the loop ---------------------------

    def _post(self, kind: str, *args: Any) -> None:
        self.loop.call_soon_threadsafe(self.inbox.put_nowait, (kind, args))

    def joined(self) -> None:
        self._post("joined")

    def join_failed(self, reason: str) -> None:
        self._post("join_failed", reason)

    def assigned(self, room_name: str) -> None:
        self._post("assigned", room_name)

    def entered(self, room_name: str) -> None:
        self._post("entered", room_name)

    def returned(self) -> None:
        self._post("returned")

    def audio(self, participant: str, pcm: bytes, rate: int) -> None:
        self._post("audio", participant, pcm, rate)

    def mic_ready(self) -> None:
        self._post("mic_ready")

    def removed(self, reason: str) -> None:
        self._post("removed", reason)

    # --- the run -------------------------------------------------------------------------------

    async def run(self) -> str:
        """Join, serve the room, leave. Returns the bot's final status (or "" when the row was
        taken from this launch)."""
        bot = await db(_bot_with_room)(self.bot_id)
        self.bot, self.room = bot, bot.room
        if not await self._move(MeetingBot.Status.JOINING, "joining the meeting"):
            return ""
        try:
            self.sdk.start(self)
            self.sdk.join(
                JoinRequest(
                    meeting_id=self.room.session.meeting_id,
                    display_name=bot.display_name,
                    token=_join_token(self.room.session.meeting_id),
                )
            )
            self.tasks.track(self._heartbeat(), key="heartbeat")
            return await self._serve()
        except asyncio.CancelledError:
            # The runner is stopping (SIGTERM): leave, and let another runner take the bot.
            await self._leave_meeting()
            with contextlib.suppress(InvalidTransition):
                await self._move(MeetingBot.Status.REQUESTED, "its runner stopped")
            raise
        finally:
            await self._close_room()
            await self.tasks.cancel_all()
            with contextlib.suppress(Exception):
                self.sdk.close()

    async def _serve(self) -> str:
        while True:
            kind, args = await self.inbox.get()
            if kind == "joined":
                await self._move(
                    MeetingBot.Status.WAITING_FOR_ROOM,
                    "in the main session",
                    fields={"joined_at": self.bot.joined_at or timezone.now()},
                )
            elif kind == "join_failed":
                await self._move(MeetingBot.Status.FAILED, args[0], fields=self._ended(args[0]))
                return MeetingBot.Status.FAILED
            elif kind == "assigned":
                await self._assigned(args[0])
            elif kind == "entered":
                await self._entered()
            elif kind == "returned":
                await self._close_room()
                await self._move(MeetingBot.Status.WAITING_FOR_ROOM, "back in the main session")
            elif kind == "audio":
                await self._heard(*args)
            elif kind == "mic_ready":
                self.mic_open = True
            elif kind in ("removed", "leave"):
                await self._leave_meeting()
                await self._move(MeetingBot.Status.LEAVING, args[0])
                await self._move(MeetingBot.Status.ENDED, args[0], fields=self._ended(""))
                return MeetingBot.Status.ENDED
            elif kind == "fenced":
                return ""

    async def _heard(self, participant: str, pcm: bytes, rate: int) -> None:
        if self.voice is None:
            return
        if rate != PCM_RATE:  # the transcriber was told PCM_RATE: other audio would be noise
            if not self.wrong_rate:
                logger.warning("bot %s: audio at %s Hz, expected %s", self.bot_id, rate, PCM_RATE)
            self.wrong_rate = True
            return
        voice = self.voice
        if not voice.listener.is_open and time.monotonic() < self.listen_retry_at:
            return  # the transcriber would not open: audio arrives 100 times a second
        await voice.audio(pcm)
        if not voice.listener.is_open:
            self.listen_retry_at = time.monotonic() + LISTEN_RETRY_SECONDS

    async def _assigned(self, room_name: str) -> None:
        if room_name.strip() != self.room.name.strip():
            # Never tutor the wrong room: stay in the main session and say so on the monitor.
            message = f'Assigned to "{room_name}" in Zoom; assign it to "{self.room.name}".'
            await db(record_note)(self.bot, message)
            await db(type(self.bot).objects.filter(pk=self.bot_id).update)(error=message)
            return
        self.sdk.join_breakout()

    async def _entered(self) -> None:
        if not await self._move(MeetingBot.Status.IN_ROOM, "entered its breakout room"):
            return
        await db(type(self.bot).objects.filter(pk=self.bot_id).update)(error="")
        layer = get_channel_layer()
        self.channel = await layer.new_channel() if layer is not None else ""
        transport = SocketTransport(
            self.say, layer, self.room.group, self.channel or f"bot-{self.bot_id}", ROOM_SHARED
        )
        self.transport = transport
        self.voice = VoiceSession(
            transport=transport,
            responder=TutorResponder(room=self.room, send=self.say),
            policy=ROOM_POLICY,
            tasks=self.tasks,
            conversation=str(self.room.public_id),
            avatar=lambda: self.room.avatar_session,
            quiet=self.quiet,
            pcm_rate=PCM_RATE,
        )
        self.voice.wants_audio = (
            True  # an open microphone: the transcriber's end of turn ends turns
        )
        self.sdk.send_video(still_frame(VIDEO_WIDTH, VIDEO_HEIGHT), VIDEO_WIDTH, VIDEO_HEIGHT)
        if layer is not None and self.channel:
            await layer.group_add(self.room.group, self.channel)
            self.tasks.track(self._group_events(layer), key="group")
        self.tasks.track(self.voice.greet(), key="greet")

    async def _close_room(self) -> None:
        voice, self.voice = self.voice, None
        self.tasks.cancel("speech")
        self.tasks.cancel("group")
        if voice is not None:
            await voice.close()
        layer = get_channel_layer()
        if layer is not None and self.channel:
            with contextlib.suppress(Exception):
                await layer.group_discard(self.room.group, self.channel)
        self.channel = ""

    # --- the tutor's voice: what the pipeline sends this "page" -------------------------------

    async def say(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind == "tutor.say":
            self.tasks.track(self._speak(str(frame["text"]), str(frame["task_id"])), key="speech")
        elif kind == "tutor.interrupt":
            self.tasks.cancel("speech")
        elif kind == "error":
            logger.info("bot %s: %s", self.bot_id, frame.get("message"))

    async def _speak(self, text: str, task_id: str) -> None:
        """Send the utterance's audio in real time, then tell the session it was said (as a
        page reports `avatar.speak_ended`)."""
        voice = self.voice
        if voice is None:
            return
        pcm = tone_speech(text, PCM_RATE)
        chunk = int(PCM_RATE * CHUNK_SECONDS) * PCM_SAMPLE_BYTES
        await voice.speak_started(task_id)
        start = time.monotonic()
        for offset in range(0, len(pcm), chunk):
            if self.mic_open:
                self.sdk.send_audio(pcm[offset : offset + chunk], PCM_RATE)
            await self.pause(CHUNK_SECONDS)
        seconds = len(pcm) / (PCM_RATE * PCM_SAMPLE_BYTES)
        self.sent_seconds += seconds
        logger.debug("bot %s said %.1f s in %.1f s", self.bot_id, seconds, time.monotonic() - start)
        await voice.speak_ended(task_id, seconds)

    async def _group_events(self, layer: Any) -> None:
        """The room's group: the professor's words and other pages' replies are said here
        too; a completed room (the session ended) sends the bot out."""
        while True:
            event = await layer.receive(self.channel)
            voice = self.voice
            if voice is None:
                return
            kind = event.get("type")
            if kind == "tutor.say" and not self.transport.from_here(event):
                voice.mirror(event)
                self.tasks.track(
                    self._speak(str(event["text"]), str(event["task_id"])), key="speech"
                )
            elif kind == "tutor.interrupt" and not self.transport.from_here(event):
                voice.silenced()
                self.tasks.cancel("speech")
            elif kind == "room.update" and event["room"]["status"] == BreakoutRoom.Status.COMPLETED:
                self.inbox.put_nowait(("leave", ("the session ended",)))

    # --- heartbeat and state ------------------------------------------------------------------

    async def _heartbeat(self) -> None:
        while True:
            status = await db(meeting_bot_heartbeat)(bot_id=self.bot_id, launch=self.launch)
            if status is None:
                self.inbox.put_nowait(("fenced", ()))
                return
            if status == MeetingBot.Status.LEAVING:
                self.inbox.put_nowait(("leave", ("the session ended",)))
                return
            if self.voice is not None:  # the avatar is in use, as a web page keeps it
                await db(room_avatar_heartbeat)(room_id=self.room.pk)
            await self.pause(settings.MEETING_BOT_HEARTBEAT_INTERVAL)

    async def _leave_meeting(self) -> None:
        await self._close_room()
        with contextlib.suppress(Exception):
            self.sdk.leave()

    async def _move(self, to: str, reason: str, fields: dict[str, Any] | None = None) -> bool:
        try:
            return await db(meeting_bot_transition)(
                bot=self.bot, to=to, reason=reason, fields=fields, launch=self.launch
            )
        except InvalidTransition:
            logger.info("bot %s: cannot move to %s (%s)", self.bot_id, to, reason)
            return False

    @staticmethod
    def _ended(error: str) -> dict[str, Any]:
        return {"ended_at": timezone.now(), "pid": None, "error": error}


async def meeting_bot_run(*, bot_id: int, launch: int, sdk: MeetingSdk) -> str:
    """Run one bot to its end in this process (what `run_meeting_bots --bot` does)."""
    return await RoomBot(bot_id=bot_id, launch=launch, sdk=sdk).run()
