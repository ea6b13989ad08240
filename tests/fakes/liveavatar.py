"""Fake LiveAvatar API under /liveavatar (sessions token/start/keep-alive/stop, list, catalog).

`POST /v1/sessions/token` (X-API-KEY) -> {session_id, session_token}; `POST /v1/sessions/start`
(Bearer session_token) -> LiveKit url and client token; keep-alive and stop accept the Bearer
token or the API key plus `session_id`. The envelope is `{code, data, message}` with code 1000
(what the official web SDK checks; docs show 100, the `success_code` knob switches).
"""

from __future__ import annotations

import secrets
import time

from tests.fakes.core import (
    STORE,
    FakeSession,
    Request,
    Response,
    Vendor,
    check_key,
    json_response,
    new_id,
    retry_after_headers,
)

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
AVATARS = [
    {"id": "0f9a3c64-0000-4000-8000-000000000001", "name": "June (HR)", "language": "en"},
    {"id": "0f9a3c64-0000-4000-8000-000000000002", "name": "Marcus (Engineer)", "language": "en"},
]
VOICES = [
    {
        "id": "b7a1d2c3-0000-4000-8000-0000000000a1",
        "name": "Warm",
        "language": "en",
        "gender": "female",
    },
    {
        "id": "b7a1d2c3-0000-4000-8000-0000000000a2",
        "name": "Calm",
        "language": "en",
        "gender": "male",
    },
]


def _code(ok: bool) -> int:
    return int(STORE.knob("liveavatar", "", "success_code", 1000)) if ok else 4000


def error(status: int, kind: str, message: str) -> Response:
    headers = retry_after_headers("liveavatar") if status in (429, 503) else []
    return json_response(
        {"code": 4000 if status < 500 else 5000, "data": None, "message": message},
        status=status,
        headers=headers,
    )


liveavatar = Vendor("liveavatar", error)
liveavatar.named_errors.update(
    {
        "concurrency_limit": lambda: error(
            429, "concurrency_limit", "Concurrent session limit reached"
        ),
        "avatar_not_found": lambda: error(404, "avatar_not_found", "Avatar not found"),
        "no_credits": lambda: error(402, "no_credits", "Insufficient credits"),
    }
)


def ok(data: object, message: str = "success") -> Response:
    return json_response({"code": _code(True), "data": data, "message": message})


def _session_for(request: Request, endpoint: str) -> tuple[FakeSession | None, Response | None]:
    body = request.json() if request.body else {}
    token = request.bearer
    if token:
        info = STORE.tokens.get(token)
        if not info or info.get("vendor") != "liveavatar":
            return None, error(401, "unauthorized", "Invalid session token")
        session_id = info["session_id"]
    else:
        if not check_key("liveavatar", endpoint, request.headers.get("x-api-key", "")):
            return None, error(401, "unauthorized", "Invalid API key")
        session_id = body.get("session_id") or ""
        if not session_id:
            return None, json_response(
                {"detail": [{"loc": ["body", "session_id"], "msg": "field required"}]}, 422
            )
    session = STORE.sessions["liveavatar"].get(session_id)
    if session is None:
        return None, error(404, "not_found", f"Session {session_id} not found")
    return session, None


@liveavatar.route("POST", "/v1/sessions/token", "token")
async def token(request: Request) -> Response:
    if not check_key("liveavatar", "token", request.headers.get("x-api-key", "")):
        return error(401, "unauthorized", "Invalid API key")
    body = request.json()
    mode = body.get("mode")
    if mode not in ("FULL", "LITE"):
        return json_response(
            {"detail": [{"loc": ["body", "mode"], "msg": "value is not a valid enumeration"}]},
            status=422,
        )
    avatar_id = body.get("avatar_id") or ""
    known = {a["id"] for a in AVATARS} | set(STORE.knob("liveavatar", "token", "avatars") or [])
    if avatar_id not in known:
        return error(404, "avatar_not_found", "Avatar not found")
    cap = STORE.knob("liveavatar", "token", "concurrency")
    if cap is not None and len(STORE.open_sessions("liveavatar")) >= int(cap):
        return error(429, "concurrency_limit", "Concurrent session limit reached")
    session_id = new_id()
    session_token = f"la-session-{secrets.token_hex(16)}"
    persona = body.get("avatar_persona") or {}
    STORE.sessions["liveavatar"][session_id] = FakeSession(
        vendor="liveavatar",
        session_id=session_id,
        token=session_token,
        idle_timeout=float(STORE.knob("liveavatar", "token", "idle_timeout", 300)),
        duration_limit=float(body.get("max_session_duration") or 1200),
        data={"mode": mode, "avatar_id": avatar_id, "context_id": persona.get("context_id")},
    )
    STORE.tokens[session_token] = {"vendor": "liveavatar", "session_id": session_id}
    STORE.note_open("liveavatar")
    return ok({"session_id": session_id, "session_token": session_token})


