"""Local defaults: no network, no key.

The local avatar is rendered by the browser (an animated face speaking with the Web Speech API);
the server only keeps the session row and forwards speak commands over our WebSocket. The local
transcriber relies on the browser's own speech recognition or typed text; uploaded audio is
measured for its duration only.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable

from avatars.providers.base import (
    AvatarConnection,
    AvatarStartOptions,
    CatalogItem,
    LiveTranscription,
    Transcript,
    TranscriptEvent,
)

LOCAL_AVATARS = (
    CatalogItem(id="robin", name="Robin (friendly face)"),
    CatalogItem(id="sage", name="Sage (calm face)"),
    CatalogItem(id="ash", name="Ash (formal face)"),
)


class LocalAvatarProvider:
    name = "local"
    server_side_speech = False

    async def start(
        self,
        options: AvatarStartOptions,
        on_created: Callable[[str], Awaitable[None]] | None = None,
    ) -> AvatarConnection:
        session_id = f"local-{secrets.token_hex(8)}"
        if on_created is not None:
            await on_created(session_id)
        return AvatarConnection(
            provider="local",
            session_id=session_id,
            extra={
                "avatar_id": options.avatar_id or "robin",
                "voice_id": options.voice_id,
                "speaking_rate": options.speaking_rate,
            },
        )

    async def speak(self, session_id: str, text: str) -> str:
        return f"task-{secrets.token_hex(6)}"

    async def interrupt(self, session_id: str) -> None:
        return None

    async def keep_alive(self, session_id: str) -> None:
        return None

    async def stop(self, session_id: str, reason: str = "") -> None:
        return None

    async def list_open_sessions(self) -> list[str] | None:
        return None

    async def list_avatars(self) -> list[CatalogItem]:
        return list(LOCAL_AVATARS)

    async def list_voices(self) -> list[CatalogItem]:
        # The browser lists its own speechSynthesis voices; the server offers none.
        return []


class _NoLiveStream:
    async def send(self, chunk: bytes) -> None:
        return None

    async def finalize(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def events(self) -> AsyncIterator[TranscriptEvent]:
        return
        yield  # pragma: no cover  (makes this an async generator)


def webm_duration_estimate(audio: bytes, bitrate_bps: int = 32_000) -> float:
    """Rough duration of an opus recording from its size (MediaRecorder's default ~32 kbit/s)."""
    return round(len(audio) * 8 / bitrate_bps, 2) if audio else 0.0


class LocalTranscriber:
    name = "local"
    supports_live_audio = False

    async def transcribe(self, audio: bytes, *, mimetype: str = "audio/webm") -> Transcript:
        return Transcript(text="", words=(), duration=webm_duration_estimate(audio))

    async def open_live(
        self, *, language: str = "en", pcm_rate: int | None = None
    ) -> LiveTranscription:
        return _NoLiveStream()
