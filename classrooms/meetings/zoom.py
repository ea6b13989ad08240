"""Zoom: Server-to-Server OAuth, meetings with pre-assigned breakout rooms, the Meeting SDK
signature and webhook verification (wire contract: reference/deepgram-openai-zoom.md, part C).

The OAuth token lives in the shared cache (Redis in production), so every process reuses it until
shortly before it expires; a 401 drops it and the call is retried once with a fresh token.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from typing import Any

import httpx
import jwt
from django.conf import settings
from django.core.cache import cache

from avatars.providers.base import ProviderError
from classrooms.meetings.base import MeetingInfo, MeetingRoom, RoomSpec

logger = logging.getLogger(__name__)

TOKEN_SAFETY_MARGIN = 60  # seconds before expiry at which a cached token is no longer used
SIGNATURE_MIN_LIFETIME = 1800
SIGNATURE_MAX_LIFETIME = 172800


class ZoomMeetingProvider:
    name = "zoom"

    def __init__(
        self,
        *,
        account_id: str,
        client_id: str,
        client_secret: str,
        api_base_url: str,
        oauth_url: str,
        timeout: float = 15.0,
    ) -> None:
        self.account_id = account_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.api_base_url = api_base_url.rstrip("/")
        self.oauth_url = oauth_url
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> ZoomMeetingProvider:
        return cls(
            account_id=settings.ZOOM_ACCOUNT_ID,
            client_id=settings.ZOOM_CLIENT_ID,
            client_secret=settings.ZOOM_CLIENT_SECRET,
            api_base_url=settings.ZOOM_API_BASE_URL,
            oauth_url=settings.ZOOM_OAUTH_URL,
            timeout=settings.PROVIDER_TIMEOUT,
        )

    # --- HTTP -------------------------------------------------------------------------------

    @property
    def _token_key(self) -> str:
        return f"classrooms:zoom:token:{self.account_id}:{self.client_id}"

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=self.timeout)

    async def access_token(self, *, force: bool = False) -> str:
        """A cached S2S OAuth token, fetched when missing, near expiry, or `force`d."""
        if not force:
            token = await cache.aget(self._token_key)
            if token:
                return token
        if not (self.account_id and self.client_id and self.client_secret):
            raise ProviderError(
                "Zoom credentials are not configured", permanent=True, provider="zoom"
            )
        try:
            async with self._client() as client:
                response = await client.post(
                    self.oauth_url,
                    params={"grant_type": "account_credentials", "account_id": self.account_id},
                    auth=(self.client_id, self.client_secret),
                )
        except httpx.HTTPError as exc:
            raise ProviderError(
                f"token request failed: {type(exc).__name__}", permanent=False, provider="zoom"
            ) from exc
        if response.status_code != 200:
            raise _error(response, "token request")
        body = response.json()
        token = body.get("access_token", "")
        if not token:
            raise ProviderError(
                "token response had no access_token", permanent=False, provider="zoom"
            )
        ttl = int(body.get("expires_in", 3600)) - TOKEN_SAFETY_MARGIN
        if ttl > 0:
            await cache.aset(self._token_key, token, timeout=ttl)
        return token

    async def _request(
        self, method: str, path: str, *, json: dict[str, Any] | None = None
    ) -> httpx.Response:
        token = await self.access_token()
        for attempt in (1, 2):
            try:
                async with self._client() as client:
                    response = await client.request(
                        method,
                        f"{self.api_base_url}{path}",
                        json=json,
                        headers={"Authorization": f"Bearer {token}"},
                    )
            except httpx.HTTPError as exc:
                raise ProviderError(
                    f"{method} {path} failed: {type(exc).__name__}",
                    permanent=False,
                    provider="zoom",
                ) from exc
            if response.status_code == 401 and attempt == 1:
                await cache.adelete(self._token_key)
                token = await self.access_token(force=True)
                continue
            return response
        return response  # pragma: no cover  (loop always returns)

    # --- Meetings ---------------------------------------------------------------------------

    async def create_meeting(
        self, *, topic: str, host: str, rooms: list[RoomSpec], duration_minutes: int
    ) -> MeetingInfo:
        body = {
            "topic": topic[:200],
            "type": 2,
            "duration": duration_minutes,
            "timezone": "UTC",
            "settings": {
                "join_before_host": True,
                "waiting_room": False,
                "breakout_room": {
                    "enable": True,
                    "rooms": [
                        {"name": room.name[:50], "participants": [e for e in room.emails if e]}
                        for room in rooms
                    ],
                },
            },
        }
        response = await self._request("POST", f"/users/{host or 'me'}/meetings", json=body)
        if response.status_code not in (200, 201):
            raise _error(response, "create meeting")
        data = response.json()
        echoed = (data.get("settings") or {}).get("breakout_room", {}).get("rooms") or []
        # Zoom may or may not echo the rooms; we never depend on it (ids come from webhooks).
        room_ids = {r.get("name"): str(r.get("id") or r.get("uuid") or "") for r in echoed}
        return MeetingInfo(
            provider=self.name,
            meeting_id=str(data["id"]),
            uuid=str(data.get("uuid", "")),
            join_url=data.get("join_url", ""),
            start_url=data.get("start_url", ""),
            rooms=tuple(
                MeetingRoom(name=room.name, room_id=room_ids.get(room.name[:50], ""))
                for room in rooms
            ),
        )

    async def end_meeting(self, *, meeting_id: str) -> None:
        response = await self._request(
            "PUT", f"/meetings/{meeting_id}/status", json={"action": "end"}
        )
        # 404: unknown meeting; 400/3000-ish codes: not started or already over. Both are "ended".
        if response.status_code in (200, 204, 404):
            return
        if response.status_code == 400:
            logger.info("Zoom meeting %s was not running: %s", meeting_id, response.text[:200])
            return
        raise _error(response, "end meeting")


def _error(response: httpx.Response, what: str) -> ProviderError:
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = {}
    message = str(body.get("message") or body.get("reason") or response.text[:200] or status)
    retry_after = response.headers.get("retry-after")
    return ProviderError(
        f"{what}: {message}",
        permanent=status in (400, 401, 403, 404, 409, 422),
        provider="zoom",
        code=str(body.get("code", "")),
        status=status,
        retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None,
    )


# --- Meeting SDK signature ------------------------------------------------------------------


def meeting_sdk_signature(
    *,
    meeting_number: str,
    role: int,
    sdk_key: str,
    sdk_secret: str,
    lifetime: int = 2 * 3600,
    now: float | None = None,
) -> str:
    """The JWT a Meeting SDK client (bot or web client) presents to join `meeting_number`.

    role 0 joins as a participant, 1 starts as host. The lifetime must be 30 min to 48 h.
    """
    if role not in (0, 1):
        raise ValueError("role must be 0 (participant) or 1 (host)")
    if not (sdk_key and sdk_secret):
        raise ProviderError(
            "Zoom SDK credentials are not configured", permanent=True, provider="zoom"
        )
    lifetime = min(max(lifetime, SIGNATURE_MIN_LIFETIME), SIGNATURE_MAX_LIFETIME)
    iat = int(now if now is not None else time.time()) - 30
    exp = iat + lifetime
    claims = {
        "appKey": sdk_key,
        "sdkKey": sdk_key,
        "mn": str(meeting_number),
        "role": role,
        "iat": iat,
        "exp": exp,
        "tokenExp": exp,
        "video_webrtc_mode": 1,
    }
    return jwt.encode(claims, sdk_secret, algorithm="HS256")


# --- Webhooks -------------------------------------------------------------------------------


def webhook_signature(raw: bytes, timestamp: str, secret: str) -> str:
    mac = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256)
    return "v0=" + mac.hexdigest()


def url_validation_response(plain_token: str, secret: str) -> dict[str, str]:
    encrypted = hmac.new(secret.encode(), plain_token.encode(), hashlib.sha256).hexdigest()
    return {"plainToken": plain_token, "encryptedToken": encrypted}


class WebhookRejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def verify_webhook(
    raw: bytes,
    *,
    timestamp: str,
    signature: str,
    secret: str,
    window: int = 300,
    now: float | None = None,
) -> None:
    """Raise WebhookRejected unless the request is signed with `secret`, recent, and new.

    Replays (the same signature seen again inside the window) are rejected through the shared
    cache, so a request captured and resent to another process is refused too.
    """
    if not secret:
        raise WebhookRejected("webhook secret is not configured")
    if not timestamp or not timestamp.isdigit():
        raise WebhookRejected("missing or malformed timestamp")
    current = now if now is not None else time.time()
    if abs(current - int(timestamp)) > window:
        raise WebhookRejected("stale timestamp")
    if not signature or not hmac.compare_digest(
        signature, webhook_signature(raw, timestamp, secret)
    ):
        raise WebhookRejected("bad signature")
    if not cache.add(f"classrooms:zoom:webhook:{signature}", 1, timeout=window * 2 + 5):
        raise WebhookRejected("replayed request")
