"""The live interview socket: `/ws/interviews/<uuid>/` (owner only). Protocol: docs/protocol.md.

Only handlers live here: validation, dispatch, close codes and task tracking come from the
shared voice engine (`avatars.voice.consumer`), the conversation's logic from
`interviews.live.conversation` (which tests drive without a socket).
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from avatars.voice.consumer import (
    BINARY,
    CLOSE_FORBIDDEN,
    CLOSE_NOT_FOUND,
    CLOSE_UNAUTHENTICATED,
    RateKind,
    VoiceConsumer,
)
from avatars.voice.messages import NUMBER, Schema
from config.lifecycle import InvalidTransition
from interviews.live.conversation import InterviewConversation
from interviews.selectors.live import load_interview

db = database_sync_to_async

SCHEMA: Schema = {
    "ping": {},
    "hello": {"speaking_task_id": ((str,), False)},
    "resume": {"speaking_task_id": ((str,), False)},
    "avatar.ready": {"mode": ((str,), False)},
    "avatar.speak_started": {"task_id": ((str,), True)},
    "avatar.speak_ended": {
        "task_id": ((str,), True),
        "duration": (NUMBER, False),
        "timeout": ((bool,), False),
    },
    "avatar.failed": {"reason": ((str,), False), "mode": ((str,), False)},
    "answer.start": {},
    "answer.text": {"text": ((str,), True)},
    "answer.caption": {"text": ((str,), True), "final": ((bool,), True)},
    "answer.finish": {"duration": (NUMBER, False)},
    "answer.discard": {},
    "feedback.retry": {},
    "attempt.retry": {},
    "followup.skip": {},
    "question.next": {},
    "interview.end": {},
}
#: The socket limit each message counts against (settings.SOCKET_RATE_LIMITS).
RATES: dict[str, RateKind] = {
    "hello": "action",
    "resume": "action",
    "avatar.ready": "action",
    "avatar.speak_started": "action",
    "avatar.speak_ended": "action",
    "avatar.failed": "action",
    "answer.start": "action",
    "answer.text": "line",
    "answer.caption": lambda data: "line" if data.get("final") else "caption",
    "answer.discard": "action",
    "answer.finish": "interview",
    "feedback.retry": "interview",
    "attempt.retry": "interview",
    "followup.skip": "interview",
    "question.next": "interview",
    "interview.end": "interview",
    BINARY: "audio",
}


class InterviewConsumer(VoiceConsumer):
    schema = SCHEMA
    rate_limits = RATES
    internal_error = "Something went wrong; your answers are saved."
    conversation_class = InterviewConversation
    conv: InterviewConversation

    async def authorise(self) -> int | None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return CLOSE_UNAUTHENTICATED
        self.public_id = str(self.scope["url_route"]["kwargs"]["public_id"])
        self.interview = await db(load_interview)(self.public_id)
        if self.interview is None:
            return CLOSE_NOT_FOUND
        if self.interview.owner_id != user.pk:
            return CLOSE_FORBIDDEN
        self.group = f"interview.{self.public_id}"
        self.rate_scope = self.group
        self.conv = self.conversation_class(
            interview_id=self.interview.pk,
            public_id=self.public_id,
            user_id=user.pk,
            send=self.send_json,
            tasks=self.tasks,
            notify_others=self.notify_others,
        )
        return None

    def groups_for(self) -> list[str]:
        return [self.group]

    async def connected(self) -> None:
        if self.interview is not None:  # always, once authorise() let the socket in
            await self.conv.opened(self.interview)

    async def disconnected(self) -> None:
        await self.conv.closed()

    async def refused(self, exc: Exception) -> None:
        if isinstance(exc, InvalidTransition):
            await self.send_error("out_of_state", "That action is not possible right now.")
            await self.conv.send_state()
            return
        await super().refused(exc)

    async def notify_others(self) -> None:
        """Other pages of this interview (another tab) show the new state; this one has it."""
        await self.channel_layer.group_send(
            self.group, {"type": "interview.state", "origin": self.channel_name}
        )

    async def interview_state(self, event: dict[str, Any]) -> None:
        """Group event: another connection changed the interview."""
        if event.get("origin") != self.channel_name:
            await self.conv.send_state()

    # --- handlers ------------------------------------------------------------------------

    async def on_hello(self, data: dict[str, Any]) -> None:
        await self.conv.hello(data.get("speaking_task_id") or "")

    on_resume = on_hello

    async def on_avatar_ready(self, data: dict[str, Any]) -> None:
        await self.conv.avatar_ready()

    async def on_avatar_failed(self, data: dict[str, Any]) -> None:
        self.conv.avatar_failed(str(data.get("reason", ""))[:200], str(data.get("mode", "")))

    async def on_avatar_speak_started(self, data: dict[str, Any]) -> None:
        await self.conv.speak_started(data["task_id"])

    async def on_avatar_speak_ended(self, data: dict[str, Any]) -> None:
        await self.conv.speak_ended(data["task_id"], float(data.get("duration") or 0))

    async def on_answer_start(self, data: dict[str, Any]) -> None:
        await self.conv.answer_start()

    async def on_answer_text(self, data: dict[str, Any]) -> None:
        await self.conv.answer_text(data["text"])

    async def on_answer_caption(self, data: dict[str, Any]) -> None:
        await self.conv.answer_caption(data["text"], data["final"])

    async def on_answer_discard(self, data: dict[str, Any]) -> None:
        await self.conv.answer_discard()

    async def on_answer_finish(self, data: dict[str, Any]) -> None:
        await self.conv.answer_finish(float(data.get("duration") or 0))

    async def on_feedback_retry(self, data: dict[str, Any]) -> None:
        await self.conv.feedback_retry()

    async def on_attempt_retry(self, data: dict[str, Any]) -> None:
        await self.conv.attempt_retry()

    async def on_followup_skip(self, data: dict[str, Any]) -> None:
        await self.conv.followup_skip()

    async def on_question_next(self, data: dict[str, Any]) -> None:
        await self.conv.question_next()

    async def on_interview_end(self, data: dict[str, Any]) -> None:
        await self.conv.interview_end()

    async def on_audio(self, chunk: bytes) -> None:
        self.check_audio_size(chunk)
        await self.conv.audio(chunk)


def parse_message(text: str) -> dict[str, Any]:
    """Validate one inbound frame (the security fuzz tests call this directly)."""
    from avatars.voice.messages import parse_frame

    return parse_frame(text, SCHEMA)
