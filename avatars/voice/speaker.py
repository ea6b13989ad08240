"""The speaker: says text through the vendor avatar or, failing that, the browser.

Every utterance gets a task id (the vendor's, or a local one when the page speaks) and is sent
to the page with the page's safety timeout. The page reports when speech starts and ends; when
no end event arrives the server's own, later, safety timeout ends it. Once nothing is pending
and the speaker's turn is complete (`done()`), `on_idle` runs (the app starts listening).
`interrupt()` stops the vendor avatar too, not only the page.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from avatars.models import AvatarSession
from avatars.providers.base import ProviderError
from avatars.providers.registry import get_avatar_provider
from avatars.services import avatar_session_interrupt, avatar_session_speak
from avatars.voice.tasks import TaskSet
from avatars.voice.timings import TurnClock

logger = logging.getLogger(__name__)

Deliver = Callable[[dict[str, Any]], Awaitable[None]]
Signal = Callable[[], Awaitable[None]]


# --- The speech-time rule: the one definition (the pages get it from the server through
# static/js/voice.js, the rooms' talk time uses `spoken_seconds`) ----------------------------

WORDS_PER_SECOND = 2.5  # about 150 words a minute
MIN_SPEECH_SECONDS = 1.5


def spoken_seconds(text: str) -> float:
    """How long saying `text` takes at the usual pace (talk time)."""
    return len(text.split()) / WORDS_PER_SECOND


def speech_seconds(text: str) -> float:
    """How long an avatar takes to say `text`, at least MIN_SPEECH_SECONDS."""
    return max(MIN_SPEECH_SECONDS, spoken_seconds(text))


#: The page treats speech as ended after speech_seconds x FACTOR + EXTRA without an end event.
BROWSER_TIMEOUT_FACTOR = 1.5
BROWSER_TIMEOUT_EXTRA = 3.0


def browser_speech_timeout(text: str) -> float:
    """The page treats speech as ended after this long without an end event."""
    return round(speech_seconds(text) * BROWSER_TIMEOUT_FACTOR + BROWSER_TIMEOUT_EXTRA, 1)


def server_speech_timeout(text: str) -> float:
    """The server's own safety net: a little later than the page's, so the page normally wins."""
    return round(speech_seconds(text) * 2.0 + 8.0, 1)


# --- Vendor calls, each bounded by a timeout ------------------------------------------------


def vendor_speaks(session: AvatarSession | None) -> bool:
    return (
        session is not None
        and session.status == AvatarSession.Status.READY
        and bool(session.provider_session_id)
        and get_avatar_provider(session.provider).server_side_speech
    )


async def vendor_speak(session: AvatarSession | None, text: str) -> str:
    """The vendor's task id, or "" when the page must speak (no vendor speech, or it failed)."""
    if session is None or not vendor_speaks(session):
        return ""
    try:
        async with asyncio.timeout(settings.PROVIDER_TIMEOUT):
            return await avatar_session_speak(session=session, text=text)
    except (ProviderError, TimeoutError) as exc:
        logger.warning("Avatar speak failed (%s); the page speaks instead", exc)
        return ""


async def vendor_interrupt(session: AvatarSession | None) -> bool:
    """Stop the vendor avatar mid-sentence; False when there was none or the call failed."""
    if session is None or not vendor_speaks(session):
        return False
    try:
        async with asyncio.timeout(settings.PROVIDER_TIMEOUT):
            await avatar_session_interrupt(session=session)
    except (ProviderError, TimeoutError):
        logger.info("Interrupting the avatar failed")
        return False
    return True


def local_task_id() -> str:
    return f"local-{secrets.token_hex(6)}"


def speak_frame(text: str, task_id: str, kind: str = "avatar.speak") -> dict[str, Any]:
    return {"type": kind, "text": text, "task_id": task_id, "timeout": browser_speech_timeout(text)}


@dataclass(frozen=True)
class Utterance:
    """One thing the avatar says; `extra` rides along in the speak frame (a line's id)."""

    text: str
    extra: Mapping[str, Any] = field(default_factory=dict)


class Speaker:
    def __init__(
        self,
        tasks: TaskSet,
        *,
        session: Callable[[], AvatarSession | None],
        deliver: Deliver,
        on_idle: Signal,
        frame_type: str = "avatar.speak",
    ) -> None:
        self.tasks = tasks
        self.frame_type = frame_type
        self.session = session
        self.deliver = deliver
        self.on_idle = on_idle
        self.pending: dict[str, Utterance] = {}
        self.open = False  # more of this turn is still being written
        self.clock: TurnClock | None = None

    @property
    def speaking(self) -> bool:
        return self.open or bool(self.pending)

    def begin(self, clock: TurnClock | None = None) -> None:
        """A turn of possibly several utterances starts; idle waits for `done()`."""
        self.open = True
        if clock is not None:
            self.clock = clock

    async def say(self, utterance: Utterance) -> str:
        """Speak it (the vendor, else the page); the speak frame carries `extra`."""
        text = utterance.text
        task_id = await vendor_speak(self.session(), text) or local_task_id()
        self.expect(task_id, utterance)
        if self.clock is not None:
            self.clock.mark("speak_command")
        await self.deliver({**speak_frame(text, task_id, self.frame_type), **utterance.extra})
        return task_id

    def expect(self, task_id: str, utterance: Utterance) -> None:
        """The page is saying `task_id`; end it ourselves if the page never reports it."""
        self.pending[task_id] = utterance
        self.tasks.track(self._safety(task_id, server_speech_timeout(utterance.text)))

    async def _safety(self, task_id: str, seconds: float) -> None:
        await asyncio.sleep(seconds)
        if task_id in self.pending:
            logger.info("No end event for speech task %s; moving on", task_id)
            await self.ended(task_id)

    def started(self, task_id: str) -> bool:
        if task_id not in self.pending:
            return False
        if self.clock is not None:
            self.clock.mark("avatar_talking")
        return True

    async def ended(self, task_id: str) -> bool:
        """The page (or the safety timeout) ended `task_id`; False for late or unknown ids."""
        if self.pending.pop(task_id, None) is None:
            return False
        if not self.speaking:
            await self.on_idle()
        return True

    async def done(self) -> None:
        """The turn is fully written; idle once the page has said it all."""
        self.open = False
        if not self.pending:
            await self.on_idle()

    def clear(self) -> None:
        self.pending.clear()
        self.open = False

    async def interrupt(self) -> bool:
        """Stop speaking now (the user talked over us): the page and the vendor avatar."""
        was_speaking = self.speaking
        self.clear()
        if self.clock is not None:
            self.clock.interrupted = True
        await vendor_interrupt(self.session())
        return was_speaking
