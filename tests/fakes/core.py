"""Plumbing shared by the fake vendors: requests, responses, knobs, counters and the router."""

from __future__ import annotations

import asyncio
import base64
import contextvars
import json
import random
import re
import time
import uuid
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

VENDORS = ("heygen", "liveavatar", "deepgram", "openai", "zoom")

#: Knobs understood by every endpoint (see the package docstring for vendor-specific ones).
GENERIC_KNOBS = (
    "latency",  # seconds to wait before answering
    "fail",  # scripted failure: "401", "429", "500", "timeout", "reset", "malformed", or a vendor name
    "fail_times",  # inject `fail` for this many requests, then answer normally (default: always)
    "fail_after",  # let this many requests through before `fail` starts (default 0)
    "fail_rate",  # probability 0..1 that a request fails with `fail` (or "500")
    "retry_after",  # seconds announced in Retry-After on 429/503 (default 1)
    "concurrency",  # cap: requests in flight (or open sessions for session vendors)
    "api_key",  # the only key accepted (default: any non-empty key)
)


# --- Requests and responses ---------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str  # without the vendor prefix
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    body: bytes
    receive: Receive
    params: dict[str, str] = field(default_factory=dict)

    def q(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[-1] if values else default

    def q_bool(self, name: str) -> bool:
        return self.q(name).lower() == "true"

    def json(self) -> Any:
        if not self.body:
            return {}
        return json.loads(self.body)

    @property
    def bearer(self) -> str:
        auth = self.headers.get("authorization", "")
        scheme, _, value = auth.partition(" ")
        return value.strip() if scheme.lower() == "bearer" else ""

    def basic(self) -> tuple[str, str]:
        auth = self.headers.get("authorization", "")
        scheme, _, value = auth.partition(" ")
        if scheme.lower() != "basic":
            return "", ""
        try:
            user, _, password = base64.b64decode(value).decode().partition(":")
        except ValueError:
            return "", ""
        return user, password


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    #: An async iterator of chunks (SSE); `body` is ignored when set.
    stream: Any = None
    #: "reset": drop the connection mid-response; "hang": never answer.
    action: str = ""


def json_response(data: Any, status: int = 200, headers: list[tuple[str, str]] | None = None):
    return Response(
        status=status,
        body=json.dumps(data).encode(),
        headers=[("content-type", "application/json"), *(headers or [])],
    )


def empty_response(status: int = 204) -> Response:
    return Response(status=status)


async def read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def headers_of(scope: Scope) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


async def send_response(response: Response, send: Send, receive: Receive) -> None:
    if response.action == "hang":
        # Never answer: wait until the client gives up (its timeout) and disconnects.
        with _suppress_cancel():
            while (await receive())["type"] != "http.disconnect":
                pass
        return
    if response.action == "reset":
        # Promise a body, send a fragment and close: the client sees a dropped connection.
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", b"4096"),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b'{"partial', "more_body": True})
        _abort_connection(send)
        return
    headers = [(k.encode(), v.encode()) for k, v in response.headers]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    if response.stream is None:
        await send({"type": "http.response.body", "body": response.body})
        return
    async for chunk in response.stream:
        if chunk is ABORT:  # a scripted drop in the middle of a stream
            _abort_connection(send)
            return
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


#: Yielded by a response stream to drop the connection at that point (after earlier chunks).
ABORT: Any = object()


def _protocol_of(send: Send) -> Any:
    """daphne's protocol object behind an ASGI `send` (a partial bound to it), or None."""
    return (getattr(send, "args", None) or (None,))[0]


async def deny_websocket(send: Send, status: int, reason: str) -> None:
    """Refuse a WebSocket handshake with an HTTP status (the vendors answer 401/429/5xx).
    ASGI's plain close can only produce daphne's 403; this reaches into daphne's protocol,
    and falls back to the plain close elsewhere."""
    protocol = _protocol_of(send)
    deferred = getattr(protocol, "handshake_deferred", None)
    if deferred is None:
        await send({"type": "websocket.close"})
        return
    from autobahn.websocket.types import ConnectionDeny

    deferred.errback(ConnectionDeny(code=status, reason=reason))
    del protocol.handshake_deferred
    protocol.server.protocol_disconnected(protocol)


def abort_websocket(send: Send) -> None:
    """Drop a WebSocket's TCP connection without a close frame (a reset mid-stream)."""
    protocol = _protocol_of(send)
    transport = getattr(protocol, "transport", None)
    abort = getattr(transport, "abortConnection", None) or getattr(
        transport, "loseConnection", None
    )
    if abort is not None:
        abort()


def _abort_connection(send: Send) -> None:
    """Drop the TCP connection under daphne (its `send` is a partial bound to the protocol;
    ASGI itself has no way to abort). Elsewhere the truncated body is the best we can do."""
    protocol = _protocol_of(send)
    channel = getattr(protocol, "channel", None)
    transport = getattr(protocol, "transport", None) or getattr(channel, "transport", None)
    abort = getattr(transport, "abortConnection", None) or getattr(
        transport, "loseConnection", None
    )
    if abort is not None:
        abort()


class _suppress_cancel:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> bool:
        return exc[0] is asyncio.CancelledError


# --- Knobs and state ----------------------------------------------------------------------


def split_scope(key: str) -> str:
    """ "heygen_keep_alive" / "heygen.keep_alive" -> "heygen.keep_alive"; "heygen" stays."""
    key = key.strip()
    if "." in key:
        return key
    vendor, sep, endpoint = key.partition("_")
    return f"{vendor}.{endpoint}" if sep and vendor in VENDORS else key


@dataclass
class FakeSession:
    vendor: str
    session_id: str
    status: str = "new"  # new | connecting | connected | closed
    created_at: float = field(default_factory=time.time)
    last_activity: float = field(default_factory=time.time)
    idle_timeout: float = 120.0
    duration_limit: float = 600.0
    token: str = ""
    close_reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)


