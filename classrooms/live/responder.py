"""The tutor room's part of the voice session: its responder (the tutor) and its policy.

A student can just talk: the transcriber's end of utterance (Deepgram `speech_final` or
`UtteranceEnd`; on the in-browser path, the recognition's final result) ends the student's turn
and the tutor answers. Push-to-talk and typing end a turn too. A student speaking over the tutor
(speech started, interim words, a new message) is a barge-in: the reply is cancelled, the
vendor avatar interrupted, and the tutor lines that were cut off are saved as interrupted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from typing import Any

from channels.db import database_sync_to_async

from avatars.models import VoiceTurn
from avatars.voice.messages import error_frame
from avatars.voice.pipeline import Policy, ReplyRefused, Responder, Turn, Utterance
from classrooms import services
from classrooms.models import BreakoutRoom, RoomTranscriptLine
from classrooms.selectors import room_unanswered_student_text
from config.ratelimit import RateLimited, rate_limit_hit

db = database_sync_to_async

Send = Callable[[dict[str, Any]], Awaitable[None]]

ROOM_POLICY = Policy(
    turn_kind=VoiceTurn.Kind.ROOM,
    speak_frame="tutor.say",
    auto_end_of_turn=True,
    barge_in=True,
    interrupt_frame="tutor.interrupt",
)
#: What one student's socket shares with the room's other sockets (the group's event types).
ROOM_SHARED = {"speak": "tutor.say", "interrupt": "tutor.interrupt", "interim": "student.interim"}


def room_state(room_id: int) -> tuple[str, bool]:
    """The room's status and whether the professor is in, read when a line needs them."""
    status, present = BreakoutRoom.objects.values_list("status", "professor_present").get(
        pk=room_id
    )
    return status, present


class TutorResponder(Responder):
    def __init__(self, *, room: BreakoutRoom, send: Send) -> None:
        self.room = room
        self.send = send

    async def heard(self, text: str, source: str, *, reply: bool) -> bool:
        """Save the student's line first; then the tutor answers unless it may not."""
        await db(services.room_line_add)(
            room=self.room, speaker=RoomTranscriptLine.Speaker.STUDENT, text=text, source=source
        )
        return reply and await self.may_reply()

    async def may_reply(self) -> bool:
        status, professor_present = await db(room_state)(self.room.pk)
        if status != BreakoutRoom.Status.ACTIVE:
            await self.send(
                error_frame(
                    "tutor_unavailable",
                    "Your message is saved; your tutor answers it as soon as it has started.",
                )
            )
            return False
        return not professor_present  # with the professor in, the tutor stays quiet

    async def unanswered(self) -> str:
        return await db(room_unanswered_student_text)(room=self.room)

    async def respond(self, turn: Turn) -> AsyncIterator[Utterance]:
        try:  # the link needs no account: the room is what a flood of messages is counted by
            await db(rate_limit_hit)(user_id=f"room-{self.room.public_id}", action="tutor_reply")
        except RateLimited as exc:
            raise ReplyRefused(
                "rate_limited", f"{exc.message} Your message is saved for your professor."
            ) from exc
        lines = services.room_tutor_lines(room=self.room, student_text=turn.text, clock=turn.clock)
        async with aclosing(lines) as said:
            async for utterance in said:
                yield utterance

    async def cut(self, utterances: list[Utterance]) -> None:
        ids = [u.extra["line"] for u in utterances if isinstance(u.extra.get("line"), int)]
        await db(services.room_lines_mark_interrupted)(room=self.room, line_ids=ids)

    async def opening(self) -> list[Utterance]:
        greeting = await services.room_greeting(room=self.room)
        return [greeting] if greeting is not None else []
