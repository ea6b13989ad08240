"""One live voice conversation: listen, end of turn, respond, speak, interrupt, timings.

Composed the way pipecat composes a pipeline, from the engine's small stages: the `Listener`
(live transcriber), the `Speaker` (vendor avatar speech, else the page's), the `TurnClock` and
a `TaskSet`. What differs between conversations is not written here:

- the **transport** is the way in and out: `send` reaches this participant's page, `share`
  the conversation's other participants (the other pages in a tutor room); it never echoes
  back. Today it is a browser socket; a meeting bot is another transport.
- the **responder** is the conversation: it saves what the user said and decides whether a
  reply is wanted (`heard`), writes the reply as utterances (`respond`), and learns when the
  avatar has said everything (`spoken`) or was cut off (`cut`).
- the **policy** says how a turn ends (a button, or the transcriber's end of utterance) and
  whether the user may talk over the avatar (barge-in).

A user line that arrives while a reply is still being written or said cuts that reply short
(under barge-in); the session then waits for the user to pause and answers the latest line,
so a burst of lines starts at most two replies, not one per line.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from channels.db import database_sync_to_async
from django.conf import settings

from avatars.models import AvatarSession
from avatars.providers.base import TranscriptEvent
from avatars.services import avatar_session_record_speech
from avatars.voice.listener import Listener, ListenerHooks
from avatars.voice.messages import error_frame
from avatars.voice.speaker import Speaker, Utterance
from avatars.voice.tasks import TaskSet
from avatars.voice.timings import TurnClock, voice_turn_record

__all__ = [
    "Policy",
    "ReplyRefused",
    "Responder",
    "Transport",
    "Turn",
    "Utterance",
    "VoiceSession",
]

logger = logging.getLogger(__name__)

MAX_SHARED_INTERIM_CHARS = 500


class Transport(Protocol):
    """The way in and out of one participant's side of the conversation."""

    async def send(self, frame: dict[str, Any]) -> None:
        """To this participant's page."""

    async def share(self, kind: str, frame: dict[str, Any]) -> None:
        """To the conversation's other participants, never back to this one. `kind` is one
        of "speak" (a speak frame their page says too), "interrupt" and "interim"."""


@dataclass(frozen=True)
class Turn:
    """The user's finished turn, and the clock of the reply to it."""

    text: str
    source: str
    clock: TurnClock