class SessionTable(dict[str, FakeSession]):
    """A vendor's sessions by id (closed ones are kept: tests read how they ended), plus an
    index of those not known to be closed, so the sweep that runs on every request costs what
    is open, not every session since the server started (a vendor's own service does not slow
    down as its history grows; the bench's later waves did)."""

    def __init__(self) -> None:
        super().__init__()
        self.live: dict[str, FakeSession] = {}

    def __setitem__(self, key: str, value: FakeSession) -> None:
        super().__setitem__(key, value)
        self.live[key] = value

    def open(self) -> list[FakeSession]:
        closed = [k for k, s in self.live.items() if s.status == "closed"]
        for key in closed:
            del self.live[key]
        return list(self.live.values())


class Store:
    """All fake state lives in this one process (daphne's event loop): plain dicts suffice."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.knobs: dict[str, dict[str, Any]] = {}
        self.fail_counts: dict[str, int] = {}
        self.pass_counts: dict[str, int] = {}
        self.sessions: dict[str, SessionTable] = {v: SessionTable() for v in VENDORS}
        self.tokens: dict[str, dict[str, Any]] = {}  # one-time/short-lived tokens
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight: Counter[str] = Counter()
        self.max_open: Counter[str] = Counter()
        self.max_starting: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        self.statuses: Counter[str] = Counter()
        self.log: deque[dict[str, Any]] = deque(maxlen=500)
        self.live_sockets: int = 0
        self.max_live_sockets: int = 0
        self.script_positions: dict[str, int] = {}
        self.rng = random.Random(1234)

    # knobs
    def set_knobs(self, values: dict[str, Any]) -> None:
        for raw_key, settings in values.items():
            key = split_scope(raw_key)
            if not isinstance(settings, dict):
                raise ValueError(f"knobs for {key!r} must be an object")
            current = self.knobs.setdefault(key, {})
            for name, value in settings.items():
                if value is None:
                    current.pop(name, None)
                else:
                    current[name] = value
                if name == "fail":
                    self.fail_counts.pop(key, None)
                    self.pass_counts.pop(key, None)

    def knob(self, vendor: str, endpoint: str, name: str, default: Any = None) -> Any:
        for key in (f"{vendor}.{endpoint}", vendor):
            settings = self.knobs.get(key, {})
            if name in settings:
                return settings[name]
        return default

    def knob_scope(self, vendor: str, endpoint: str, name: str) -> str | None:
        for key in (f"{vendor}.{endpoint}", vendor):
            if name in self.knobs.get(key, {}):
                return key
        return None

    def take_failure(self, vendor: str, endpoint: str) -> str:
        """The scripted failure for this request, or ""."""
        fail = self.knob(vendor, endpoint, "fail")
        rate = self.knob(vendor, endpoint, "fail_rate")
        if rate is not None:
            if self.rng.random() >= float(rate):
                return ""
            return str(fail or "500")
        if not fail:
            return ""
        after = self.knob(vendor, endpoint, "fail_after")
        if after:
            scope = self.knob_scope(vendor, endpoint, "fail") or vendor
            passed = self.pass_counts.get(scope, 0)
            if passed < int(after):
                self.pass_counts[scope] = passed + 1
                return ""
        times = self.knob(vendor, endpoint, "fail_times")
        if times is not None:
            scope = self.knob_scope(vendor, endpoint, "fail") or vendor
            used = self.fail_counts.get(scope, 0)
            if used >= int(times):
                return ""
            self.fail_counts[scope] = used + 1
        return str(fail)

    def next_scripted(self, vendor: str, endpoint: str, name: str, default: Any) -> Any:
        """Scripted values (replies, transcripts) are consumed in order; the last one repeats."""
        script = self.knob(vendor, endpoint, name)
        if script is None:
            return default
        if not isinstance(script, list):
            return script
        if not script:
            return default
        key = f"{vendor}.{name}"
        position = self.script_positions.get(key, 0)
        self.script_positions[key] = position + 1
        return script[min(position, len(script) - 1)]

    # sessions
    def sweep(self) -> None:
        now = time.time()
        for vendor_sessions in self.sessions.values():
            for session in vendor_sessions.open():
                if now - session.last_activity > session.idle_timeout:
                    session.status = "closed"
                    session.close_reason = "IDLE_TIMEOUT"
                elif now - session.created_at > session.duration_limit:
                    session.status = "closed"
                    session.close_reason = "MAX_DURATION_REACHED"

    def open_sessions(self, vendor: str) -> list[FakeSession]:
        return self.sessions[vendor].open()

    def note_open(self, vendor: str) -> None:
        sessions = self.open_sessions(vendor)
        self.max_open[vendor] = max(self.max_open[vendor], len(sessions))
        starting = sum(1 for s in sessions if s.status in ("new", "connecting"))
        self.max_starting[vendor] = max(self.max_starting[vendor], starting)

    def snapshot(self) -> dict[str, Any]:
        self.sweep()
        open_counts = {v: len(self.open_sessions(v)) for v in VENDORS}
        open_counts["deepgram"] = self.live_sockets
        max_concurrent = {v: self.max_open[v] for v in VENDORS}
        max_concurrent["deepgram"] = self.max_live_sockets
        return {
            "open_sessions": open_counts,
            "max_concurrent": max_concurrent,
            "max_starting": {v: self.max_starting[v] for v in VENDORS},
            "in_flight": dict(self.in_flight),
            "max_in_flight": {v: self.max_in_flight[v] for v in VENDORS},
            "requests": dict(self.requests),
            "statuses": dict(self.statuses),
            "sessions": {
                v: [
                    {
                        "session_id": s.session_id,
                        "status": s.status,
                        "close_reason": s.close_reason,
                        "created_at": s.created_at,
                    }
                    for s in self.sessions[v].values()
                ]
                for v in VENDORS
            },
            "knobs": self.knobs,
            "log": list(self.log),
        }


STORE = Store()


def new_id() -> str:
    return str(uuid.uuid4())


def check_key(vendor: str, endpoint: str, presented: str) -> bool:
    """Any non-empty key is valid unless the `api_key` knob names the only valid one."""
    if not presented:
        return False
    expected = STORE.knob(vendor, endpoint, "api_key")
    return presented == expected if expected else True


# --- Routing ------------------------------------------------------------------------------

Handler = Callable[[Request], Awaitable[Response]]
ErrorFactory = Callable[[str, str], Response | None]


@dataclass
class Route:
    method: str
    pattern: re.Pattern[str]
    endpoint: str
    handler: Handler


class Vendor:
    """A group of routes under one path prefix, with vendor-shaped error bodies."""

    def __init__(self, name: str, error: Callable[[int, str, str], Response]) -> None:
        self.name = name
        self.routes: list[Route] = []
        self.error = error  # (status, code/kind, message) -> Response
        self.named_errors: dict[str, Callable[[], Response]] = {}
        self.websocket: Callable[[Scope, Receive, Send, str], Awaitable[None]] | None = None

    def route(self, method: str, path: str, endpoint: str) -> Callable[[Handler], Handler]:
        pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$")

        def decorate(handler: Handler) -> Handler:
            self.routes.append(Route(method, pattern, endpoint, handler))
            return handler

        return decorate

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        path_known = False
        for route in self.routes:
            m = route.pattern.match(path)
            if m:
                path_known = True
                if route.method == method:
                    return route, m.groupdict(), True
        return None, {}, path_known

    def scripted_error(self, kind: str) -> Response:
        if kind in self.named_errors:
            return self.named_errors[kind]()
        if kind == "malformed":
            return Response(
                status=200,
                body=b'{"code": 100, "data": {tr',
                headers=[("content-type", "application/json")],
            )
        if kind == "timeout":
            return Response(action="hang")
        if kind == "reset":
            return Response(action="reset")
        try:
            status = int(kind)
        except ValueError:
            status = 500
        return self.error(status, kind, _STATUS_MESSAGES.get(status, "Scripted failure"))

    async def handle(self, request: Request, route: Route) -> Response:
        vendor, endpoint = self.name, route.endpoint
        key = f"{vendor}.{endpoint}"
        CURRENT_ENDPOINT.set(endpoint)
        STORE.requests[key] += 1
        STORE.in_flight[vendor] += 1
        STORE.max_in_flight[vendor] = max(STORE.max_in_flight[vendor], STORE.in_flight[vendor])
        try:
            latency = float(STORE.knob(vendor, endpoint, "latency", 0) or 0)
            if latency > 0:
                await asyncio.sleep(latency)
            STORE.sweep()
            failure = STORE.take_failure(vendor, endpoint)
            cap = STORE.knob(vendor, endpoint, "concurrency")
            over_cap = (
                cap is not None
                and not _session_vendor(vendor)
                and STORE.in_flight[vendor] > int(cap)
            )
            if failure:
                response = self.scripted_error(failure)
            elif over_cap:
                response = self.scripted_error("concurrency_limit")
            else:
                try:
                    response = await route.handler(request)
                except (ValueError, KeyError, TypeError) as exc:
                    response = self.error(400, "bad_request", f"Invalid request: {exc}")
            return response
        finally:
            STORE.in_flight[vendor] -= 1


def _session_vendor(vendor: str) -> bool:
    # For vendors with sessions the concurrency knob caps open sessions (checked by handlers).
    return vendor in ("heygen", "liveavatar")


_STATUS_MESSAGES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    408: "Request timeout",
    409: "Conflict",
    422: "Unprocessable entity",
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
}


#: The endpoint being served (so vendor error builders can read endpoint knobs).
CURRENT_ENDPOINT: contextvars.ContextVar[str] = contextvars.ContextVar("endpoint", default="")


def retry_after_headers(vendor: str, endpoint: str = "") -> list[tuple[str, str]]:
    seconds = STORE.knob(vendor, endpoint or CURRENT_ENDPOINT.get(), "retry_after", 1)
    return [("retry-after", str(seconds))]


def parse_query(raw: bytes) -> dict[str, list[str]]:
    return parse_qs(raw.decode("latin-1"), keep_blank_values=True)
