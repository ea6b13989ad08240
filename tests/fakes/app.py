"""The fake providers' ASGI application: vendor prefixes plus the control API."""

from __future__ import annotations

import json
import time
from collections import deque
from typing import Any

from tests.fakes.core import (
    STORE,
    Receive,
    Request,
    Response,
    Scope,
    Send,
    Vendor,
    headers_of,
    json_response,
    parse_query,
    read_body,
    send_response,
)
from tests.fakes.deepgram import deepgram
from tests.fakes.heygen import heygen
from tests.fakes.liveavatar import liveavatar
from tests.fakes.openai import openai
from tests.fakes.zoom import zoom

#: Emit log for benchmarks (knob `deepgram.live` `emit_log: true`): one entry per transcript
#: result sent on a live socket, stamped the moment the fake hands it to the server:
#: {"t": unix time, "tag": first word of the latest audio frame, "last": last word of the
#: result, "final": is_final}. Read with GET /_control/emits; cleared by /_control/reset.
EMITS: deque[dict[str, Any]] = deque(maxlen=200_000)

VENDOR_APPS: dict[str, Vendor] = {
    "heygen": heygen,
    "liveavatar": liveavatar,
    "deepgram": deepgram,
    "openai": openai,
    "zoom": zoom,
}


#: OpenAI-compatible local model servers (Ollama, llama.cpp's server) serve the API at the root
#: (`http://localhost:11434/v1`): the same fake OpenAI answers there, whole path kept.
ROOT_MOUNTS: dict[str, str] = {"v1": "openai"}


def _split(path: str) -> tuple[str, str]:
    _, _, rest = path.partition("/")
    prefix, sep, tail = rest.partition("/")
    return prefix, "/" + tail if sep else "/"


async def _control(method: str, path: str, body: bytes) -> Response:
    if path == "/knobs" and method == "POST":
        try:
            values = json.loads(body or b"{}")
            if not isinstance(values, dict):
                raise ValueError("knobs must be a JSON object")
            STORE.set_knobs(values)
        except ValueError as exc:
            return json_response({"error": str(exc)}, status=400)
        return json_response({"knobs": STORE.knobs})
    if path == "/reset" and method == "POST":
        STORE.reset()
        EMITS.clear()
        return json_response({"reset": True})
    if path == "/state" and method == "GET":
        return json_response(STORE.snapshot())
    if path == "/emits" and method == "GET":
        return json_response({"emits": list(EMITS)})
    return json_response({"error": "unknown control endpoint"}, status=404)


def _loggable(body: bytes) -> Any:
    if not body:
        return None
    try:
        value = json.loads(body)
    except ValueError:
        return {"bytes": len(body)}
    text = json.dumps(value)
    if len(text) <= 4000:
        return value
    # A long body (a prompt) is cut, but its short top-level parameters (model, max_tokens,
    # stream, ...) stay readable for tests.
    params = (
        {
            k: v
            for k, v in value.items()
            if isinstance(v, int | float | bool | str | None) and len(str(v)) <= 200
        }
        if isinstance(value, dict)
        else {}
    )
    return {"truncated": text[:4000], "params": params}


def _stamped(receive: Receive, send: Send) -> tuple[Receive, Send]:
    """Wrap a live socket so every transcript result it sends is logged in EMITS with the tag
    of the audio frame that produced it (benchmarks match results to the captions they cause)."""
    tag = ""

    async def tagged_receive() -> dict[str, Any]:
        nonlocal tag
        message = await receive()
        data = message.get("bytes")
        if data:
            tag = data[:64].split(b"\0", 1)[0].split(b" ", 1)[0].decode("ascii", "replace")
        return message

    async def stamped_send(message: dict[str, Any]) -> None:
        text = message.get("text") if message.get("type") == "websocket.send" else None
        if text and text.startswith('{"type": "Results"'):
            result = json.loads(text)
            words = result["channel"]["alternatives"][0]["words"]
            if words:
                last = words[-1].get("punctuated_word") or words[-1]["word"]
                EMITS.append(
                    {"t": time.time(), "tag": tag, "last": last, "final": result["is_final"]}
                )
        await send(message)

    return tagged_receive, stamped_send


async def application(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    prefix, rest = _split(scope["path"])
    if prefix in ROOT_MOUNTS:
        prefix, rest = ROOT_MOUNTS[prefix], scope["path"]
    if scope["type"] == "websocket":
        vendor = VENDOR_APPS.get(prefix)
        if vendor is None or vendor.websocket is None:
            await receive()
            await send({"type": "websocket.close"})
            return
        if prefix == "deepgram" and STORE.knob("deepgram", "live", "emit_log"):
            receive, send = _stamped(receive, send)
        await vendor.websocket(scope, receive, send, rest)
        return
    if scope["type"] != "http":
        return
    method = scope["method"]
    body = await read_body(receive)
    if prefix == "_control":
        await send_response(await _control(method, rest, body), send, receive)
        return
    vendor = VENDOR_APPS.get(prefix)
    if vendor is None:
        await send_response(json_response({"error": "unknown vendor"}, 404), send, receive)
        return
    route, params, path_known = vendor.match(method, rest)
    query = parse_query(scope.get("query_string", b""))
    entry: dict[str, Any] = {
        "at": time.time(),  # arrival (unix time; benchmarks time vendor calls with it)
        "vendor": vendor.name,
        "endpoint": route.endpoint if route else "",
        "method": method,
        "path": rest,
        "query": {k: v[-1] if len(v) == 1 else v for k, v in query.items()},
        "body": _loggable(body),
    }
    if route is None:
        status = 405 if path_known else 404
        response = vendor.error(
            status, str(status), "Not found" if status == 404 else "Method not allowed"
        )
    else:
        request = Request(
            method=method,
            path=rest,
            query=query,
            headers=headers_of(scope),
            body=body,
            receive=receive,
            params=params,
        )
        response = await vendor.handle(request, route)
    entry["status"] = response.status if not response.action else response.action
    STORE.statuses[f"{entry['vendor']}.{entry['endpoint']}:{entry['status']}"] += 1
    STORE.log.append(entry)
    await send_response(response, send, receive)
