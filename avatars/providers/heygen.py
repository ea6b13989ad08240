"""HeyGen Streaming API client (legacy Interactive Avatar, v2 = LiveKit transport).

Start: `streaming.new` (version v2) creates the session and `streaming.start` starts it, both
with the API key (the streaming endpoints accept the key or a session token; a token from
`streaming.create_token` is single-use, one per session, so minting one would only add a round
trip per start, which a class start pays 25 times at once). The vendor session id is handed to
`on_created` before `streaming.start`, so a failure there can never leak a session. Later calls
(task, interrupt, keep_alive, stop, list) use the key too: any server process can drive any
session. The browser receives only the LiveKit url and user access token.

Speech: `streaming.task` with `task_type: "repeat"` (the avatar says exactly our text; no
HeyGen knowledge base or LLM is involved). Speaking events (`avatar_start_talking` /
`avatar_stop_talking` with task ids) arrive in the browser over LiveKit data; the browser
reports them back over our WebSocket.
"""

from __future__ import annotations

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

NAME = "heygen"
CONCURRENCY_TEXT = "concurrent limit"
#: HeyGen's numeric codes -> (our code, permanent)
ERROR_CODES: dict[int, tuple[str, bool]] = {
    400112: ("unauthorized", True),
    40009: ("unauthorized", True),
    400599: ("no_api_access", True),
    10013: ("avatar_not_found", True),
    10003: ("avatar_deprecated", True),
    400014: ("avatar_deprecated", True),
    400006: ("bad_state", False),  # e.g. a task before the avatar finished connecting
    400004: ("session_not_found", True),
    40001: ("bad_request", True),
    400175: ("bad_request", True),
}


def heygen_error(response: Any, payload: Any) -> ProviderError:
    status = response.status_code
    body = payload if isinstance(payload, dict) else {}
    message = str(body.get("message") or body.get("detail") or f"HTTP {status}")
    code_number = body.get("code")
    if CONCURRENCY_TEXT in message.lower():
        return ProviderError(
            "the vendor's concurrent session limit is reached",
            permanent=False,
            provider=NAME,
            code="concurrency_limit",
            status=status,
            retry_after=http.retry_after_seconds(response.headers),
        )
    if isinstance(code_number, int) and code_number in ERROR_CODES:
        code, permanent = ERROR_CODES[code_number]
        return ProviderError(message, permanent=permanent, provider=NAME, code=code, status=status)
    return http.status_error(NAME, response, message)


class HeyGenStreamingProvider:
    name = NAME
    server_side_speech = True

    # --- plumbing -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return str(settings.HEYGEN_BASE_URL).rstrip("/")

    def _key_headers(self) -> dict[str, str]:
        key = settings.HEYGEN_API_KEY
        if not key:
            raise ProviderError(
                "HEYGEN_API_KEY is not set", permanent=True, provider=NAME, code="unauthorized"
            )
        return {"X-Api-Key": key, "Accept": "application/json"}

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        response = await http.send(
            NAME,
            method,
            self.base_url + path,
            json=json,
            headers=headers or self._key_headers(),
        )
        payload = http.parse_json(NAME, response) if response.content else {}
        if response.status_code >= 400:
            raise heygen_error(response, payload)
        if not isinstance(payload, dict):
            raise ProviderError(
                "unexpected answer", permanent=False, provider=NAME, code="malformed"
            )
        code = payload.get("code")
        if (isinstance(code, int) and code != 100) or payload.get("error"):
            raise heygen_error(response, payload)
        return payload.get("data")

    async def _session_call(self, endpoint: str, session_id: str, **extra: Any) -> Any:
        return await self._call(
            "POST", f"/v1/streaming.{endpoint}", json={"session_id": session_id, **extra}
        )

    # --- API ------------------------------------------------------------------------------

    def _new_body(self, options: AvatarStartOptions) -> dict[str, Any]:
        body: dict[str, Any] = {
            "version": "v2",
            "quality": options.quality
            if options.quality in ("low", "medium", "high")
            else "medium",
            "video_encoding": "VP8",
            "language": options.language or "en",
            "activity_idle_timeout": max(30, min(3600, int(settings.AVATAR_IDLE_TIMEOUT))),
        }
        if options.avatar_id:
            body["avatar_id"] = options.avatar_id
        voice: dict[str, Any] = {"rate": options.speaking_rate or 1.0}
        if options.voice_id:
            voice["voice_id"] = options.voice_id
        body["voice"] = voice
        return body

    async def start(
        self,
        options: AvatarStartOptions,
        on_created: Callable[[str], Awaitable[None]] | None = None,
    ) -> AvatarConnection:
        data = await self._call("POST", "/v1/streaming.new", json=self._new_body(options))
        session_id = str((data or {}).get("session_id") or "")
        if not session_id:
            raise ProviderError(
                "streaming.new returned no session id",
                permanent=False,
                provider=NAME,
                code="malformed",
            )
        if on_created is not None:
            await on_created(session_id)
        await self._call("POST", "/v1/streaming.start", json={"session_id": session_id})
        return AvatarConnection(
            provider=NAME,
            session_id=session_id,
            url=str(data.get("url") or ""),
            access_token=str(data.get("access_token") or ""),
            expires_in=int(data.get("session_duration_limit") or 0),
            extra={"avatar_participant": "heygen", "speech": "server"},
        )

    async def speak(self, session_id: str, text: str) -> str:
        data = await self._session_call(
            "task", session_id, text=text, task_type="repeat", task_mode="async"
        )
        return str((data or {}).get("task_id") or "")

    async def interrupt(self, session_id: str) -> None:
        await self._session_call("interrupt", session_id)

    async def keep_alive(self, session_id: str) -> None:
        await self._session_call("keep_alive", session_id)

    async def stop(self, session_id: str, reason: str = "") -> None:
        if not session_id:
            return
        try:
            await self._session_call("stop", session_id)
        except ProviderError as exc:
            if exc.code in ("session_not_found",):
                return  # already closed or never existed: stopping is idempotent
            raise

    async def list_open_sessions(self) -> list[str] | None:
        data = await self._call("GET", "/v1/streaming.list")
        sessions = (data or {}).get("sessions") or []
        return [
            str(s["session_id"])
            for s in sessions
            if s.get("session_id") and s.get("status", "connected") != "closed"
        ]

    async def list_avatars(self) -> list[CatalogItem]:
        data = await self._call("GET", "/v1/streaming/avatar.list") or []
        return [
            CatalogItem(
                id=str(a.get("avatar_id")),
                name=str(a.get("pose_name") or a.get("avatar_id")),
                preview_url=str(a.get("normal_preview") or ""),
            )
            for a in data
            if a.get("avatar_id") and a.get("status", "ACTIVE") == "ACTIVE"
        ]

    async def list_voices(self) -> list[CatalogItem]:
        data = await self._call("GET", "/v2/voices") or {}
        return [
            CatalogItem(
                id=str(v.get("voice_id")),
                name=str(v.get("name") or v.get("voice_id")),
                language=str(v.get("language") or ""),
                gender=str(v.get("gender") or ""),
                preview_url=str(v.get("preview_audio") or ""),
            )
            for v in data.get("voices", [])
            if v.get("voice_id")
        ]
