"""Fake HeyGen Streaming API (legacy, v2/LiveKit) under /heygen.

Envelope `{code: 100, message, data}`; errors `{code, message}` with HTTP 4xx/5xx. Auth: the
`X-Api-Key` header, or `Authorization: Bearer <token>` from `streaming.create_token` (one-time:
a token can create exactly one session, and then works only for that session).
"""

from __future__ import annotations

import asyncio
import base64
import json
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

CONCURRENCY_MESSAGE = (
    "Concurrent limit reached, please make sure you have closed other testing sessions under "
    "the same account"
)
AVATARS = [
    {
        "avatar_id": "Ann_Therapist_public",
        "pose_name": "Ann Therapist",
        "default_voice": "voice-ann",
        "is_public": True,
        "normal_preview": "https://files.example.invalid/ann.png",
        "status": "ACTIVE",
        "created_at": 1717000000,
    },
    {
        "avatar_id": "Shawn_Therapist_public",
        "pose_name": "Shawn Therapist",
        "default_voice": "voice-shawn",
        "is_public": True,
        "normal_preview": "https://files.example.invalid/shawn.png",
        "status": "ACTIVE",
        "created_at": 1717000000,
    },
    {
        "avatar_id": "Dexter_Doctor_Standing2_public",
        "pose_name": "Dexter Doctor",
        "default_voice": "voice-dexter",
        "is_public": True,
        "normal_preview": "https://files.example.invalid/dexter.png",
        "status": "ACTIVE",
        "created_at": 1717000000,
    },
]
VOICES = [
    {
        "voice_id": "voice-ann",
        "name": "Ann",
        "language": "English",
        "gender": "female",
        "preview_audio": "",
        "support_pause": True,
        "emotion_support": True,
    },
    {
        "voice_id": "voice-shawn",
        "name": "Shawn",
        "language": "English",
        "gender": "male",
        "preview_audio": "",
        "support_pause": True,
        "emotion_support": False,
    },
]


def error(status: int, kind: str, message: str) -> Response:
    code = {401: 400112, 404: 400004}.get(status, status)
    headers = retry_after_headers("heygen") if status in (429, 503) else []
    return json_response({"code": code, "message": message}, status=status, headers=headers)


heygen = Vendor("heygen", error)
heygen.named_errors.update(
    {
        "concurrency_limit": lambda: json_response(
            {"code": 400, "message": CONCURRENCY_MESSAGE}, status=400
        ),
        "avatar_not_found": lambda: json_response(
            {"code": 10013, "message": "avatar not found"}, status=400
        ),
        "bad_state": lambda: json_response(
            {"code": 400006, "message": "Session is not in correct state"}, status=400
        ),
        "unauthorized": lambda: json_response(
            {"code": 400112, "message": "Unauthorized"}, status=401
        ),
    }
)


def ok(data: object = None, message: str = "success") -> Response:
    return json_response({"code": 100, "message": message, "data": data})


def unauthorized() -> Response:
    return json_response({"code": 400112, "message": "Unauthorized"}, status=401)


def _auth(request: Request, endpoint: str, session_id: str = "") -> bool:
    """API key, or a session token bound to its session (single use for streaming.new)."""
    key = request.headers.get("x-api-key", "")
    if key:
        return check_key("heygen", endpoint, key)
    token = request.bearer
    info = STORE.tokens.get(token)
    if not info or info.get("vendor") != "heygen":
        return False
    if endpoint == "new":
        return not info.get("session_id")
    return bool(session_id) and info.get("session_id") == session_id


def _session(session_id: str) -> FakeSession | None:
    return STORE.sessions["heygen"].get(session_id)


def _missing(session_id: str) -> Response:
    return json_response(
        {"code": 400004, "message": f"Session does not exist. SessionID: {session_id}"},
        status=400,
    )


@heygen.route("POST", "/v1/streaming.create_token", "create_token")
async def create_token(request: Request) -> Response:
    if not request.headers.get("content-type", "").startswith("application/json"):
        return json_response(
            {"detail": "Unsupported media type '' in request. 'application/json' is required."},
            status=415,
        )
    if not check_key("heygen", "create_token", request.headers.get("x-api-key", "")):
        return unauthorized()
    payload = {"token": secrets.token_hex(16), "token_type": "fake", "created_at": int(time.time())}
    token = base64.b64encode(json.dumps(payload).encode()).decode()
    STORE.tokens[token] = {"vendor": "heygen", "session_id": ""}
    return json_response({"error": None, "data": {"token": token}})


