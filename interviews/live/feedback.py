"""The coach's feedback on a submitted answer and the follow-up question it leads to.

The follow-up model is called the moment the coach's verdict is in (before the feedback is
saved and the state re-read), so its first sentence is ready sooner; a slow coach gets a head
start of FOLLOW_UP_HEDGE_SECONDS, after which the follow-up is written on the local analysis's
gap and held until the coach confirms it. The follow-up is said sentence by sentence as the
model writes it (`avatars.voice.streaming`), through the interview's voice session.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from avatars.providers.base import ChatMessage, ProviderError
from avatars.providers.registry import get_language_model
from avatars.voice.messages import error_frame
from avatars.voice.pipeline import Utterance, VoiceSession
from avatars.voice.streaming import model_sentences
from avatars.voice.tasks import TaskSet
from config.lifecycle import InvalidTransition
from config.ratelimit import RateLimited
from interviews import services
from interviews.coaching import generate_feedback, local_feedback
from interviews.models import MockInterview
from interviews.selectors.live import attempt_dict, follow_up_context
from interviews.services.feedback import FeedbackJob, attempt_feedback_job, attempt_feedback_save

logger = logging.getLogger(__name__)
db = database_sync_to_async

FEEDBACK_TIMEOUT_SECONDS = 90.0
FOLLOW_UP_HEDGE_SECONDS = 1.0

DEFAULT_FOLLOW_UP = "Can you tell me more about the result of what you did?"

Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class FollowUpDraft:
    """A follow-up being written by the model; its sentences wait here until it may be said."""

    gap: str  # what the prompt asked to probe (stored on the FollowUp)
    fallback: str  # said instead when the model produced nothing
    sentences: asyncio.Queue[str | None] = field(default_factory=asyncio.Queue)
    task: asyncio.Task[Any] | None = None


PERSONA_STYLE = {
    "friendly": "warm and encouraging",
    "neutral": "polite and matter-of-fact",
    "tough": "direct and probing, without being rude",
}


def follow_up_messages(ctx: dict[str, Any]) -> list[ChatMessage]:
    style = PERSONA_STYLE.get(ctx["persona"], PERSONA_STYLE["neutral"])
    return [
        ChatMessage(
            role="system",
            content=(
                f"You are a {style} job interviewer. Ask exactly one short follow-up question "
                "(at most two sentences) that makes the candidate fill the gap named below. "
                "Speak directly to the candidate; no preamble, no lists."
            ),
        ),
        ChatMessage(
            role="user",
            content=(
                f"Question: {ctx['question']}\nAnswer: {ctx['transcript'][:4000]}\n"
                f"Gap to probe: {ctx['gap']}"
            ),
        ),
    ]


class Outbox:
    """Messages held until `open()` (sent then, in order): lets the feedback start while the
    state message that must precede its first partial is still being built."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.held: list[dict[str, Any]] = []
        self.opened = asyncio.Event()

    async def put(self, message: dict[str, Any]) -> None:
        if self.opened.is_set():
            await self.send(message)
        else:
            self.held.append(message)

    async def open(self) -> None:
        while self.held:
            await self.send(self.held.pop(0))
        self.opened.set()


def failure_message(exc: BaseException) -> str:
    if isinstance(exc, ProviderError):
        return exc.user_message
    if isinstance(exc, RateLimited):
        return exc.message
    return "The feedback could not be generated."


