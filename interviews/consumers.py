"""The live interview socket: `/ws/interviews/<uuid>/` (owner only). Protocol: docs/protocol.md.

The consumer is thin: every decision about state is a service call (a conditional transition in
the database), so a reconnecting page, a duplicated event or a message in the wrong state can
never corrupt the interview. Long work (avatar start, feedback, follow-up generation, the live
transcriber) runs in tasks tracked on the consumer and cancelled on disconnect; the database
keeps enough state to resume it on the next connection.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.urls import reverse

from avatars.models import AvatarSession
from avatars.providers.base import (
    AvatarStartOptions,
    ChatMessage,
    LiveTranscription,
    ProviderError,
)
from avatars.providers.registry import get_avatar_provider, get_language_model, get_transcriber
from avatars.retries import stream_with_retries
from avatars.services import (
    avatar_session_create,
    avatar_session_heartbeat,
    avatar_session_record_speech,
    avatar_session_speak,
    avatar_session_start,
    avatar_session_stop,
)
from avatars.voice.sentences import iter_sentences
from config.lifecycle import InvalidTransition
from config.ratelimit import RateLimited, rate_limit_hit
from config.wsinput import clean_text, sane_number
from interviews import services
from interviews.coaching import AnswerInput, generate_feedback, local_feedback
from interviews.models import Attempt, CandidateProfile, InterviewQuestion, MockInterview
from interviews.selectors import interview_live_snapshot

logger = logging.getLogger(__name__)
db = database_sync_to_async
S = MockInterview.Status

AVATAR_START_ATTEMPTS = 3
AVATAR_RETRY_DELAYS = (1.0, 3.0)
FINALIZE_WAIT_SECONDS = 3.0
FEEDBACK_TIMEOUT_SECONDS = 90.0
SEGMENT_DRAIN_SECONDS = 10.0  # "Finish answer" waits this long for queued finals to be saved
SEGMENT_RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 5.0)  # a failed save is retried (the last repeats)
SEGMENT_BATCH = 50
# The follow-up is written as soon as the coach's verdict is in. When the coach model is slow,
# it starts earlier, on the local analysis's gap, and is held until the coach confirms it.
FOLLOW_UP_HEDGE_SECONDS = 1.0
DEFAULT_FOLLOW_UP = "Can you tell me more about the result of what you did?"
MAX_TASK_ID_CHARS = 128


# --- Timing shared with the browser (static/js/interview.js uses the same formula) ----------


def speech_seconds(text: str) -> float:
    """How long an avatar takes to say `text`: about 150 words a minute, at least 1.5 s."""
    return max(1.5, len(text.split()) / 2.5)


def browser_speech_timeout(text: str) -> float:
    """The page treats speech as ended after this long without an end event."""
    return round(speech_seconds(text) * 1.5 + 3.0, 1)


def server_speech_timeout(text: str) -> float:
    """The server's own safety net: a little later than the page's, so the page normally wins."""
    return round(speech_seconds(text) * 2.0 + 8.0, 1)


# --- Inbound message schema ----------------------------------------------------------------

NUMBER = (int, float)
# type -> {field: (accepted python types, required)}
SCHEMA: dict[str, dict[str, tuple[tuple[type, ...], bool]]] = {
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


class BadMessage(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_message(text: str) -> dict[str, Any]:
    """Validate one inbound JSON frame against SCHEMA; raise BadMessage with a reason."""
    if len(text.encode("utf-8", "replace")) > settings.WS_MAX_MESSAGE_BYTES:
        raise BadMessage(
            "too_large", f"Messages are limited to {settings.WS_MAX_MESSAGE_BYTES} bytes."
        )
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadMessage("bad_json", "The message is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise BadMessage("bad_message", "A message must be a JSON object with a type.")
    kind = data.get("type")
    if not isinstance(kind, str):
        raise BadMessage("bad_message", "A message needs a string 'type'.")
    fields = SCHEMA.get(kind)
    if fields is None:
        raise BadMessage("unknown_type", f"Unknown message type {kind[:40]!r}.")
    for name, (types, required) in fields.items():
        if name not in data or data[name] is None:
            if required:
                raise BadMessage("bad_field", f"{kind}: '{name}' is required.")
            continue
        value = data[name]
        if isinstance(value, bool) and bool not in types:
            raise BadMessage("bad_field", f"{kind}: '{name}' has the wrong type.")
        if not isinstance(value, types):
            raise BadMessage("bad_field", f"{kind}: '{name}' has the wrong type.")
        if isinstance(value, str):  # no NUL, control characters or lone surrogates downstream
            data[name] = value = clean_text(value)
        elif not isinstance(value, bool) and not sane_number(value):
            raise BadMessage("bad_field", f"{kind}: '{name}' is not a sensible number.")
        if name == "task_id" and not 0 < len(value) <= MAX_TASK_ID_CHARS:
            raise BadMessage("bad_field", f"{kind}: 'task_id' is empty or too long.")
    return data


# --- State snapshots (sync; run in a thread) -------------------------------------------------


def attempt_dict(attempt: Attempt, *, full: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(attempt.public_id),
        "number": attempt.number,
        "kind": attempt.kind,
        "status": attempt.status,
        "overall": attempt.overall,
        "is_best": attempt.is_best,
    }
    if full:
        data.update(
            {
                "transcript": attempt.transcript,
                "segments": attempt.segments,
                "feedback": attempt.feedback,
                "feedback_error": attempt.feedback_error,
                "audio_duration": attempt.audio_duration,
            }
        )
    return data


def build_state(interview_id: int) -> dict[str, Any]:
    snap = interview_live_snapshot(interview_id=interview_id)
    interview: MockInterview = snap["interview"]
    question = snap["question"]
    attempt = interview.current_attempt
    follow_up = interview.current_follow_up
    state = interview.status
    if state == S.CREATED:
        state = S.WARM_UP
    asking_text = ""
    if state == S.ASKING and question is not None:
        asking_text = question.text
    elif state == S.FOLLOW_UP and follow_up is not None:
        asking_text = follow_up.text
    return {
        "type": "state",
        "state": state,
        "question_index": interview.current_index,
        "question_number": interview.current_index + 1,
        "question_count": interview.question_count,
        "is_last": interview.current_index + 1 >= interview.question_count,
        "question": (
            {
                "order": question.order,
                "text": question.text,
                "competency": question.competency,
                "source": question.source,
            }
            if question is not None
            else None
        ),
        "attempt": attempt_dict(attempt) if attempt is not None else None,
        "attempts": [attempt_dict(a, full=False) for a in snap["attempts"]],
        "follow_up": (
            {"text": follow_up.text}
            if follow_up is not None
            and (state == S.FOLLOW_UP or (attempt and attempt.kind == Attempt.Kind.FOLLOW_UP))
            else None
        ),
        "follow_ups_left": (
            max(0, settings.INTERVIEW_MAX_FOLLOWUPS - question.follow_up_count)
            if question is not None
            else 0
        ),
        "asking_text": asking_text,
        "live_audio": bool(get_transcriber().supports_live_audio),
        "report_url": reverse("interviews:report", args=[interview.public_id]),
    }


def load_interview(public_id: str) -> MockInterview | None:
    return MockInterview.objects.filter(public_id=public_id).first()


@dataclass
class PendingSegment:
    """A final segment waiting for the socket's writer. `saved` is set for segments whose
    sender waits for the save (typed text, browser captions), to report errors to it."""

    segment: services.Segment
    saved: asyncio.Future[None] | None = None
    echo: bool = False  # send the final caption once saved (transcriber finals)


def save_segments(interview_id: int, segments: list[services.Segment]) -> None:
    # The service re-reads the interview (status, current attempt) in its transaction.
    services.attempt_add_segments(interview=MockInterview(pk=interview_id), segments=segments)


def avatar_options(user_id: int) -> AvatarStartOptions:
    profile = CandidateProfile.objects.filter(user_id=user_id).first()
    if profile is None:
        return AvatarStartOptions()
    return AvatarStartOptions(
        avatar_id=profile.mock_avatar_id,
        voice_id=profile.mock_voice_id,
        quality=profile.mock_avatar_quality,
        speaking_rate=profile.speaking_rate,
    )


def current_avatar_session(interview_id: int) -> AvatarSession | None:
    session_id = MockInterview.objects.filter(pk=interview_id).values_list(
        "avatar_session_id", flat=True
    )[0]
    return AvatarSession.objects.filter(pk=session_id).first() if session_id else None


def follow_up_context(interview_id: int) -> dict[str, Any] | None:
    interview = MockInterview.objects.select_related(
        "current_attempt__question", "current_follow_up"
    ).get(pk=interview_id)
    attempt = interview.current_attempt
    if attempt is None:
        return None
    feedback = attempt.feedback or {}
    return {
        "question": attempt.question.text,
        "transcript": attempt.transcript,
        "gap": feedback.get("follow_up") or "",
        "persona": interview.persona,
        "existing": interview.current_follow_up.text if interview.current_follow_up else "",
    }


@dataclass
class FeedbackJob:
    """Everything the feedback step needs, read once (in the same thread hop as the submit)."""

    attempt: Attempt
    answer: AnswerInput
    follow_ups_left: int
    context: dict[str, Any]  # the follow-up prompt's context, without the gap
    limited: RateLimited | None = None  # the candidate asked for feedback too often


def feedback_job(interview_id: int, user_id: int) -> FeedbackJob | None:
    """The submitted answer to give feedback on (None when there is none), rate limited."""
    interview = MockInterview.objects.select_related("current_attempt").get(pk=interview_id)
    attempt = interview.current_attempt
    if attempt is None or attempt.status != Attempt.Status.SUBMITTED:
        return None
    question = InterviewQuestion.objects.get(pk=attempt.question_id)
    limited: RateLimited | None = None
    try:
        rate_limit_hit(user_id=user_id, action="feedback_request")
    except RateLimited as exc:
        limited = exc
    return FeedbackJob(
        attempt=attempt,
        answer=services.attempt_answer_input(attempt=attempt),
        follow_ups_left=max(0, settings.INTERVIEW_MAX_FOLLOWUPS - question.follow_ups.count()),
        context={
            "question": question.text,
            "transcript": attempt.transcript,
            "persona": interview.persona,
            "existing": "",
        },
        limited=limited,
    )


def submit_answer(interview: MockInterview, duration: float, user_id: int) -> FeedbackJob:
    """ "Finish answer" in one thread hop: submit, read what feedback needs, the new state."""
    services.attempt_submit(interview=interview, duration=duration)
    job = feedback_job(interview.pk, user_id)
    if job is None:  # cannot happen: the submit above committed a submitted attempt
        raise InvalidTransition("Attempt", "?", Attempt.Status.SUBMITTED)
    return job


def record_feedback(
    interview_id: int, attempt: Attempt, feedback: dict[str, Any], *, follow_up: bool
) -> tuple[Attempt, bool, dict[str, Any]]:
    """Save the feedback, enter follow_up when wanted (and allowed), and the new state."""
    attempt = services.attempt_record_feedback(attempt=attempt, feedback=feedback)
    started = False
    if follow_up:
        try:
            started = services.interview_begin_follow_up(
                interview=MockInterview.objects.get(pk=interview_id)
            )
        except InvalidTransition:
            started = False
    return attempt, started, build_state(interview_id)


class Outbox:
    """Messages held until `open()` (sent then, in order): lets the feedback start while the
    state message that must precede its first partial is still being built."""

    def __init__(self, send: Any) -> None:
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


# --- The consumer ----------------------------------------------------------------------------


class InterviewConsumer(AsyncWebsocketConsumer):
    interview_id: int
    public_id: str
    group: str

    async def connect(self) -> None:
        self.tasks: set[asyncio.Task[Any]] = set()
        self.live: LiveTranscription | None = None
        self.live_reader: asyncio.Task[Any] | None = None
        self.live_flushed = asyncio.Event()
        self.closers: set[asyncio.Task[Any]] = set()
        self.segments: asyncio.Queue[PendingSegment] = asyncio.Queue()
        self.writer: asyncio.Task[Any] | None = None
        self.feedback_task: asyncio.Task[Any] | None = None
        self.follow_up_task: asyncio.Task[Any] | None = None
        self.draft: FollowUpDraft | None = None
        self.avatar_task: asyncio.Task[Any] | None = None
        self.avatar: AvatarSession | None = None
        self.pending_speech: dict[str, str] = {}
        self.speech_open = False
        self.warned_audio = False
        self.accepted = False
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.public_id = str(self.scope["url_route"]["kwargs"]["public_id"])
        interview = await db(load_interview)(self.public_id)
        if interview is None:
            await self.close(code=4404)
            return
        if interview.owner_id != user.pk:
            await self.close(code=4403)
            return
        self.interview_id = interview.pk
        self.user_id = user.pk
        self.group = f"interview.{self.public_id}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        self.accepted = True
        await db(services.interview_open)(interview=interview)
        await self.send_state()
        if not interview.is_finished:
            self.avatar_task = self.track(self.ensure_avatar(), "avatar")
            self.track(self.keep_heartbeat(), "heartbeat")

    async def disconnect(self, code: int) -> None:
        if not getattr(self, "accepted", False):
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        if self.live is not None:
            # Flush what the transcriber still holds so no final segment is lost.
            await self.finish_live(wait=1.5)
        if not await self.drain_segments(within=5.0):
            logger.error(
                "Interview %s: %d final segments could not be saved before the socket closed",
                self.public_id,
                self.segments.qsize(),
            )
        if self.closers:
            await asyncio.wait(self.closers, timeout=5)
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)

    # --- plumbing ------------------------------------------------------------------------

    def track(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(self.guarded(coro, name), name=f"interview-{name}")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def guarded(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        try:
            await coro
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("Interview task %s failed", name)
            await self.send_error("internal", "Something went wrong; your answers are saved.")

    async def send_json(self, data: dict[str, Any]) -> None:
        try:
            await self.send(text_data=json.dumps(data))
        except Exception:  # the socket is closing; the next connection resumes from the DB
            logger.debug("send failed", exc_info=True)

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})

    async def send_state(self) -> dict[str, Any]:
        state = await db(build_state)(self.interview_id)
        await self.send_json(state)
        return state

    async def interview(self) -> MockInterview:
        return await MockInterview.objects.aget(pk=self.interview_id)

    async def interview_state(self, event: dict[str, Any]) -> None:
        """Group event: another connection changed the interview."""
        await self.send_state()

    # --- inbound -------------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            if bytes_data is not None:
                await self.on_audio(bytes_data)
                return
            data = parse_message(text_data or "")
            handler = getattr(self, "on_" + data["type"].replace(".", "_"))
            await handler(data)
        except BadMessage as exc:
            await self.send_error(exc.code, exc.message)
        except InvalidTransition:
            await self.send_error("out_of_state", "That action is not possible right now.")
            await self.send_state()
        except ValueError as exc:
            await self.send_error("invalid", str(exc))
        except Exception:
            logger.exception("Interview message failed")
            await self.send_error("internal", "Something went wrong; your answers are saved.")

    async def on_hello(self, data: dict[str, Any]) -> None:
        state = await self.send_state()
        if self.avatar is not None and self.avatar.status == AvatarSession.Status.READY:
            await self.send_connection()
        await self.resume(state, data.get("speaking_task_id") or "")

    on_resume = on_hello

    async def resume(self, state: dict[str, Any], speaking_task_id: str) -> None:
        """Pick the interview up where the database says it is."""
        current = state["state"]
        if current == S.PROCESSING and not self.busy(self.feedback_task):
            self.feedback_task = self.track(self.run_feedback(), "feedback")
        elif current == S.ASKING:
            text = state["asking_text"]
            if speaking_task_id:  # the page is still saying it: wait for its end event
                self.expect_speech(speaking_task_id, text)
            elif not self.pending_speech:
                await self.ask(text)
        elif current == S.FOLLOW_UP and not self.busy(self.follow_up_task):
            if state["follow_up"] is None and state["asking_text"] == "":
                self.follow_up_task = self.track(self.run_follow_up(), "follow-up")
            elif speaking_task_id:
                self.expect_speech(speaking_task_id, state["asking_text"])
            elif not self.pending_speech:
                await self.ask(state["asking_text"])

    @staticmethod
    def busy(task: asyncio.Task[Any] | None) -> bool:
        return task is not None and not task.done()

    # avatar events from the page

    async def on_avatar_ready(self, data: dict[str, Any]) -> None:
        if self.avatar is not None:
            await db(avatar_session_record_speech)(session=self.avatar, event="heartbeat")

    async def on_avatar_failed(self, data: dict[str, Any]) -> None:
        logger.info(
            "Interview %s: the page could not show the avatar (%s); using %s",
            self.public_id,
            str(data.get("reason", ""))[:200],
            str(data.get("mode", "fallback"))[:20],
        )

    async def on_avatar_speak_started(self, data: dict[str, Any]) -> None:
        if self.avatar is not None and data["task_id"] in self.pending_speech:
            await db(avatar_session_record_speech)(session=self.avatar, event="speak_started")

    async def on_avatar_speak_ended(self, data: dict[str, Any]) -> None:
        task_id = data["task_id"]
        if task_id not in self.pending_speech:
            return  # late or duplicate end event (the safety timeout already moved on)
        if self.avatar is not None:
            seconds = float(data.get("duration") or 0)
            await db(avatar_session_record_speech)(
                session=self.avatar, event="speak_ended", seconds=seconds
            )
        await self.speech_ended(task_id)

    # answering

    async def on_answer_start(self, data: dict[str, Any]) -> None:
        """The candidate starts answering; while the avatar is still asking, this interrupts it."""
        interview = await self.interview()
        if interview.status == S.LISTENING:
            return
        if interview.status not in (S.ASKING, S.FOLLOW_UP) or self.speech_open:
            raise InvalidTransition("MockInterview", interview.status, S.LISTENING)
        self.pending_speech.clear()
        await self.interrupt_avatar()
        await self.to_listening(reason="candidate started answering")

    async def on_answer_text(self, data: dict[str, Any]) -> None:
        text = data["text"].strip()
        if not text:
            raise ValueError("The typed answer is empty.")
        await self.save_segment(text, source="typed")

    async def on_answer_caption(self, data: dict[str, Any]) -> None:
        interview = await self.interview()
        if interview.status != S.LISTENING:
            raise InvalidTransition("MockInterview", interview.status, "recording")
        if data["final"] and data["text"].strip():
            await self.save_segment(data["text"], source="browser")

    async def on_answer_discard(self, data: dict[str, Any]) -> None:
        await self.close_live()
        await self.require_segments_saved()
        await db(services.attempt_discard)(interview=await self.interview())
        await self.send_state()

    async def on_answer_finish(self, data: dict[str, Any]) -> None:
        interview = await self.interview()
        if interview.status != S.LISTENING:
            raise InvalidTransition("MockInterview", interview.status, S.PROCESSING)
        # The transcriber's close and every other read are off this path: the follow-up model
        # waits for the feedback step (benchmarks, scenario 2).
        await self.finish_live(wait=FINALIZE_WAIT_SECONDS, close_later=True)
        await self.require_segments_saved()
        job = await db(submit_answer)(interview, float(data.get("duration") or 0), self.user_id)
        # Feedback starts now; its first messages wait for the state ("processing").
        outbox = Outbox(self.send_json)
        self.feedback_task = self.track(self.run_feedback(job, outbox), "feedback")
        try:
            await self.send_state()
        finally:
            await outbox.open()

    async def on_feedback_retry(self, data: dict[str, Any]) -> None:
        await db(services.attempt_retry_feedback)(interview=await self.interview())
        await self.send_state()
        self.feedback_task = self.track(self.run_feedback(), "feedback")

    async def on_attempt_retry(self, data: dict[str, Any]) -> None:
        await db(services.interview_retry_question)(interview=await self.interview())
        await self.send_state()

    async def on_followup_skip(self, data: dict[str, Any]) -> None:
        await self.drain_segments(within=SEGMENT_DRAIN_SECONDS)
        await db(services.follow_up_skip)(interview=await self.interview())
        if self.follow_up_task is not None:
            self.follow_up_task.cancel()
        self.drop_draft()
        self.pending_speech.clear()
        self.speech_open = False
        await self.close_live()
        await self.interrupt_avatar()
        await self.send_state()

    async def on_question_next(self, data: dict[str, Any]) -> None:
        interview = await db(services.interview_next)(interview=await self.interview())
        if interview.status == S.COMPLETED:
            await self.complete()
            return
        state = await self.send_state()
        await self.ask(state["asking_text"])

    async def on_interview_end(self, data: dict[str, Any]) -> None:
        interview = await self.interview()
        if interview.is_finished:
            raise InvalidTransition("MockInterview", interview.status, S.COMPLETED)
        await self.close_live()
        await self.drain_segments(within=SEGMENT_DRAIN_SECONDS)
        await db(services.interview_complete)(interview=interview, reason="ended by candidate")
        await self.complete()

    async def complete(self) -> None:
        for task in (self.feedback_task, self.follow_up_task):
            if task is not None:
                task.cancel()
        self.drop_draft()
        self.pending_speech.clear()
        if self.avatar_task is not None:
            self.avatar_task.cancel()
        session = await db(current_avatar_session)(self.interview_id)
        if session is not None:
            try:
                await asyncio.wait_for(
                    avatar_session_stop(session=session, reason="interview completed"),
                    timeout=settings.PROVIDER_TIMEOUT + 5,
                )
            except (ProviderError, TimeoutError):
                logger.warning("Stopping avatar session %s failed", session.public_id)
        self.avatar = None
        await self.send_state()
        await self.channel_layer.group_send(self.group, {"type": "interview.state"})

    # --- audio and transcripts -----------------------------------------------------------

    async def on_audio(self, chunk: bytes) -> None:
        if len(chunk) > settings.WS_MAX_AUDIO_CHUNK_BYTES:
            raise BadMessage(
                "too_large",
                f"Audio chunks are limited to {settings.WS_MAX_AUDIO_CHUNK_BYTES} bytes.",
            )
        transcriber = get_transcriber()
        if not transcriber.supports_live_audio:
            if not self.warned_audio:
                self.warned_audio = True
                await self.send_error(
                    "audio_unsupported", "Live audio is not used here; captions come from the page."
                )
            return
        if self.live is None:
            # The state is read once per answer, when the transcriber opens: every way out of
            # listening on this socket closes the stream. A query per 250 ms chunk kept the
            # database thread busy and delayed captions (benchmarks, scenario 3).
            interview = await self.interview()
            if interview.status != S.LISTENING:
                raise BadMessage("out_of_state", "Audio arrived while not listening.")
            try:
                self.live = await asyncio.wait_for(
                    transcriber.open_live(), timeout=settings.PROVIDER_TIMEOUT
                )
            except (ProviderError, TimeoutError) as exc:
                self.live = None
                await self.send_error(
                    "transcriber_failed",
                    f"Live captions are unavailable ({exc}); you can type your answer.",
                )
                return
            self.live_flushed = asyncio.Event()
            self.live_reader = self.track(self.read_live(self.live), "transcriber")
        try:
            await self.live.send(chunk)
        except ProviderError as exc:
            await self.close_live()
            await self.send_error(
                "transcriber_failed", f"Live captions stopped ({exc.user_message})."
            )

    async def read_live(self, live: LiveTranscription) -> None:
        try:
            async for event in live.events():
                if event.kind == "interim" and event.text:
                    await self.send_json({"type": "caption", "text": event.text, "final": False})
                elif event.kind == "final":
                    if event.text.strip():
                        # The socket's writer saves it (in order) and then sends the caption,
                        # so a final the page shows is saved; this reader goes straight on
                        # relaying interims. Saving here made every caption after a final
                        # wait for an SQLite write (benchmarks, scenario 3).
                        words = [
                            {"word": w.word, "start": w.start, "end": w.end} for w in event.words
                        ]
                        self.queue_segment(
                            services.Segment(
                                text=event.text,
                                source="transcriber",
                                words=words,
                                end_seconds=event.start + event.duration,
                            ),
                            echo=True,
                        )
                    if event.from_finalize:
                        self.live_flushed.set()
                elif event.kind in ("closed", "error"):
                    if event.kind == "error":
                        await self.send_error(
                            "transcriber_failed",
                            "Live captions stopped; you can keep typing your answer.",
                        )
                    break
        except ProviderError as exc:
            await self.send_error("transcriber_failed", exc.user_message)
        finally:
            self.live_flushed.set()

    async def save_segment(self, text: str, *, source: str) -> None:
        """Typed text and browser captions: saved (in order behind any queued transcriber
        finals) before they are echoed; errors go back to the sender."""
        saved: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.queue_segment(services.Segment(text=text, source=source), saved=saved)
        await saved
        await self.send_json(
            {"type": "caption", "text": " ".join(text.split()), "final": True, "source": source}
        )

    def queue_segment(
        self,
        segment: services.Segment,
        *,
        saved: asyncio.Future[None] | None = None,
        echo: bool = False,
    ) -> None:
        self.segments.put_nowait(PendingSegment(segment, saved, echo))
        if self.writer is None or self.writer.done():
            self.writer = self.track(self.write_segments(), "segment-writer")

    async def write_segments(self) -> None:
        """The socket's ordered writer: saves queued finals, consecutive ones in one UPDATE."""
        while True:
            batch = [await self.segments.get()]
            while not self.segments.empty() and len(batch) < SEGMENT_BATCH:
                batch.append(self.segments.get_nowait())
            try:
                await self.write_batch(batch)
            finally:
                for _ in batch:
                    self.segments.task_done()

    async def write_batch(self, batch: list[PendingSegment]) -> None:
        retry = 0
        while True:
            try:
                await db(save_segments)(self.interview_id, [p.segment for p in batch])
            except InvalidTransition as exc:  # the answer ended (discarded, submitted, left)
                for pending in batch:
                    if pending.saved is not None:
                        pending.saved.set_exception(exc)
                    else:
                        logger.info("Transcript segment after the answer ended was dropped")
                return
            except ValueError as exc:  # too long: find which segment does not fit
                if len(batch) > 1:
                    for pending in batch:
                        await self.write_batch([pending])
                    return
                if batch[0].saved is not None:
                    batch[0].saved.set_exception(exc)
                else:
                    await self.send_error("invalid", f"{exc} The rest was not saved.")
                return
            except Exception:  # e.g. a locked or unreachable database: never drop, retry
                delay = SEGMENT_RETRY_DELAYS[min(retry, len(SEGMENT_RETRY_DELAYS) - 1)]
                logger.exception("Saving %d transcript segments failed; retrying", len(batch))
                if retry == 0:
                    await self.send_error(
                        "save_delayed", "Saving your answer is delayed; retrying. Keep going."
                    )
                retry += 1
                await asyncio.sleep(delay)
                continue
            for pending in batch:
                if pending.saved is not None and not pending.saved.done():
                    pending.saved.set_result(None)
                if pending.echo:
                    await self.send_json(
                        {
                            "type": "caption",
                            "text": " ".join(pending.segment.text.split()),
                            "final": True,
                            "source": pending.segment.source,
                        }
                    )
            return

    async def drain_segments(self, *, within: float) -> bool:
        """Wait until every queued final segment is saved; False if that took too long."""
        try:
            await asyncio.wait_for(self.segments.join(), timeout=within)
        except TimeoutError:
            return False
        return True

    async def require_segments_saved(self) -> None:
        if not await self.drain_segments(within=SEGMENT_DRAIN_SECONDS):
            raise BadMessage(
                "save_delayed", "Your last words are still being saved; try again in a moment."
            )

    async def finish_live(self, *, wait: float, close_later: bool = False) -> None:
        """Flush the transcriber (its last final is queued for saving), then close it; with
        `close_later` the close runs in the background (disconnect waits for it)."""
        live = self.live
        if live is None:
            return
        try:
            await asyncio.wait_for(live.finalize(), timeout=wait)
            await asyncio.wait_for(self.live_flushed.wait(), timeout=wait)
        except (ProviderError, TimeoutError):
            logger.info("The transcriber did not flush in time")
        if close_later:
            closer = asyncio.create_task(self.close_live(), name="interview-close-transcriber")
            self.closers.add(closer)
            closer.add_done_callback(self.closers.discard)
            return
        await self.close_live()

    async def close_live(self) -> None:
        live, self.live = self.live, None
        reader, self.live_reader = self.live_reader, None
        if live is not None:
            try:
                await asyncio.wait_for(live.close(), timeout=5)
            except (ProviderError, TimeoutError):
                logger.info("Closing the live transcriber failed")
        if reader is not None:
            reader.cancel()

    # --- speaking ------------------------------------------------------------------------

    async def ask(self, text: str) -> None:
        """Say the question (one utterance) and listen once the page reports it ended."""
        if not text:
            return
        self.speech_open = True
        await self.say(text)
        await self.speech_generated()

    async def say(self, text: str) -> str:
        task_id = ""
        session = self.avatar
        if (
            session is not None
            and session.status == AvatarSession.Status.READY
            and get_avatar_provider(session.provider).server_side_speech
        ):
            try:
                task_id = await asyncio.wait_for(
                    avatar_session_speak(session=session, text=text),
                    timeout=settings.PROVIDER_TIMEOUT,
                )
            except (ProviderError, TimeoutError) as exc:
                logger.warning("Avatar speak failed (%s); the page speaks instead", exc)
        task_id = task_id or f"local-{secrets.token_hex(6)}"
        self.expect_speech(task_id, text)
        await self.send_json(
            {
                "type": "avatar.speak",
                "text": text,
                "task_id": task_id,
                "timeout": browser_speech_timeout(text),
            }
        )
        return task_id

    def expect_speech(self, task_id: str, text: str) -> None:
        self.pending_speech[task_id] = text
        self.track(self.speech_safety(task_id, server_speech_timeout(text)), "speech-timeout")

    async def speech_safety(self, task_id: str, seconds: float) -> None:
        await asyncio.sleep(seconds)
        if task_id in self.pending_speech:
            logger.info("No end event for speech task %s; moving on", task_id)
            await self.speech_ended(task_id)

    async def speech_ended(self, task_id: str) -> None:
        self.pending_speech.pop(task_id, None)
        if not self.pending_speech and not self.speech_open:
            await self.to_listening(reason="question spoken")

    async def speech_generated(self) -> None:
        self.speech_open = False
        if not self.pending_speech:
            await self.to_listening(reason="question spoken")

    async def to_listening(self, *, reason: str) -> None:
        self.drop_draft()  # a follow-up nobody took (a new answer starts)
        try:
            await db(services.interview_listen)(interview=await self.interview(), reason=reason)
        except InvalidTransition:
            return  # already listening, or the candidate moved on
        await self.send_state()

    async def interrupt_avatar(self) -> None:
        session = self.avatar
        if session is None or session.status != AvatarSession.Status.READY:
            return
        try:
            from avatars.services import avatar_session_interrupt

            await asyncio.wait_for(
                avatar_session_interrupt(session=session), timeout=settings.PROVIDER_TIMEOUT
            )
        except (ProviderError, TimeoutError):
            logger.info("Interrupting the avatar failed")

    # --- the avatar session --------------------------------------------------------------

    async def keep_heartbeat(self) -> None:
        """While the page is connected the avatar is in use, even when nobody speaks (a long
        answer, reading feedback): keep its heartbeat fresh so the reaper leaves it alone.
        Once the page is gone the heartbeat stops and the reaper ends the vendor session."""
        while True:
            await asyncio.sleep(max(0.2, settings.AVATAR_HEARTBEAT_TIMEOUT / 3))
            session = self.avatar
            if session is not None and session.status == AvatarSession.Status.READY:
                await db(avatar_session_heartbeat)(session=session)

    async def send_connection(self) -> None:
        session = self.avatar
        if session is None:
            return
        await self.send_json(
            {
                "type": "avatar.connection",
                "status": "ready",
                "provider": session.provider,
                "connection": session.connection,
            }
        )

    async def ensure_avatar(self) -> None:
        """Start (or reuse) the interview's avatar session, retrying with backoff."""
        session = await db(current_avatar_session)(self.interview_id)
        if session is not None and session.status == AvatarSession.Status.READY:
            self.avatar = session
            await self.send_connection()
            return
        if session is not None and session.is_live:  # left half-started by a dropped connection
            try:
                await avatar_session_stop(session=session, reason="restarting")
            except ProviderError:
                logger.info("Stopping a stale avatar session failed")
        options = await db(avatar_options)(self.user_id)
        error = ""
        for attempt in range(1, AVATAR_START_ATTEMPTS + 1):
            await self.send_json(
                {
                    "type": "avatar.connection",
                    "status": "connecting",
                    "attempt": attempt,
                    "provider": settings.AVATAR_PROVIDER,
                }
            )
            session = await db(avatar_session_create)(
                purpose=AvatarSession.Purpose.INTERVIEW, subject=self.public_id, options=options
            )
            await db(services.interview_attach_avatar)(
                interview=await self.interview(), session_id=session.pk
            )
            session = await avatar_session_start(session=session)
            if session.status == AvatarSession.Status.READY:
                self.avatar = session
                await self.send_connection()
                return
            error = session.error or "The avatar did not start."
            if attempt < AVATAR_START_ATTEMPTS:
                delay = AVATAR_RETRY_DELAYS[min(attempt - 1, len(AVATAR_RETRY_DELAYS) - 1)]
                await self.send_json(
                    {
                        "type": "avatar.connection",
                        "status": "retrying",
                        "attempt": attempt,
                        "retry_in": delay,
                        "message": error,
                    }
                )
                await asyncio.sleep(delay)
        await self.send_json(
            {"type": "avatar.connection", "status": "failed", "message": error, "fallback": "voice"}
        )

    # --- feedback and follow-ups ---------------------------------------------------------

    async def run_feedback(
        self, job: FeedbackJob | None = None, outbox: Outbox | None = None
    ) -> None:
        """Feedback for the submitted answer; then, when the coach found a gap, the follow-up.

        The follow-up model is called the moment the coach's verdict is in (before the
        feedback is saved and the state re-read), so its first sentence is ready sooner; a
        slow coach gets a head start of FOLLOW_UP_HEDGE_SECONDS, after which the follow-up is
        written on the local analysis's gap and held until the coach confirms it."""
        if job is None:
            job = await db(feedback_job)(self.interview_id, self.user_id)
            if job is None:
                await self.send_state()
                return
        attempt = job.attempt
        model = get_language_model()
        if outbox is None:
            outbox = Outbox(self.send_json)
            await outbox.open()
        hedge: asyncio.Task[Any] | None = None
        if model is not None and job.follow_ups_left > 0 and job.limited is None:
            hedge = self.track(self.hedge_follow_up(job), "follow-up-hedge")
        final: dict[str, Any] | None = None
        try:
            if job.limited is not None:
                raise job.limited
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
        except (ProviderError, RateLimited, TimeoutError, Exception) as exc:
            if hedge is not None:
                hedge.cancel()
            self.drop_draft()
            message = (
                exc.user_message
                if isinstance(exc, ProviderError)
                else str(exc)
                if isinstance(exc, RateLimited)
                else "The feedback could not be generated."
            )
            if not isinstance(exc, ProviderError | RateLimited):
                logger.exception("Feedback failed")
            await outbox.opened.wait()
            await db(services.attempt_fail_feedback)(attempt=attempt, reason=message)
            await self.send_error("feedback_failed", message + " Your answer is saved.")
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
        attempt, started, state = await db(record_feedback)(
            self.interview_id, attempt, final, follow_up=wanted
        )
        await self.send_json(
            {"type": "feedback.final", "attempt": attempt_dict(attempt), "feedback": final}
        )
        await self.send_json(state)
        if started:
            self.follow_up_task = self.track(self.run_follow_up(), "follow-up")
        else:
            self.drop_draft()  # the coach found nothing to probe: never said

    async def hedge_follow_up(self, job: FeedbackJob) -> None:
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
        draft.task = self.track(
            self.write_follow_up(draft, {**job.context, "gap": gap}, model), "follow-up-draft"
        )
        self.draft = draft

    def drop_draft(self) -> None:
        draft, self.draft = self.draft, None
        if draft is not None and draft.task is not None:
            draft.task.cancel()

    async def write_follow_up(self, draft: FollowUpDraft, ctx: dict[str, Any], model: Any) -> None:
        """Stream the follow-up from the model, cut into sentences, into the draft."""
        try:
            async with asyncio.timeout(settings.PROVIDER_TIMEOUT * 2):
                messages = follow_up_messages(ctx)
                deltas = stream_with_retries(lambda: model.stream_text(messages, max_tokens=120))
                async for sentence in iter_sentences(deltas):
                    sentence = sentence.strip()
                    if sentence:
                        draft.sentences.put_nowait(sentence)
        except (ProviderError, TimeoutError) as exc:
            logger.warning("Follow-up generation failed: %s", exc)
        finally:
            draft.sentences.put_nowait(None)

    async def run_follow_up(self) -> None:
        """Say the follow-up sentence by sentence as the model writes it (the interview is in
        follow_up: the feedback is saved and shown), then save it and listen."""
        draft, self.draft = self.draft, None
        if draft is None:  # a reconnect in follow_up: write it again
            ctx = await db(follow_up_context)(self.interview_id)
            if ctx is None:
                return
            draft = FollowUpDraft(gap=ctx["gap"], fallback=ctx["gap"] or DEFAULT_FOLLOW_UP)
            model = get_language_model()
            if model is not None:
                draft.task = self.track(self.write_follow_up(draft, ctx, model), "follow-up-draft")
            else:
                draft.sentences.put_nowait(None)
        self.speech_open = True
        spoken: list[str] = []
        try:
            while (sentence := await draft.sentences.get()) is not None:
                spoken.append(sentence)
                await self.say(sentence)
            if not spoken:
                spoken = [draft.fallback or DEFAULT_FOLLOW_UP]
                await self.say(spoken[0])
            text = " ".join(spoken)
            await db(services.follow_up_create)(
                interview=await self.interview(), text=text, gap=draft.gap
            )
            await self.send_json({"type": "followup", "text": text})
        except InvalidTransition:
            self.pending_speech.clear()
            self.speech_open = False
            return
        finally:
            if draft.task is not None:
                draft.task.cancel()
        await self.speech_generated()