class ReplyRefused(Exception):
    """The responder will not answer this turn; the user is told `message`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Responder:
    """What a conversation contributes; every hook has a harmless default."""

    model_provider: str = ""

    async def heard(self, text: str, source: str, *, reply: bool) -> bool:
        """Save the user's line (before anything that can fail); True when a reply is wanted.
        With `reply=False` the line is only saved (the socket is closing)."""
        return reply

    def respond(self, turn: Turn) -> AsyncIterator[Utterance]:
        """The reply, utterance by utterance (raise `ReplyRefused` to say why not)."""
        raise NotImplementedError

    async def final(self, event: TranscriptEvent) -> None:
        """A final transcript under a button policy (saved as it comes)."""

    async def spoken(self) -> None:
        """The avatar has said everything and nothing more is being written."""

    async def cut(self, utterances: list[Utterance]) -> None:
        """The user talked over these utterances (being said, or never said)."""

    async def opening(self) -> list[Utterance]:
        """What the avatar says unprompted when the user arrives (a greeting), if anything."""
        return []

    async def may_reply(self) -> bool:
        """Whether a reply may start now (the user is told why not, when it matters)."""
        return True

    async def unanswered(self) -> str:
        """What the user said that no reply answered (while the avatar was starting)."""
        return ""


@dataclass(frozen=True)
class Policy:
    turn_kind: str  # avatars.VoiceTurn.Kind
    speak_frame: str = "avatar.speak"
    #: The transcriber's end of utterance (or a final browser caption) ends the user's turn;
    #: otherwise the user ends it (a Finish button) and finals are handed to the responder.
    auto_end_of_turn: bool = False
    #: The user speaking or writing while the avatar talks interrupts it (and its reply).
    barge_in: bool = False
    #: Sent to this participant's page when a barge-in stops the avatar (None: the page knows).
    interrupt_frame: str | None = None
    #: After a reply was cut short by a new line, how long the user must pause before the
    #: latest line is answered.
    settle_seconds: float = 0.4


Quiet = Callable[[float], Awaitable[None]]


@dataclass
class VoiceSession:
    """One participant's side of a live conversation (one per socket or meeting seat).

    The app's handlers feed it what arrives (`user_said`, `caption`, `listen`/`audio`/
    `stop_listening`, `speak_started`/`speak_ended`, `mirror`) and ask it to `speak` or
    `greet`; everything it says or shows leaves through the transport."""

    transport: Transport
    responder: Responder
    policy: Policy
    tasks: TaskSet
    conversation: str  # recorded on each turn (the interview's or the room's public id)
    avatar: Callable[[], AvatarSession | None] = lambda: None
    quiet: Quiet = asyncio.sleep  # tests pass a controllable pause
    clock: TurnClock | None = None
    heard_so_far: list[str] = field(default_factory=list)
    lines: int = 0  # user lines so far: a pause is quiet when no new one came
    wants_audio: bool = False  # the user pressed Talk: audio (re)opens the transcriber
    #: The user's audio is raw 16-bit mono PCM at this rate (a meeting bot's), not a browser's
    #: recording container.
    pcm_rate: int | None = None

    def __post_init__(self) -> None:
        self.speaker = Speaker(
            self.tasks,
            session=self.avatar,
            deliver=self._deliver,
            on_idle=self._idle,
            frame_type=self.policy.speak_frame,
        )
        self.listener = Listener(
            ListenerHooks(
                on_interim=self.interim,
                on_final=self._final,
                on_failure=self.send_error,
                on_end_of_turn=self._end_of_utterance,
                on_speech_started=self._speech_started,
                on_stream_end=self._end_of_utterance,
            ),
            self.tasks,
            failure_code="transcriber_failed",
            pcm_rate=self.pcm_rate,
        )

    # --- plumbing ------------------------------------------------------------------------

    async def send_error(self, code: str, message: str) -> None:
        await self.transport.send(error_frame(code, message))

    async def _deliver(self, frame: dict[str, Any]) -> None:
        await self.transport.send(frame)
        await self.transport.share("speak", frame)

    def new_clock(self) -> TurnClock:
        """The user is done now: the clock of the reply starts."""
        avatar = self.avatar()
        return TurnClock(
            kind=self.policy.turn_kind,
            conversation=self.conversation,
            avatar_provider=avatar.provider if avatar else settings.AVATAR_PROVIDER,
            model_provider=self.responder.model_provider,
        )

    def start_turn(self, clock: TurnClock | None = None) -> TurnClock:
        """Time what follows (the reply) on `clock` (a new one by default)."""
        self.clock = clock or self.new_clock()
        self.speaker.clock = self.clock
        return self.clock

    async def record_turn(self) -> None:
        clock, self.clock = self.clock, None
        self.speaker.clock = None
        if clock is not None:
            await database_sync_to_async(voice_turn_record)(clock=clock)

    # --- listen --------------------------------------------------------------------------

    async def listen(self) -> bool:
        """The user pressed Talk: interrupt (by policy) and open the transcriber; False, with
        the user told, when it would not open."""
        if self.policy.barge_in:
            await self.barge_in()
        self.wants_audio = True
        return await self.listener.open()

    async def stop_listening(self, *, wait: float) -> None:
        """Talk released: flush what the transcriber holds; that ends the turn."""
        self.wants_audio = False
        await self.listener.finish(wait=wait)
        await self.end_of_turn()

    async def audio(self, chunk: bytes) -> bool:
        """Forward a chunk; False when the user is not talking (nothing was pressed)."""
        if not self.listener.is_open:
            if not self.wants_audio:
                return False
            if not await self.listener.open():  # the stream failed earlier: try again
                return True
        await self.listener.send(chunk)
        return True

    async def caption(self, text: str, final: bool) -> None:
        """The page's own speech recognition: a final result ends the turn; words still being
        recognised interrupt (by policy) and are shared, not echoed (the page shows them)."""
        if final:
            await self.user_said(text, "voice")
            return
        if self.policy.barge_in:
            await self.barge_in()
        await self.transport.share("interim", {"text": text[:MAX_SHARED_INTERIM_CHARS]})

    async def interim(self, text: str) -> None:
        """Words still being recognised: a barge-in (by policy), a caption, shared."""
        if self.policy.barge_in:
            await self.barge_in()
        await self.transport.send(
            {"type": "caption", "text": " ".join([*self.heard_so_far, text]), "final": False}
        )
        await self.transport.share("interim", {"text": text[:MAX_SHARED_INTERIM_CHARS]})

    async def _final(self, event: TranscriptEvent) -> None:
        if self.policy.auto_end_of_turn:
            self.heard_so_far.append(event.text.strip())  # one line when the utterance ends
        else:
            await self.responder.final(event)

    async def _speech_started(self) -> None:
        if self.policy.barge_in:
            await self.barge_in()

    async def _end_of_utterance(self) -> None:
        if self.policy.auto_end_of_turn:
            await self.end_of_turn()

    async def end_of_turn(self) -> None:
        """What the transcriber heard so far is the user's line."""
        if self.heard_so_far:
            text, self.heard_so_far = " ".join(self.heard_so_far), []
            await self.user_said(text, "voice")

    # --- respond -------------------------------------------------------------------------

    async def user_said(self, text: str, source: str) -> None:
        """A complete user line: interrupt (by policy), save it, then reply to the latest."""
        clock = self.new_clock()
        self.lines += 1
        cut_short = self.policy.barge_in and self.tasks.busy("reply")
        if self.policy.barge_in:
            await self.barge_in()
        if not await self.responder.heard(text, source, reply=True):
            return
        turn = Turn(text=text, source=source, clock=clock)
        self.tasks.track(self._reply(turn, settle=cut_short), key="reply")

    async def _reply(self, turn: Turn, *, settle: bool) -> None:
        while settle:  # the user cut a reply short: wait for a pause, answer the latest line
            lines = self.lines
            await self.quiet(self.policy.settle_seconds)
            settle = self.lines != lines
        await self.record_turn()
        self.start_turn(turn.clock)
        try:
            await self.speak(self.responder.respond(turn), reply=True)
        except ReplyRefused as exc:
            self.speaker.open = False
            await self.send_error(exc.code, exc.message)

    # --- speak ---------------------------------------------------------------------------

    async def greet(self) -> None:
        """The user arrived: say the responder's opening, if it has one."""
        opening = await self.responder.opening()
        if opening:
            await self.speak(opening)

    async def catch_up(self) -> None:
        """The avatar just came up with the user there: answer what they said while it was
        starting, or else greet them as on arrival."""
        waiting = await self.responder.unanswered()
        if not waiting:
            await self.greet()
            return
        if await self.responder.may_reply():
            turn = Turn(text=waiting, source="voice", clock=self.new_clock())
            self.tasks.track(self._reply(turn, settle=False), key="reply")

    async def speak(
        self,
        utterances: AsyncIterable[Utterance] | Iterable[Utterance],
        *,
        reply: bool = False,
    ) -> list[Utterance]:
        """Say each utterance as it comes; once all are said, the responder hears `spoken`."""
        self.speaker.begin()
        said: list[Utterance] = []
        try:
            if isinstance(utterances, AsyncIterable):
                async for utterance in utterances:
                    await self._say(utterance, reply=reply)
                    said.append(utterance)
            else:
                for utterance in utterances:
                    await self._say(utterance, reply=reply)
                    said.append(utterance)
        except BaseException:
            self.speaker.open = False
            raise
        await self.speaker.done()
        return said

    async def _say(self, utterance: Utterance, *, reply: bool) -> None:
        if reply and self.clock is not None:
            self.clock.mark("first_sentence")
        await self.speaker.say(utterance)

    async def _idle(self) -> None:
        await self.record_turn()
        await self.responder.spoken()

    def mirror(self, frame: dict[str, Any]) -> Utterance:
        """Another participant's side (or the professor) had the avatar say `frame`: this page
        says it too, and talking over it interrupts it."""
        extra = {k: v for k, v in frame.items() if k not in ("type", "text", "task_id", "timeout")}
        utterance = Utterance(str(frame["text"]), extra)
        if frame["task_id"] not in self.speaker.pending:
            self.speaker.expect(str(frame["task_id"]), utterance)
        return utterance

    async def speak_started(self, task_id: str) -> None:
        if self.speaker.started(task_id):
            await self._avatar_event("speak_started")

    async def speak_ended(self, task_id: str, seconds: float) -> None:
        """The page said `task_id` to the end; late or unknown ids change nothing."""
        if task_id not in self.speaker.pending:
            return
        await self._avatar_event("speak_ended", seconds)
        await self.speaker.ended(task_id)

    async def avatar_ready(self) -> None:
        await self._avatar_event("heartbeat")

    async def _avatar_event(self, event: str, seconds: float = 0.0) -> None:
        session = self.avatar()
        if session is not None:
            await database_sync_to_async(avatar_session_record_speech)(
                session=session, event=event, seconds=seconds
            )

    # --- interrupt -----------------------------------------------------------------------

    async def barge_in(self) -> bool:
        """The user talks over the avatar: stop the reply, the page and the vendor avatar;
        False when the avatar was neither talking nor about to."""
        replying = self.tasks.cancel("reply")
        if not replying and not self.speaker.speaking:
            return False
        cut = list(self.speaker.pending.values())
        await self.speaker.interrupt()
        if self.policy.interrupt_frame is not None:
            await self.transport.send({"type": self.policy.interrupt_frame})
        await self.transport.share("interrupt", {})
        await self.responder.cut(cut)
        await self.record_turn()
        return True

    async def stop_speaking(self) -> bool:
        """Stop the avatar on the app's own decision (no reply was cut by the user)."""
        self.tasks.cancel("reply")
        return await self.speaker.interrupt()

    def silenced(self) -> None:
        """Someone else interrupted the avatar (another page, the professor joining)."""
        self.tasks.cancel("reply")
        self.speaker.clear()

    # --- the end -------------------------------------------------------------------------

    async def close(self, *, flush: float | None = None) -> None:
        """Flush (or close) the transcriber, save words nobody will answer, time the turn."""
        if flush is not None and self.listener.is_open:
            await self.listener.finish(wait=flush)
        else:
            await self.listener.close()
        if self.heard_so_far:
            text, self.heard_so_far = " ".join(self.heard_so_far), []
            await self.responder.heard(text, "voice", reply=False)
        await self.listener.drain_closers()
        await self.record_turn()
