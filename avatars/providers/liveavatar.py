"""LiveAvatar client (HeyGen's current real-time avatar product), FULL mode without a context.

Start: `POST /v1/sessions/token` (X-API-KEY) returns a session id and session token; the id goes
to `on_created` at once, then `POST /v1/sessions/start` (Bearer session token) returns the
LiveKit url and client token for the browser. Without a `context_id` the avatar never answers
on its own: it says only what we send. Keep-alive and stop use the API key plus `session_id`,
so any server process can drive any session; stop carries one of LiveAvatar's reasons.

Speech (`server_side_speech = False`): LiveAvatar takes speak/interrupt commands only as
LiveKit data messages, which a server cannot publish without joining the room. So speak and
interrupt travel server -> browser over our WebSocket, and the browser publishes
`avatar.speak_text {text}` / `avatar.interrupt` on topic `agent-control`; the avatar's
`avatar.speak_started` / `avatar.speak_ended` events come back on `agent-response` and the
browser reports them over our WebSocket. `speak()` therefore makes no vendor call and returns a
generated task id that the browser echoes in its events.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings

from avatars.providers import http
from avatars.providers.base import (
    AvatarConnection,
    AvatarStartOptions,
    CatalogItem,
    ProviderError,
)

NAME = "liveavatar"
SUCCESS_CODES = frozenset({100, 1000})
STOP_REASONS = frozenset(
    {
        "UNKNOWN",
        "USER_DISCONNECTED",
        "SERVER_ERROR",
        "IDLE_TIMEOUT",
        "NO_CREDITS",
        "USER_CLOSED",
        "AVATAR_DELETED",
        "MAX_DURATION_REACHED",
        "ZOMBIE_SESSION_REAP",
        "AGENT_HANG_UP",
    }
)
QUALITY = {"low": "low", "medium": "medium", "high": "high", "very_high": "very_high"}


def stop_reason(reason: str) -> str:
    """Our free-text reasons -> LiveAvatar's enumeration."""
    upper = reason.strip().upper()
    if upper in STOP_REASONS:
        return upper
    text = reason.lower()
    if "reap" in text or "heartbeat" in text or "leak" in text:
        return "ZOMBIE_SESSION_REAP"
    if "idle" in text:
        return "IDLE_TIMEOUT"
    if "max" in text and "duration" in text:
        return "MAX_DURATION_REACHED"
    if "disconnect" in text:
        return "USER_DISCONNECTED"
    if "error" in text or "fail" in text:
        return "SERVER_ERROR"
    return "USER_CLOSED"


def _items(data: Any, *keys: str) -> list[dict[str, Any]]:
    """Lists come as a bare list or inside {results|sessions|avatars|voices: [...]}."""
    if isinstance(data, list):
        return [d for d in data if isinstance(d, dict)]
    if isinstance(data, dict):
        for key in (*keys, "results", "items", "data"):
            value = data.get(key)
            if isinstance(value, list):
                return [d for d in value if isinstance(d, dict)]
    return []


def liveavatar_error(response: Any, payload: Any) -> ProviderError:
    status = response.status_code
    body = payload if isinstance(payload, dict) else {}
    message = body.get("message") or body.get("detail") or f"HTTP {status}"
    if not isinstance(message, str):
        message = "invalid request"
    lowered = message.lower()
    if "concurren" in lowered:
        return ProviderError(
            "the vendor's concurrent session limit is reached",
            permanent=False,
            provider=NAME,
            code="concurrency_limit",
            status=status,
            retry_after=http.retry_after_seconds(response.headers),
        )
    if status == 404:
        code = "avatar_not_found" if "avatar" in lowered else "session_not_found"
        return ProviderError(message, permanent=True, provider=NAME, code=code, status=status)
    if status == 402 or "credit" in lowered:
        return ProviderError(
            message, permanent=True, provider=NAME, code="no_credits", status=status
        )
    if status == 422:
        return ProviderError(
            "invalid request parameters",
            permanent=True,
            provider=NAME,
            code="bad_request",
            status=status,
        )
    if status == 400 and "closed" in lowered:
        return ProviderError(
            message, permanent=True, provider=NAME, code="session_closed", status=status
        )
    return http.status_error(NAME, response, message)


