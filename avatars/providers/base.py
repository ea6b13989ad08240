"""The provider interfaces: one Protocol per capability, small frozen dataclasses, one error type.

Everything outside `avatars.providers` talks to vendors only through these types, obtained from
`avatars.providers.registry`. Every implementation puts a timeout on every outbound call and
raises `ProviderError` (never a vendor exception) with `permanent` telling callers whether a retry
can help.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from config.errors import ProviderUnavailable


class ProviderError(Exception):
    """A failed call to an outside service.

    permanent: True when retrying cannot help (401, unknown avatar, bad parameters);
    False for 429, 5xx, timeouts, dropped connections and vendor concurrency caps.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        provider: str = "",
        code: str = "",
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.provider = provider
        self.code = code
        self.status = status
        self.retry_after = retry_after

    @property
    def user_message(self) -> str:
        """A sentence safe to show a user (no keys, no vendor internals)."""
        if self.code == "concurrency_limit":
            # Also the final word when retries ran out: promise nothing automatic.
            return "All avatar slots at the vendor are busy right now; try again in a minute."
        if self.permanent:
            # The vendor's own text (self.message) goes to the log only: it can name internals.
            reason = PERMANENT_REASONS.get(self.code)
            detail = f" ({reason})" if reason else ""
            return f"The {self.provider or 'provider'} service refused the request{detail}."
        return f"The {self.provider or 'provider'} service is not answering right now."

    def application_error(self) -> ProviderUnavailable:
        """How views and sockets tell it (config.errors.as_application_error)."""
        return ProviderUnavailable(self.user_message, retryable=not self.permanent)


# What a user may be told about a permanent refusal, by ProviderError.code.
PERMANENT_REASONS = {
    "unauthorized": "the API key was refused",
    "avatar_not_found": "unknown avatar",
    "session_not_found": "the session is gone",
    "session_closed": "the session is closed",
    "no_credits": "no credits left on the account",
    "insufficient_quota": "no quota left on the account",
    "model_not_found": "unknown model",
    "bad_request": "invalid request parameters",
}


# --- Avatar video -------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogItem:
    id: str
    name: str
    language: str = ""
    gender: str = ""
    preview_url: str = ""


@dataclass(frozen=True)
class AvatarStartOptions:
    avatar_id: str = ""
    voice_id: str = ""
    quality: str = "medium"  # low | medium | high
    language: str = "en"
    speaking_rate: float = 1.0


@dataclass(frozen=True)
class AvatarConnection:
    """What the browser needs to show a started avatar. Never contains an API key.

    provider: "local", "heygen" or "liveavatar"; session_id: the vendor's session id;
    url / access_token: short-lived LiveKit room details where the vendor uses one.
    """

    provider: str
    session_id: str
    url: str = ""
    access_token: str = ""
    expires_in: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def for_browser(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "session_id": self.session_id,
            "url": self.url,
            "access_token": self.access_token,
            "expires_in": self.expires_in,
            **self.extra,
        }


@runtime_checkable
class AvatarProvider(Protocol):
    name: str
    #: True when the vendor renders and speaks (server sends text over REST); False when the
    #: browser renders the avatar itself (local provider).
    server_side_speech: bool

    async def start(
        self,
        options: AvatarStartOptions,
        on_created: Callable[[str], Awaitable[None]] | None = None,
    ) -> AvatarConnection:
        """Create and start a session. `on_created(session_id)` is awaited as soon as the
        vendor has assigned an id, before any later step that can fail, so the caller can
        persist it (no vendor session is ever unknown to our database)."""
        ...

    async def speak(self, session_id: str, text: str) -> str:
        """Have the avatar say `text` exactly; returns the vendor's task id."""
        ...

    async def interrupt(self, session_id: str) -> None: ...

    async def keep_alive(self, session_id: str) -> None: ...

    async def stop(self, session_id: str, reason: str = "") -> None:
        """Idempotent: stopping an unknown or closed session is success."""
        ...

    async def list_open_sessions(self) -> list[str] | None:
        """Vendor session ids still open, or None where the vendor cannot list them."""
        ...

    async def list_avatars(self) -> list[CatalogItem]: ...

    async def list_voices(self) -> list[CatalogItem]: ...


# --- Speech to text -----------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    word: str
    start: float
    end: float
    confidence: float = 1.0


@dataclass(frozen=True)
class Transcript:
    text: str
    words: tuple[Word, ...] = ()
    duration: float = 0.0


@dataclass(frozen=True)
class TranscriptEvent:
    """One event from a live stream.

    kind: "interim" | "final" | "utterance_end" | "speech_started" | "closed" | "error"
    """

    kind: str
    text: str = ""
    words: tuple[Word, ...] = ()
    start: float = 0.0
    duration: float = 0.0
    speech_final: bool = False
    from_finalize: bool = False
    message: str = ""


class LiveTranscription(Protocol):
    async def send(self, chunk: bytes) -> None: ...

    async def finalize(self) -> None:
        """Flush: the vendor emits the final result for audio received so far."""
        ...

    async def close(self) -> None: ...

    def events(self) -> AsyncIterator[TranscriptEvent]: ...


@runtime_checkable
class Transcriber(Protocol):
    name: str
    #: False for the local transcriber: the browser recognises speech itself (or the user types).
    supports_live_audio: bool

    async def transcribe(self, audio: bytes, *, mimetype: str = "audio/webm") -> Transcript: ...

    async def open_live(
        self, *, language: str = "en", pcm_rate: int | None = None
    ) -> LiveTranscription:
        """A live stream. `pcm_rate`: the audio is raw 16-bit mono PCM at that rate (a meeting
        bot's); None: a container the vendor reads from the first chunk (a browser's)."""
        ...


# --- Language model -----------------------------------------------------------------------


@dataclass(frozen=True)
class ChatMessage:
    role: str  # system | user | assistant
    content: str


@runtime_checkable
class LanguageModel(Protocol):
    name: str

    def stream_text(
        self, messages: list[ChatMessage], *, max_tokens: int = 400, temperature: float = 0.4
    ) -> AsyncIterator[str]:
        """Yield text deltas as the model produces them."""
        ...

    async def complete_json(
        self,
        messages: list[ChatMessage],
        *,
        schema_name: str,
        schema: dict[str, Any],
        max_tokens: int = 1200,
    ) -> dict[str, Any]:
        """Structured output validated against a strict JSON schema."""
        ...
