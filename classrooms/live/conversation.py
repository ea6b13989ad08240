"""The student's side of a tutor room on one socket: listening, turns, barge-in, replies.

A student can just talk: the transcriber's end of utterance (Deepgram `speech_final` or
`UtteranceEnd`; on the in-browser path, the recognition's final result) ends the student's turn
and the tutor answers. Push-to-talk and typing end a turn too. A student speaking over the tutor
(speech started, interim words, a new message) is a barge-in: the reply's model stream is
cancelled, the vendor avatar is interrupted (not only the page), and the tutor lines that were
cut off are saved as interrupted. Each turn's timings are saved (`avatars.VoiceTurn`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from channels.db import database_sync_to_async

from avatars.models import VoiceTurn
from avatars.providers.base import TranscriptEvent
from avatars.voice.listener import Listener, ListenerHooks
from avatars.voice.messages import BadMessage, error_frame
from avatars.voice.presence import keep_present
from avatars.voice.speaker import Speaker
from avatars.voice.tasks import TaskSet
from avatars.voice.timings import TurnClock, voice_turn_record
from classrooms import services
from classrooms.models import BreakoutRoom, RoomTranscriptLine
from classrooms.selectors import room_unanswered_student_text
from config.ratelimit import RateLimited, rate_limit_hit

logger = logging.getLogger(__name__)
db = database_sync_to_async

FINALIZE_WAIT_SECONDS = 3.0
MAX_INTERIM_CHARS = 500

Send = Callable[[dict[str, Any]], Awaitable[None]]


class RoomConversation:
    def __init__(self, *, room: BreakoutRoom, send: Send, tasks: TaskSet) -> None:
        self.room = room
        self.send = send
        self.tasks = tasks
        self.channel = ""  # this socket's channel: its own interrupts are not news to it
        self.clock: TurnClock | None = None
        self.heard: list[str] = []  # finals of the utterance in progress
        self.wants_audio = False  # the student pressed Talk: audio (re)opens the transcriber
        self.saying: dict[str, int] = {}  # speech task id -> the tutor line it says
        self.speaker = Speaker(
            tasks,
            session=lambda: self.room.avatar_session,
            deliver=self.deliver,
            on_idle=self.record_turn,
            frame_type="tutor.say",
        )
        self.listener = Listener(
            ListenerHooks(
                on_interim=self.heard_interim,
                on_final=self.heard_final,
                on_failure=self.send_error,
                on_end_of_turn=self.end_of_turn,
                on_speech_started=self.speech_started,
                on_stream_end=self.end_of_turn,
            ),
            tasks,
            failure_code="transcriber_failed",
        )

    async def send_error(self, code: str, message: str) -> None:
        await self.send(error_frame(code, message))

    async def deliver(self, frame: dict[str, Any]) -> None:
        await services.room_send(self.room, frame)  # every page in the room says it

    # --- the socket opens and closes -----------------------------------------------------

    def opened(self) -> None:
        self.tasks.track(services.room_greet(room=self.room), key="greet")
        self.tasks.track(keep_present(self.heartbeat), key="presence")

    async def heartbeat(self) -> None:
        await db(services.room_avatar_heartbeat)(room_id=self.room.pk)

    async def closed(self) -> None:
        await self.listener.close()
        if self.heard:  # the student's last words are saved even when nobody will answer
            text, self.heard = " ".join(self.heard), []
            await db(services.room_line_add)(
                room=self.room,
                speaker=RoomTranscriptLine.Speaker.STUDENT,
                text=text,
                source="voice",
            )
        await self.record_turn()

    # --- what the student says -----------------------------------------------------------

    async def typed(self, text: str) -> None:
        await self.student_said(text, "typed")

    async def caption(self, text: str, final: bool) -> None:
        """The browser's own recognition: a final result ends the turn."""
        if final:
            await self.student_said(text, "voice")
            return
        await self.barge_in()
        await self.relay_interim(text)

    async def audio_start(self) -> None:
        if not self.listener.available():
            raise BadMessage("no_live_audio", "Speech is recognised in your browser here.")
        await self.barge_in()
        self.wants_audio = True
        if await self.listener.open():
            await self.send({"type": "audio.ready"})

    async def audio_stop(self) -> None:
        """Push-to-talk released: flush what the transcriber holds; that ends the turn."""
        self.wants_audio = False
        await self.listener.finish(wait=FINALIZE_WAIT_SECONDS)
        await self.end_of_turn()

    async def audio(self, chunk: bytes) -> None:
        if not self.listener.is_open:
            if not self.wants_audio:
                raise BadMessage("not_listening", "Send audio.start before audio frames.")
            if not await self.listener.open():  # the stream failed earlier: try again
                return
        await self.listener.send(chunk)

    async def heard_interim(self, text: str) -> None:
        await self.barge_in()
        await self.send({"type": "caption", "text": " ".join([*self.heard, text]), "final": False})
        await self.relay_interim(text)

    async def relay_interim(self, text: str) -> None:
        await services.room_send(
            self.room, {"type": "student.interim", "text": text[:MAX_INTERIM_CHARS]}
        )

    async def heard_final(self, event: TranscriptEvent) -> None:
        self.heard.append(event.text.strip())  # saved as one line when the utterance ends

    async def speech_started(self) -> None:
        await self.barge_in()

    async def end_of_turn(self) -> None:
        if self.heard:
            text, self.heard = " ".join(self.heard), []
            await self.student_said(text, "voice")

    async def student_said(self, text: str, source: str) -> None:
        """Save the student's line first, then (when the tutor may answer) start its reply."""
        clock = TurnClock(
            kind=VoiceTurn.Kind.ROOM,
            conversation=str(self.room.public_id),
            avatar_provider=self.room.avatar_session.provider if self.room.avatar_session else "",
        )
        await self.barge_in()
        await db(services.room_line_add)(
            room=self.room, speaker=RoomTranscriptLine.Speaker.STUDENT, text=text, source=source
        )
        if self.room.status != BreakoutRoom.Status.ACTIVE:
            await self.send_error(
                "tutor_unavailable",
                "Your message is saved; your tutor answers it as soon as it has started.",
            )
            return
        await self.answer(text, clock)

    async def tutor_up(self) -> None:
        """The tutor just came up (a prepared or still deploying room): it answers what the
        student said while waiting, or says hello as it would have on arrival."""
        pending = await db(room_unanswered_student_text)(room=self.room)
        if pending:
            await self.answer(pending)
        else:
            await services.room_greet(room=self.room)

    async def answer(self, text: str, clock: TurnClock | None = None) -> None:
        """The tutor's reply to the student's saved words (unless the professor is there)."""
        if clock is None:
            clock = TurnClock(
                kind=VoiceTurn.Kind.ROOM,
                conversation=str(self.room.public_id),
                avatar_provider=(
                    self.room.avatar_session.provider if self.room.avatar_session else ""
                ),
            )
        if self.room.professor_present:
            return  # the professor is talking with the student; the tutor stays quiet
        try:  # the link needs no account: the room is what a flood of messages is counted by
            await db(rate_limit_hit)(user_id=f"room-{self.room.public_id}", action="tutor_reply")
        except RateLimited as exc:
            await self.send_error(
                "rate_limited", f"{exc.message} Your message is saved for your professor."
            )
            return
        await self.record_turn()
        self.clock = clock
        self.speaker.begin(clock)
        self.tasks.track(self.tutor_turn(text, clock), key="reply")

    # --- the tutor's turn ----------------------------------------------------------------

    async def tutor_turn(self, text: str, clock: TurnClock) -> None:
        try:
            await services.room_tutor_reply(
                room=self.room, student_text=text, say=self.say_line, clock=clock
            )
        except Exception:
            self.speaker.open = False
            raise
        await self.speaker.done()

    async def say_line(self, text: str, line: RoomTranscriptLine) -> None:
        task_id = await self.speaker.say(text, {"line": line.pk})
        self.saying[task_id] = line.pk

    def tutor_said(self, task_id: str, text: str, line_id: int | None) -> None:
        """A `tutor.say` reached this socket (this reply, a greeting, the professor's words)."""
        if task_id not in self.speaker.pending:
            self.speaker.expect(task_id, text)
        if line_id is not None:
            self.saying[task_id] = line_id

    async def barge_in(self) -> bool:
        """The student talks over the tutor: stop the reply and the avatar; False when the
        tutor was not talking."""
        replying = self.tasks.cancel("reply")
        if not replying and not self.speaker.speaking:
            return False
        cut = [self.saying[t] for t in self.speaker.pending if t in self.saying]
        self.saying.clear()
        await self.speaker.interrupt()
        await services.room_send(self.room, {"type": "tutor.interrupt", "by": self.channel})
        await db(services.room_lines_mark_interrupted)(room=self.room, line_ids=cut)
        await self.record_turn()
        return True

    def silenced(self) -> None:
        """Someone else interrupted the tutor (the professor joined, another student)."""
        self.tasks.cancel("reply")
        self.speaker.clear()
        self.saying.clear()

    async def speak_started(self, task_id: str) -> None:
        self.speaker.started(task_id)
        await db(services.room_avatar_event)(room=self.room, event="speak_started")

    async def speak_ended(self, task_id: str, seconds: float) -> None:
        await db(services.room_avatar_event)(room=self.room, event="speak_ended", seconds=seconds)
        self.saying.pop(task_id, None)
        await self.speaker.ended(task_id)

    async def record_turn(self) -> None:
        clock, self.clock = self.clock, None
        self.speaker.clock = None
        if clock is not None:
            await db(voice_turn_record)(clock=clock)