@liveavatar.route("POST", "/v1/sessions/start", "start")
async def start(request: Request) -> Response:
    if not request.bearer:
        return error(401, "unauthorized", "Missing session token")
    session, problem = _session_for(request, "start")
    if session is None:
        return problem  # type: ignore[return-value]
    if session.status != "new":
        return error(400, "bad_state", "Session already started or closed")
    session.status = "connecting"
    STORE.note_open("liveavatar")
    session.status = "connected"
    session.last_activity = time.time()
    return ok(
        {
            "session_id": session.session_id,
            "livekit_url": "wss://livekit.fake-liveavatar.invalid",
            "livekit_client_token": f"lk-client-{secrets.token_hex(12)}",
            "livekit_agent_token": f"lk-agent-{secrets.token_hex(12)}",
            "max_session_duration": int(session.duration_limit),
            "ws_url": None,
        }
    )


@liveavatar.route("POST", "/v1/sessions/keep-alive", "keep_alive")
async def keep_alive(request: Request) -> Response:
    session, problem = _session_for(request, "keep_alive")
    if session is None:
        return problem  # type: ignore[return-value]
    if session.status == "closed":
        return error(400, "bad_state", "Session is closed")
    session.last_activity = time.time()
    session.data["keep_alives"] = session.data.get("keep_alives", 0) + 1
    return ok(None)


@liveavatar.route("POST", "/v1/sessions/stop", "stop")
async def stop(request: Request) -> Response:
    session, problem = _session_for(request, "stop")
    if session is None:
        return problem  # type: ignore[return-value]
    reason = (request.json() or {}).get("reason") or "UNKNOWN"
    if reason not in STOP_REASONS:
        return json_response(
            {"detail": [{"loc": ["body", "reason"], "msg": "value is not a valid enumeration"}]},
            status=422,
        )
    if session.status == "closed":
        return error(400, "bad_state", "Session is already closed")
    session.status = "closed"
    session.close_reason = reason
    return ok(None)


@liveavatar.route("GET", "/v1/sessions", "list")
async def list_sessions(request: Request) -> Response:
    if not check_key("liveavatar", "list", request.headers.get("x-api-key", "")):
        return error(401, "unauthorized", "Invalid API key")
    kind = request.q("type", "active")
    sessions = STORE.sessions["liveavatar"].values()
    if kind == "active":
        sessions = [s for s in sessions if s.status != "closed"]
    results = [
        {
            "id": s.session_id,
            "status": "ACTIVE" if s.status != "closed" else "CLOSED",
            "created_at": int(s.created_at),
            "end_reason": s.close_reason or None,
        }
        for s in sessions
    ]
    return ok({"count": len(results), "next": None, "results": results})


@liveavatar.route("GET", "/v1/avatars", "avatars")
async def avatars(request: Request) -> Response:
    if not check_key("liveavatar", "avatars", request.headers.get("x-api-key", "")):
        return error(401, "unauthorized", "Invalid API key")
    return ok({"count": len(AVATARS), "next": None, "results": AVATARS})


@liveavatar.route("GET", "/v1/voices", "voices")
async def voices(request: Request) -> Response:
    if not check_key("liveavatar", "voices", request.headers.get("x-api-key", "")):
        return error(401, "unauthorized", "Invalid API key")
    return ok({"count": len(VOICES), "next": None, "results": VOICES})
