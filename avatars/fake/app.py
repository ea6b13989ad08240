"""The fake providers' ASGI application: vendor prefixes plus the control API."""

from __future__ import annotations

import json
from typing import Any

from avatars.fake.core import (
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
from avatars.fake.deepgram import deepgram
from avatars.fake.heygen import heygen
from avatars.fake.liveavatar import liveavatar
from avatars.fake.openai import openai
from avatars.fake.zoom import zoom

VENDOR_APPS: dict[str, Vendor] = {
    "heygen": heygen,
    "liveavatar": liveavatar,
    "deepgram": deepgram,
    "openai": openai,
    "zoom": zoom,
}


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
        return json_response({"reset": True})
    if path == "/state" and method == "GET":
        return json_response(STORE.snapshot())
    return json_response({"error": "unknown control endpoint"}, status=404)


def _loggable(body: bytes) -> Any:
    if not body:
        return None
    try:
        value = json.loads(body)
    except ValueError:
        return {"bytes": len(body)}
    text = json.dumps(value)
    return value if len(text) <= 4000 else {"truncated": text[:4000]}


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
    if scope["type"] == "websocket":
        vendor = VENDOR_APPS.get(prefix)
        if vendor is None or vendor.websocket is None:
            await receive()
            await send({"type": "websocket.close"})
            return
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