class LiveAvatarProvider:
    name = NAME
    server_side_speech = False

    @property
    def base_url(self) -> str:
        return str(settings.LIVEAVATAR_BASE_URL).rstrip("/")

    def _key_headers(self) -> dict[str, str]:
        key = settings.LIVEAVATAR_API_KEY
        if not key:
            raise ProviderError(
                "LIVEAVATAR_API_KEY is not set", permanent=True, provider=NAME, code="unauthorized"
            )
        return {"X-API-KEY": key, "Accept": "application/json"}

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        response = await http.send(
            NAME,
            method,
            self.base_url + path,
            json=json,
            params=params,
            headers=headers or self._key_headers(),
        )
        payload = http.parse_json(NAME, response) if response.content else {}
        if response.status_code >= 400:
            raise liveavatar_error(response, payload)
        if isinstance(payload, dict) and "code" in payload:
            if payload["code"] not in SUCCESS_CODES:
                raise liveavatar_error(response, payload)
            return payload.get("data")
        return payload

    async def start(
        self,
        options: AvatarStartOptions,
        on_created: Callable[[str], Awaitable[None]] | None = None,
    ) -> AvatarConnection:
        persona: dict[str, Any] = {"language": options.language or "en"}
        if options.voice_id:
            persona["voice_id"] = options.voice_id
            persona["voice_settings"] = {"provider": "elevenLabs", "speed": options.speaking_rate}
        body: dict[str, Any] = {
            "mode": "FULL",
            "avatar_id": options.avatar_id,
            "avatar_persona": persona,  # no context_id: the avatar says only what we send
            "is_sandbox": bool(getattr(settings, "LIVEAVATAR_SANDBOX", False)),
            "video_settings": {
                "quality": QUALITY.get(options.quality, "medium"),
                "encoding": "VP8",
            },
            "max_session_duration": int(settings.AVATAR_MAX_DURATION),
        }
        data = await self._call("POST", "/v1/sessions/token", json=body) or {}
        session_id = str(data.get("session_id") or "")
        session_token = str(data.get("session_token") or "")
        if not session_id or not session_token:
            raise ProviderError(
                "sessions/token returned no session",
                permanent=False,
                provider=NAME,
                code="malformed",
            )
        if on_created is not None:
            await on_created(session_id)
        started = (
            await self._call(
                "POST",
                "/v1/sessions/start",
                json={"session_id": session_id},
                headers={"Authorization": f"Bearer {session_token}", "Accept": "application/json"},
            )
            or {}
        )
        return AvatarConnection(
            provider=NAME,
            session_id=session_id,
            url=str(started.get("livekit_url") or ""),
            access_token=str(started.get("livekit_client_token") or ""),
            expires_in=int(started.get("max_session_duration") or 0),
            extra={
                "avatar_participant": "heygen",
                "speech": "livekit-data",
                "command_topic": "agent-control",
                "event_topic": "agent-response",
            },
        )

    async def speak(self, session_id: str, text: str) -> str:
        # Delivered by the browser over LiveKit data (see the module docstring).
        return f"task-{uuid.uuid4().hex[:16]}"

    async def interrupt(self, session_id: str) -> None:
        return None  # the browser publishes avatar.interrupt

    async def keep_alive(self, session_id: str) -> None:
        await self._call("POST", "/v1/sessions/keep-alive", json={"session_id": session_id})

    async def stop(self, session_id: str, reason: str = "") -> None:
        if not session_id:
            return
        try:
            await self._call(
                "POST",
                "/v1/sessions/stop",
                json={"session_id": session_id, "reason": stop_reason(reason)},
            )
        except ProviderError as exc:
            if exc.code in ("session_not_found", "session_closed"):
                return  # idempotent
            raise

    async def list_open_sessions(self) -> list[str] | None:
        data = await self._call("GET", "/v1/sessions", params={"type": "active"})
        ids = []
        for item in _items(data, "sessions"):
            session_id = item.get("session_id") or item.get("id")
            status = str(item.get("status") or "ACTIVE").upper()
            if session_id and status not in ("CLOSED", "ENDED", "STOPPED"):
                ids.append(str(session_id))
        return ids

    async def list_avatars(self) -> list[CatalogItem]:
        data = await self._call("GET", "/v1/avatars")
        return [
            CatalogItem(
                id=str(a.get("id") or a.get("avatar_id")),
                name=str(a.get("name") or a.get("id")),
                language=str(a.get("language") or ""),
                preview_url=str(a.get("preview_url") or ""),
            )
            for a in _items(data, "avatars")
            if a.get("id") or a.get("avatar_id")
        ]

    async def list_voices(self) -> list[CatalogItem]:
        data = await self._call("GET", "/v1/voices")
        return [
            CatalogItem(
                id=str(v.get("id") or v.get("voice_id")),
                name=str(v.get("name") or v.get("id")),
                language=str(v.get("language") or ""),
                gender=str(v.get("gender") or ""),
            )
            for v in _items(data, "voices")
            if v.get("id") or v.get("voice_id")
        ]