@heygen.route("POST", "/v1/streaming.new", "new")
async def new(request: Request) -> Response:
    if not _auth(request, "new"):
        return unauthorized()
    body = request.json()
    avatar_id = body.get("avatar_id") or body.get("avatar_name") or "default"
    known = {a["avatar_id"] for a in AVATARS} | {"default"}
    extra = STORE.knob("heygen", "new", "avatars") or []
    if avatar_id not in known and avatar_id not in extra:
        return json_response({"code": 10013, "message": "avatar not found"}, status=400)
    if body.get("quality") not in (None, "high", "medium", "low"):
        return json_response({"code": 400175, "message": "Invalid parameter: quality"}, status=400)
    idle = body.get("activity_idle_timeout")
    if idle is not None and not (30 <= int(idle) <= 3600):
        return json_response(
            {"code": 400175, "message": "Invalid parameter: activity_idle_timeout"}, status=400
        )
    cap = STORE.knob("heygen", "new", "concurrency")
    if cap is not None and len(STORE.open_sessions("heygen")) >= int(cap):
        return json_response({"code": 400, "message": CONCURRENCY_MESSAGE}, status=400)
    session_id = new_id()
    idle_override = STORE.knob("heygen", "new", "idle_timeout")
    session = FakeSession(
        vendor="heygen",
        session_id=session_id,
        idle_timeout=float(idle_override or idle or 120),
        duration_limit=float(STORE.knob("heygen", "new", "session_duration_limit", 600)),
        data={"avatar_id": avatar_id, "version": body.get("version") or "v1"},
    )
    STORE.sessions["heygen"][session_id] = session
    if request.bearer:
        STORE.tokens[request.bearer]["session_id"] = session_id
    STORE.note_open("heygen")
    return ok(
        {
            "session_id": session_id,
            "url": "wss://livekit.fake-heygen.invalid",
            "access_token": f"lk-user-{secrets.token_hex(12)}",
            "livekit_agent_token": f"lk-agent-{secrets.token_hex(12)}",
            "realtime_endpoint": f"wss://signaling.fake-heygen.invalid/session/{session_id}",
            "sdp": None,
            "ice_servers": None,
            "ice_servers2": None,
            "is_paid": True,
            "session_duration_limit": int(session.duration_limit),
        }
    )


async def _session_call(request: Request, endpoint: str) -> tuple[FakeSession | None, Response]:
    body = request.json()
    session_id = body.get("session_id") or ""
    if not session_id or not _auth(request, endpoint, session_id):
        return None, unauthorized()
    session = _session(session_id)
    if session is None:
        return None, _missing(session_id)
    return session, ok()


@heygen.route("POST", "/v1/streaming.start", "start")
async def start(request: Request) -> Response:
    session, response = await _session_call(request, "start")
    if session is None:
        return response
    if session.status != "new":
        return json_response(
            {"code": 400006, "message": "Session is not in correct state"}, status=400
        )
    session.status = "connecting"
    session.last_activity = time.time()
    STORE.note_open("heygen")
    connect_delay = float(STORE.knob("heygen", "start", "connect_delay", 0) or 0)
    if connect_delay > 0:

        async def connect_later() -> None:
            await asyncio.sleep(connect_delay)
            if session.status == "connecting":
                session.status = "connected"

        session.data["task"] = asyncio.ensure_future(connect_later())
    else:
        session.status = "connected"
    return ok(None)


@heygen.route("POST", "/v1/streaming.task", "task")
async def task(request: Request) -> Response:
    session, response = await _session_call(request, "task")
    if session is None:
        return response
    if session.status != "connected":
        return json_response(
            {"code": 400006, "message": "Session is not in correct state"}, status=400
        )
    text = request.json().get("text") or ""
    if not text:
        return json_response({"code": 40001, "message": "Missing required input: text"}, 400)
    session.last_activity = time.time()
    session.data.setdefault("spoken", []).append(text)
    duration_ms = round(len(text) * 60.0, 1)
    return ok({"duration_ms": duration_ms, "task_id": new_id()})


@heygen.route("POST", "/v1/streaming.interrupt", "interrupt")
async def interrupt(request: Request) -> Response:
    session, response = await _session_call(request, "interrupt")
    if session is None:
        return response
    if session.status == "closed":
        return json_response(
            {"code": 400006, "message": "Session is not in correct state"}, status=400
        )
    session.last_activity = time.time()
    return ok(None)


@heygen.route("POST", "/v1/streaming.keep_alive", "keep_alive")
async def keep_alive(request: Request) -> Response:
    session, response = await _session_call(request, "keep_alive")
    if session is None:
        return response
    if session.status == "closed":
        return json_response(
            {"code": 400006, "message": "Session is not in correct state"}, status=400
        )
    session.last_activity = time.time()
    session.data["keep_alives"] = session.data.get("keep_alives", 0) + 1
    return ok(None)


@heygen.route("POST", "/v1/streaming.stop", "stop")
async def stop(request: Request) -> Response:
    session, response = await _session_call(request, "stop")
    if session is None:
        return response
    if session.status == "closed":
        return _missing(session.session_id)
    session.status = "closed"
    session.close_reason = "STOPPED"
    return ok(None)


@heygen.route("GET", "/v1/streaming.list", "list")
async def list_sessions(request: Request) -> Response:
    if not check_key("heygen", "list", request.headers.get("x-api-key", "")):
        return unauthorized()
    sessions = [
        {
            "session_id": s.session_id,
            "status": s.status,
            "created_at": int(s.created_at),
            "api_key_type": "regular",
        }
        for s in STORE.open_sessions("heygen")
    ]
    return ok({"sessions": sessions})


@heygen.route("GET", "/v1/streaming/avatar.list", "avatars")
async def avatar_list(request: Request) -> Response:
    if not check_key("heygen", "avatars", request.headers.get("x-api-key", "")):
        return unauthorized()
    return json_response({"code": 100, "message": "Success", "data": AVATARS})


@heygen.route("GET", "/v2/voices", "voices")
async def voices(request: Request) -> Response:
    if not check_key("heygen", "voices", request.headers.get("x-api-key", "")):
        return unauthorized()
    return json_response({"error": None, "data": {"voices": VOICES}})
