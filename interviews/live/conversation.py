"""One interview's live conversation: the interview's responder on the shared voice session.

The interview contributes what is said (the question, the coach's feedback, the follow-up) and
its policy (the candidate ends an answer with "Finish answer"; starting to answer stops the
avatar); the session (`avatars.voice.pipeline`) listens, speaks and times each turn. Every
decision about state is a service call (a conditional transition in the database), so a
reconnecting page, a duplicated event or a message in the wrong state can never corrupt the
interview. Long work (avatar start, feedback, follow-up, the live transcriber) runs in the
socket's task set and is cancelled on disconnect; the database keeps enough state to resume it
on the next connection. Tests drive this class without a WebSocket: give it a `send`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from avatars.models import AvatarSession, VoiceTurn
from avatars.providers.base import ProviderError, TranscriptEvent
from avatars.services import avatar_session_heartbeat, avatar_session_stop
from avatars.voice.messages import BadMessage, error_frame
from avatars.voice.pipeline import Policy, Responder, Utterance, VoiceSession
from avatars.voice.presence import keep_present
from avatars.voice.tasks import TaskSet
from avatars.voice.transport import SocketTransport
from config.errors import InvalidInput
from config.lifecycle import InvalidTransition
from interviews import services
from interviews.live.avatar import connection_frame, interview_avatar_start
from interviews.live.feedback import FeedbackFlow, Outbox
from interviews.live.segments import SEGMENT_DRAIN_SECONDS, SegmentWriter
from interviews.models import MockInterview
from interviews.selectors.live import build_state, current_avatar_session
from interviews.services.feedback import attempt_submit_for_feedback

logger = logging.getLogger(__name__)
db = database_sync_to_async
S = MockInterview.Status

FINALIZE_WAIT_SECONDS = 3.0
INTERVIEW_POLICY = Policy(turn_kind=VoiceTurn.Kind.INTERVIEW, speak_frame="avatar.speak")

Send = Callable[[dict[str, Any]], Awaitable[None]]
Signal = Callable[[], Awaitable[None]]


class InterviewConversation(Responder):
    feedback_class = FeedbackFlow

    def __init__(
        self,
        *,
        interview_id: int,
        public_id: str,
        user_id: int,
        send: Send,
        tasks: TaskSet,
        notify_others: Signal | None = None,
    ) -> None:
        self.interview_id = interview_id
        self.public_id = public_id
        self.user_id = user_id
        self.send = send
        self.tasks = tasks
        self.notify_others = notify_others
        self.model_provider = settings.LLM_PROVIDER
        self.avatar: AvatarSession | None = None
        self.warned_audio = False
        self.voice = VoiceSession(
            transport=SocketTransport(send),
            responder=self,
            policy=INTERVIEW_POLICY,
            tasks=tasks,
            conversation=public_id,
            avatar=lambda: self.avatar,
        )
        self.segments = SegmentWriter(interview_id, tasks, send)
        self.feedback = self.feedback_class(
            interview_id=interview_id,
            user_id=user_id,
            send=send,
            send_state=self.send_state,
            tasks=tasks,
            voice=self.voice,
        )

    # --- plumbing ------------------------------------------------------------------------

    async def send_error(self, code: str, message: str) -> None:
        await self.send(error_frame(code, message))

    async def send_state(self) -> dict[str, Any]:
        state = await db(build_state)(self.interview_id)
        await self.send(state)
        return state

    async def interview(self) -> MockInterview:
        return await MockInterview.objects.aget(pk=self.interview_id)

    # --- the socket opens and closes -----------------------------------------------------

    async def opened(self, interview: MockInterview) -> None:
        await db(services.interview_open)(interview=interview)
        await self.send_state()
        if not interview.is_finished:
            self.tasks.track(self.start_avatar(), key="avatar")
            self.tasks.track(keep_present(self.heartbeat), key="presence")

    async def start_avatar(self) -> None:
        self.avatar = await interview_avatar_start(
            interview_id=self.interview_id,
            public_id=self.public_id,
            user_id=self.user_id,
            send=self.send,
        )

    async def heartbeat(self) -> None:
        if self.avatar is not None and self.avatar.status == AvatarSession.Status.READY:
            await db(avatar_session_heartbeat)(session=self.avatar)

    async def closed(self) -> None:
        """Flush what the transcriber still holds and save every queued final."""
        await self.voice.close(flush=1.5)
        if not await self.segments.drain(within=5.0):
            logger.error(
                "Interview %s: %d final segments could not be saved before the socket closed",
                self.public_id,
                self.segments.backlog(),
            )

    async def hello(self, speaking_task_id: str) -> None:
        state = await self.send_state()
        if self.avatar is not None and self.avatar.status == AvatarSession.Status.READY:
            await self.send(connection_frame(self.avatar))
        await self.resume(state, speaking_task_id)

    async def resume(self, state: dict[str, Any], speaking_task_id: str) -> None:
        """Pick the interview up where the database says it is."""
        current = state["state"]
        speaker = self.voice.speaker
        if current == S.PROCESSING and not self.tasks.busy("feedback"):
            self.tasks.track(self.feedback.run(), key="feedback")
        elif current == S.ASKING:
            if speaking_task_id:  # the page is still saying it: wait for its end event
                speaker.expect(speaking_task_id, Utterance(state["asking_text"]))
            elif not speaker.pending:
                await self.ask(state["asking_text"])
        elif current == S.FOLLOW_UP and not self.tasks.busy("follow-up"):
            if state["follow_up"] is None and state["asking_text"] == "":
                self.tasks.track(self.feedback.say_follow_up(), key="follow-up")
            elif speaking_task_id:
                speaker.expect(speaking_task_id, Utterance(state["asking_text"]))
            elif not speaker.pending:
                await self.ask(state["asking_text"])

    # --- speaking (the responder's side of the session) ------------------------------------

    async def ask(self, text: str) -> None:
        """Say the question (one utterance); listening starts once the page says it ended."""
        if text:
            await self.voice.speak([Utterance(text)])

    async def spoken(self) -> None:
        await self.to_listening(reason="question spoken")

    async def final(self, event: TranscriptEvent) -> None:
        # The writer saves it (in order) and then sends the caption: a final the page shows is
        # saved, and the transcriber's reader goes straight on relaying interims.
        words = [{"word": w.word, "start": w.start, "end": w.end} for w in event.words]
        self.segments.put(
            services.Segment(
                text=event.text,
                source="transcriber",
                words=words,
                end_seconds=event.start + event.duration,
            ),
            echo=True,
        )

    async def to_listening(self, *, reason: str) -> None:
        self.feedback.drop_draft()  # a follow-up nobody took (a new answer starts)
        await self.voice.record_turn()
        try:
            await db(services.interview_listen)(interview=await self.interview(), reason=reason)
        except InvalidTransition:
            return  # already listening, or the candidate moved on
        await self.send_state()

    # --- avatar events from the page -----------------------------------------------------

    def avatar_failed(self, reason: str, mode: str) -> None:
        logger.info(
            "Interview %s: the page could not show the avatar (%s); using %s",
            self.public_id,
            reason,
            mode[:20] or "fallback",
        )

    async def avatar_ready(self) -> None:
        await self.voice.avatar_ready()

    async def speak_started(self, task_id: str) -> None:
        await self.voice.speak_started(task_id)

    async def speak_ended(self, task_id: str, seconds: float) -> None:
        await self.voice.speak_ended(task_id, seconds)

    # --- answering -----------------------------------------------------------------------

    async def answer_start(self) -> None:
        """The candidate starts answering; while the avatar is still asking, this interrupts it."""
        interview = await self.interview()
        if interview.status == S.LISTENING:
            return
        if interview.status not in (S.ASKING, S.FOLLOW_UP) or self.voice.speaker.open:
            raise InvalidTransition("MockInterview", interview.status, S.LISTENING)
        await self.voice.stop_speaking()
        await self.to_listening(reason="candidate started answering")

    async def answer_text(self, text: str) -> None:
        if not text.strip():
            raise InvalidInput("The typed answer is empty.")
        await self.segments.save(text.strip(), source="typed")

    async def answer_caption(self, text: str, final: bool) -> None:
        interview = await self.interview()
        if interview.status != S.LISTENING:
            raise InvalidTransition("MockInterview", interview.status, "recording")
        if final and text.strip():
            await self.segments.save(text, source="browser")

    async def answer_discard(self) -> None:
        await self.voice.listener.close()
        await self.segments.require_saved()
        await db(services.attempt_discard)(interview=await self.interview())
        await self.send_state()

    async def answer_finish(self, duration: float) -> None:
        interview = await self.interview()
        if interview.status != S.LISTENING:
            raise InvalidTransition("MockInterview", interview.status, S.PROCESSING)
        self.voice.start_turn()
        # The transcriber closes in the background and every other read is off this path:
        # the feedback (and the follow-up model after it) starts as soon as the answer is in.
        await self.voice.listener.finish(wait=FINALIZE_WAIT_SECONDS, close_later=True)
        await self.segments.require_saved()
        job = await db(attempt_submit_for_feedback)(
            interview=interview, duration=duration, user_id=self.user_id
        )
        # Feedback starts now; its first messages wait for the state ("processing").
        outbox = Outbox(self.send)
        self.tasks.track(self.feedback.run(job, outbox), key="feedback")
        try:
            await self.send_state()
        finally:
            await outbox.open()

    async def feedback_retry(self) -> None:
        await db(services.attempt_retry_feedback)(interview=await self.interview())
        await self.send_state()
        self.tasks.track(self.feedback.run(), key="feedback")

    async def attempt_retry(self) -> None:
        await db(services.interview_retry_question)(interview=await self.interview())
        await self.send_state()

    async def followup_skip(self) -> None:
        await self.segments.drain(within=SEGMENT_DRAIN_SECONDS)
        await db(services.follow_up_skip)(interview=await self.interview())
        self.tasks.cancel("follow-up")
        self.feedback.drop_draft()
        await self.voice.listener.close()
        await self.voice.stop_speaking()
        await self.voice.record_turn()
        await self.send_state()

    async def question_next(self) -> None:
        interview = await db(services.interview_next)(interview=await self.interview())
        if interview.status == S.COMPLETED:
            await self.complete()
            return
        state = await self.send_state()
        await self.ask(state["asking_text"])

    async def interview_end(self) -> None:
        interview = await self.interview()
        if interview.is_finished:
            raise InvalidTransition("MockInterview", interview.status, S.COMPLETED)
        await self.voice.listener.close()
        await self.segments.drain(within=SEGMENT_DRAIN_SECONDS)
        await db(services.interview_complete)(interview=interview, reason="ended by candidate")
        await self.complete()

    async def complete(self) -> None:
        for key in ("feedback", "follow-up", "avatar"):
            self.tasks.cancel(key)
        self.feedback.drop_draft()
        self.voice.speaker.clear()
        session = await db(current_avatar_session)(self.interview_id)
        if session is not None:
            try:
                async with asyncio.timeout(settings.PROVIDER_TIMEOUT + 5):
                    await avatar_session_stop(session=session, reason="interview completed")
            except (ProviderError, TimeoutError):
                logger.warning("Stopping avatar session %s failed", session.public_id)
        self.avatar = None
        await self.send_state()
        if self.notify_others is not None:
            await self.notify_others()

    # --- audio and transcripts -----------------------------------------------------------

    async def audio(self, chunk: bytes) -> None:
        if not self.voice.listener.available():
            if not self.warned_audio:
                self.warned_audio = True
                await self.send_error(
                    "audio_unsupported", "Live audio is not used here; captions come from the page."
                )
            return
        if not self.voice.listener.is_open:
            # The state is read once per answer, when the transcriber opens: every way out of
            # listening on this socket closes the stream, and a query per chunk would keep the
            # database thread busy while captions wait.
            interview = await self.interview()
            if interview.status != S.LISTENING:
                raise BadMessage("out_of_state", "Audio arrived while not listening.")
            if not await self.voice.listener.open():
                return
        await self.voice.listener.send(chunk)