class FeedbackFlow:
    def __init__(
        self,
        *,
        interview_id: int,
        user_id: int,
        send: Send,
        send_state: Callable[[], Awaitable[object]],
        tasks: TaskSet,
        voice: VoiceSession,
    ) -> None:
        self.interview_id = interview_id
        self.user_id = user_id
        self.send = send
        self.send_state = send_state
        self.tasks = tasks
        self.voice = voice
        self.draft: FollowUpDraft | None = None

    async def run(self, job: FeedbackJob | None = None, outbox: Outbox | None = None) -> None:
        """Feedback for the submitted answer; then, when the coach found a gap, the follow-up."""
        if job is None:
            job = await db(attempt_feedback_job)(
                interview_id=self.interview_id, user_id=self.user_id
            )
            if job is None:
                await self.send_state()
                return
        attempt = job.attempt
        model = get_language_model()
        if outbox is None:
            outbox = Outbox(self.send)
            await outbox.open()
        hedge: asyncio.Task[Any] | None = None
        if model is not None and job.follow_ups_left > 0 and job.limited_for is None:
            hedge = self.tasks.track(self.hedge(job), key="follow-up-hedge")
        final: dict[str, Any] | None = None
        try:
            if job.limited_for is not None:
                raise RateLimited("feedback_request", job.limited_for)
            async with asyncio.timeout(FEEDBACK_TIMEOUT_SECONDS):
                async for event in generate_feedback(job.answer):
                    if event.get("type") == "partial":
                        await outbox.put(
                            {"type": "feedback.partial", "text": str(event.get("text", ""))}
                        )
                    elif event.get("type") == "final":
                        final = event.get("feedback")
            if not isinstance(final, dict):
                raise ValueError("The coach returned no feedback.")
        except asyncio.CancelledError:
            self.drop_draft()
            raise
        except Exception as exc:
            if hedge is not None:
                hedge.cancel()
            self.drop_draft()
            if not isinstance(exc, ProviderError | RateLimited | TimeoutError):
                logger.exception("Feedback failed")
            message = failure_message(exc)
            await outbox.opened.wait()
            await db(services.attempt_fail_feedback)(attempt=attempt, reason=message)
            await self.send(error_frame("feedback_failed", message + " Your answer is saved."))
            await self.send_state()
            return
        if hedge is not None:
            hedge.cancel()
        gap = final.get("follow_up")
        wanted = isinstance(gap, str) and bool(gap.strip()) and job.follow_ups_left > 0
        if wanted and model is not None and self.draft is None:
            self.start_draft(job, str(gap))
        if self.draft is not None:
            self.draft.fallback = str(gap) if wanted else self.draft.fallback
        await outbox.opened.wait()
        attempt, started, state = await db(attempt_feedback_save)(
            interview_id=self.interview_id, attempt=attempt, feedback=final, follow_up=wanted
        )
        await self.send(
            {"type": "feedback.final", "attempt": attempt_dict(attempt), "feedback": final}
        )
        await self.send(state)
        if started:
            self.tasks.track(self.say_follow_up(), key="follow-up")
        else:
            self.drop_draft()  # the coach found nothing to probe: never said

    async def hedge(self, job: FeedbackJob) -> None:
        await asyncio.sleep(FOLLOW_UP_HEDGE_SECONDS)
        if self.draft is not None:
            return
        local = await asyncio.to_thread(local_feedback, job.answer)
        gap = local.get("follow_up")
        if isinstance(gap, str) and gap.strip() and self.draft is None:
            self.start_draft(job, gap)

    def start_draft(self, job: FeedbackJob, gap: str) -> None:
        model = get_language_model()
        if model is None:
            return
        draft = FollowUpDraft(gap=gap, fallback=gap)
        draft.task = self.tasks.track(
            self.write(draft, {**job.context, "gap": gap}, model), key="follow-up-draft"
        )
        self.draft = draft

    def drop_draft(self) -> None:
        draft, self.draft = self.draft, None
        if draft is not None and draft.task is not None:
            draft.task.cancel()

    async def write(self, draft: FollowUpDraft, ctx: dict[str, Any], model: Any) -> None:
        """Stream the follow-up from the model, cut into sentences, into the draft."""
        clock = self.voice.clock
        try:
            async with asyncio.timeout(settings.PROVIDER_TIMEOUT * 2):
                messages = follow_up_messages(ctx)
                if clock is not None:
                    clock.mark("model_request")
                sentences = model_sentences(
                    lambda: model.stream_text(messages, max_tokens=120),
                    on_first_token=(lambda: clock.mark("first_token")) if clock else None,
                )
                async for sentence in sentences:
                    if clock is not None:
                        clock.mark("first_sentence")
                    draft.sentences.put_nowait(sentence)
        except (ProviderError, TimeoutError) as exc:
            logger.warning("Follow-up generation failed: %s", exc)
        finally:
            draft.sentences.put_nowait(None)

    async def say_follow_up(self) -> None:
        """Say the follow-up as the model writes it (the interview is in follow_up: the
        feedback is saved and shown), then save it; the session listens once it is said."""
        draft, self.draft = self.draft, None
        if draft is None:  # a reconnect in follow_up: write it again
            ctx = await db(follow_up_context)(interview_id=self.interview_id)
            if ctx is None:
                return
            draft = FollowUpDraft(gap=ctx["gap"], fallback=ctx["gap"] or DEFAULT_FOLLOW_UP)
            model = get_language_model()
            if model is not None:
                draft.task = self.tasks.track(self.write(draft, ctx, model), key="follow-up-draft")
            else:
                draft.sentences.put_nowait(None)
        try:
            await self.voice.speak(self._follow_up(draft))
        except InvalidTransition:
            self.voice.speaker.clear()
        finally:
            if draft.task is not None:
                draft.task.cancel()

    async def _follow_up(self, draft: FollowUpDraft) -> AsyncIterator[Utterance]:
        spoken: list[str] = []
        while (sentence := await draft.sentences.get()) is not None:
            spoken.append(sentence)
            yield Utterance(sentence)
        if not spoken:
            spoken = [draft.fallback or DEFAULT_FOLLOW_UP]
            yield Utterance(spoken[0])
        # Saved before the session may go idle (and start listening): said, then recorded.
        text = " ".join(spoken)
        await db(services.follow_up_create)(
            interview=await MockInterview.objects.aget(pk=self.interview_id),
            text=text,
            gap=draft.gap,
        )
        await self.send({"type": "followup", "text": text})
