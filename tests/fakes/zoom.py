"""Fake Zoom under /zoom: Server-to-Server OAuth (`POST /oauth/token`, account_credentials) and
meetings (`POST /v2/users/{userId}/meetings` with breakout rooms, `GET/PATCH/DELETE
/v2/meetings/{id}`, `PUT|PATCH /v2/meetings/{id}/status {"action": "end"}`).
Errors are `{code, message}`; a bad token gets `401 {"code": 124, ...}`.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from typing import Any

from tests.fakes.core import (
    STORE,
    FakeSession,
    Request,
    Response,
    Vendor,
    check_key,
    empty_response,
    json_response,
    retry_after_headers,
)


def error(status: int, kind: str, message: str) -> Response:
    headers = retry_after_headers("zoom") if status in (429, 503) else []
    code = {401: 124, 404: 3001, 429: 429, 400: 300}.get(status, status)
    return json_response({"code": code, "message": message}, status=status, headers=headers)


zoom = Vendor("zoom", error)
zoom.named_errors["concurrency_limit"] = lambda: error(
    429,
    "rate",
    "You have exceeded the daily rate limit of (100) for Create a meeting API requests.",
)


def _token_ok(request: Request, endpoint: str) -> bool:
    info = STORE.tokens.get(request.bearer)
    return bool(info and info.get("vendor") == "zoom" and info["expires"] > time.time())


def _invalid_token() -> Response:
    return json_response({"code": 124, "message": "Invalid access token."}, status=401)


@zoom.route("POST", "/oauth/token", "token")
async def oauth_token(request: Request) -> Response:
    form = request.query.copy()
    if request.body and "form" in request.headers.get("content-type", ""):
        from tests.fakes.core import parse_query

        form.update(parse_query(request.body))
    grant_type = (form.get("grant_type") or [""])[-1]
    account_id = (form.get("account_id") or [""])[-1]
    client_id, client_secret = request.basic()
    if not client_id or not check_key("zoom", "token", client_secret):
        return json_response(
            {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}, 401
        )
    if grant_type != "account_credentials":
        return json_response(
            {"reason": "Unsupported grant type", "error": "unsupported_grant_type"}, 400
        )
    if not account_id:
        return json_response(
            {"reason": "Invalid request : Missing account_id", "error": "invalid_request"}, 400
        )
    ttl = int(STORE.knob("zoom", "token", "token_ttl", 3600))
    token = "eyJzdiI6IjAwMDAwMSJ9." + secrets.token_urlsafe(32)
    STORE.tokens[token] = {"vendor": "zoom", "expires": time.time() + ttl}
    return json_response(
        {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": ttl,
            "scope": "meeting:write:meeting:admin meeting:read:meeting:admin meeting:update:meeting:admin meeting:delete:meeting:admin",
            "api_url": "https://api.zoom.us",
        }
    )


def _meeting_body(session: FakeSession) -> dict[str, Any]:
    return session.data["meeting"]


@zoom.route("POST", "/v2/users/{user_id}/meetings", "create_meeting")
async def create_meeting(request: Request) -> Response:
    if not _token_ok(request, "create_meeting"):
        return _invalid_token()
    body = request.json()
    topic = body.get("topic") or "Zoom meeting"
    if len(topic) > 200:
        return error(400, "validation", "Validation Failed.")
    meeting_type = int(body.get("type") or 2)
    meeting_id = secrets.randbelow(9 * 10**10) + 10**10
    settings = dict(body.get("settings") or {})
    breakout = settings.get("breakout_room") or {}
    if breakout.get("rooms"):
        for room in breakout["rooms"]:
            if not room.get("name"):
                return error(400, "validation", "Breakout room name is required.")
    password = body.get("password") or secrets.token_hex(3)
    meeting = {
        "uuid": secrets.token_urlsafe(16)[:22] + "==",
        "id": meeting_id,
        "host_id": "fakeHost" + secrets.token_hex(6),
        "host_email": "host@fake-zoom.invalid",
        "topic": topic,
        "type": meeting_type,
        "status": "waiting",
        "start_time": body.get("start_time") or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": int(body.get("duration") or 60),
        "timezone": body.get("timezone") or "UTC",
        "agenda": body.get("agenda") or "",
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "start_url": f"https://fake-zoom.invalid/s/{meeting_id}?zak=fake",
        "join_url": f"https://fake-zoom.invalid/j/{meeting_id}?pwd={password}",
        "password": password,
        "h323_password": "123456",
        "pstn_password": "123456",
        "encrypted_password": secrets.token_urlsafe(12),
        "pre_schedule": False,
        "settings": {
            "join_before_host": bool(settings.get("join_before_host", False)),
            "waiting_room": bool(settings.get("waiting_room", False)),
            "breakout_room": {
                "enable": bool(breakout.get("enable")),
                "rooms": breakout.get("rooms", []),
            },
        },
    }
    STORE.sessions["zoom"][str(meeting_id)] = FakeSession(
        vendor="zoom",
        session_id=str(meeting_id),
        status="connected",
        idle_timeout=10**9,
        duration_limit=10**9,
        data={"meeting": meeting, "user_id": request.params.get("user_id")},
    )
    STORE.note_open("zoom")
    return json_response(meeting, status=201)


def _meeting(request: Request) -> FakeSession | None:
    return STORE.sessions["zoom"].get(request.params["meeting_id"])


def _not_found(request: Request) -> Response:
    return error(404, "not_found", f"Meeting does not exist: {request.params['meeting_id']}.")


@zoom.route("GET", "/v2/meetings/{meeting_id}", "get_meeting")
async def get_meeting(request: Request) -> Response:
    if not _token_ok(request, "get_meeting"):
        return _invalid_token()
    session = _meeting(request)
    if session is None or session.close_reason == "deleted":
        return _not_found(request)
    return json_response(_meeting_body(session))


@zoom.route("PATCH", "/v2/meetings/{meeting_id}", "update_meeting")
async def update_meeting(request: Request) -> Response:
    if not _token_ok(request, "update_meeting"):
        return _invalid_token()
    session = _meeting(request)
    if session is None or session.close_reason == "deleted":
        return _not_found(request)
    body = request.json()
    meeting = _meeting_body(session)
    for key in ("topic", "agenda", "duration", "start_time", "timezone"):
        if key in body:
            meeting[key] = body[key]
    if "settings" in body:
        meeting["settings"].update(body["settings"])
    return empty_response(204)


async def _end(request: Request) -> Response:
    if not _token_ok(request, "end_meeting"):
        return _invalid_token()
    session = _meeting(request)
    if session is None or session.close_reason == "deleted":
        return _not_found(request)
    action = request.json().get("action")
    if action not in ("end", "recover"):
        return error(400, "validation", "Invalid field: action.")
    if action == "end":
        session.status = "closed"
        session.close_reason = "ended"
        _meeting_body(session)["status"] = "finished"
    return empty_response(204)


zoom.route("PUT", "/v2/meetings/{meeting_id}/status", "end_meeting")(_end)
zoom.route("PATCH", "/v2/meetings/{meeting_id}/status", "end_meeting")(_end)


@zoom.route("DELETE", "/v2/meetings/{meeting_id}", "delete_meeting")
async def delete_meeting(request: Request) -> Response:
    if not _token_ok(request, "delete_meeting"):
        return _invalid_token()
    session = _meeting(request)
    if session is None or session.close_reason == "deleted":
        return _not_found(request)
    session.status = "closed"
    session.close_reason = "deleted"
    return empty_response(204)
