"""Fake OpenAI chat completions under /openai: `POST /v1/chat/completions`, plain or streamed
(SSE `data: {...}` chunks ending in `data: [DONE]`), structured output with a strict json_schema
(the schema is checked the way the real API checks strict schemas), and the error envelope
`{"error": {message, type, param, code}}` with `retry-after` on 429.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from typing import Any

from tests.fakes.core import (
    ABORT,
    STORE,
    Request,
    Response,
    Vendor,
    check_key,
    json_response,
    new_id,
    retry_after_headers,
)
from tests.fakes.model_faults import (
    REFUSAL,
    apply_text_faults,
    apply_value_faults,
    faults_of,
    truncate,
)

DEFAULT_REPLY = (
    "That is a thoughtful answer. Could you give a concrete example from your own work? "
    "What was the result?"
)
_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "invalid_request_error",
    404: "invalid_request_error",
    429: "requests",
}
_CODES = {401: "invalid_api_key", 429: "rate_limit_exceeded", 404: "model_not_found"}


def error(status: int, kind: str, message: str, param: str | None = None) -> Response:
    headers = [("x-request-id", f"req_{new_id()[:12]}")]
    if status in (429, 503):
        headers += retry_after_headers("openai")
    if status == 401:
        message = "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys."
    return json_response(
        {
            "error": {
                "message": message,
                "type": _TYPES.get(status, "server_error"),
                "param": param,
                "code": _CODES.get(status),
            }
        },
        status=status,
        headers=headers,
    )


openai = Vendor("openai", error)
openai.named_errors["concurrency_limit"] = lambda: error(
    429, "rate_limit", "Rate limit reached for requests"
)


# --- Structured output --------------------------------------------------------------------


class SchemaProblem(ValueError):
    pass


def check_strict(schema: dict[str, Any], path: str = "") -> None:
    """What the real API enforces for strict schemas: every object closes its properties and
    requires all of them."""
    if not isinstance(schema, dict):
        return
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "object" in kinds or "properties" in schema:
        if schema.get("additionalProperties") is not False:
            raise SchemaProblem(
                f"In context=({path or '()'}), 'additionalProperties' is required to be supplied and to be false."
            )
        props = schema.get("properties", {})
        missing = sorted(set(props) - set(schema.get("required", [])))
        if missing:
            raise SchemaProblem(
                f"In context=({path or '()'}), 'required' is required to be supplied and to be an array including every key in properties. Missing '{missing[0]}'."
            )
        for name, sub in props.items():
            check_strict(sub, f"{path}properties.{name}.")
    if "items" in schema:
        check_strict(schema["items"], f"{path}items.")
    for key in ("anyOf", "allOf"):
        for i, sub in enumerate(schema.get(key, [])):
            check_strict(sub, f"{path}{key}.{i}.")
    for name, sub in (schema.get("$defs") or schema.get("definitions") or {}).items():
        check_strict(sub, f"$defs.{name}.")


def example_for(schema: dict[str, Any], root: dict[str, Any], depth: int = 0) -> Any:
    """A minimal value that satisfies `schema` (what the fake 'model' answers)."""
    if depth > 8:
        return None
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        defs = root.get("$defs") or root.get("definitions") or {}
        return example_for(defs.get(name, {}), root, depth + 1)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    if "anyOf" in schema:
        return example_for(schema["anyOf"][0], root, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        return {
            name: example_for(sub, root, depth + 1)
            for name, sub in schema.get("properties", {}).items()
        }
    if kind == "array":
        count = max(1, int(schema.get("minItems", 1)))
        return [example_for(schema.get("items", {}), root, depth + 1) for _ in range(count)]
    if kind == "string":
        return "example"
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return True
    return None


# --- Chat completions ---------------------------------------------------------------------


def _chunk(completion_id: str, model: str, delta: dict[str, Any], finish: str | None) -> bytes:
    data = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }
    return f"data: {json.dumps(data)}\n\n".encode()


def tokens_of(text: str) -> list[str]:
    return re.findall(r"\S+\s*|\s+", text) or [""]


async def _stream(
    completion_id: str,
    model: str,
    content: str,
    *,
    include_usage: bool,
    finish: str,
    fail_midway: bool,
    reset_midway: bool = False,
    refusal: str | None = None,
) -> AsyncIterator[bytes]:
    ttft = float(STORE.knob("openai", "chat", "ttft", 0) or 0)
    tps = float(STORE.knob("openai", "chat", "tokens_per_second", 0) or 0)
    if ttft:
        await asyncio.sleep(ttft)
    if refusal:
        yield _chunk(completion_id, model, {"role": "assistant", "content": None}, None)
        for token in tokens_of(refusal):
            yield _chunk(completion_id, model, {"refusal": token}, None)
        yield _chunk(completion_id, model, {}, "stop")
        yield b"data: [DONE]\n\n"
        return
    yield _chunk(completion_id, model, {"role": "assistant", "content": ""}, None)
    tokens = tokens_of(content)
    for i, token in enumerate(tokens):
        if reset_midway and i == len(tokens) // 2:
            await asyncio.sleep(0.05)  # what was sent reaches the client before the drop
            yield ABORT  # the connection drops after half of the reply was sent
            return
        if fail_midway and i == len(tokens) // 2:
            error_event = {
                "error": {
                    "message": "The server had an error while processing your request.",
                    "type": "server_error",
                    "param": None,
                    "code": None,
                }
            }
            yield f"data: {json.dumps(error_event)}\n\n".encode()
            return
        if tps and i:
            await asyncio.sleep(1 / tps)
        yield _chunk(completion_id, model, {"content": token}, None)
    yield _chunk(completion_id, model, {}, finish)
    if include_usage:
        usage = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
            "choices": [],
            "usage": {
                "prompt_tokens": 12,
                "completion_tokens": len(tokens),
                "total_tokens": 12 + len(tokens),
            },
        }
        yield f"data: {json.dumps(usage)}\n\n".encode()
    yield b"data: [DONE]\n\n"


@openai.route("POST", "/v1/chat/completions", "chat")
async def chat_completions(request: Request) -> Response:
    if not check_key("openai", "chat", request.bearer):
        return error(401, "auth", "")
    try:
        body = request.json()
    except ValueError:
        return error(400, "bad_json", "We could not parse the JSON body of your request.")
    model = body.get("model")
    messages = body.get("messages")
    if not model:
        return error(400, "missing", "you must provide a model parameter", param="model")
    if not isinstance(messages, list) or not messages:
        return error(400, "missing", "[] is too short - 'messages'", param="messages")
    for i, message in enumerate(messages):
        if message.get("role") not in ("system", "developer", "user", "assistant", "tool"):
            return error(
                400, "role", f"Invalid value for 'messages[{i}].role'.", param=f"messages[{i}].role"
            )
    response_format = body.get("response_format") or {}
    try:
        faults = faults_of(STORE.next_scripted("openai", "chat", "output_faults", None))
    except ValueError as exc:
        return error(400, "fault", str(exc))
    content: str
    if response_format.get("type") == "json_schema":
        spec = response_format.get("json_schema") or {}
        schema = spec.get("schema") or {}
        if not spec.get("name"):
            return error(
                400,
                "missing",
                "Missing required parameter: 'response_format.json_schema.name'.",
                param="response_format.json_schema.name",
            )
        if spec.get("strict"):
            try:
                check_strict(schema)
            except SchemaProblem as exc:
                return error(
                    400,
                    "schema",
                    f"Invalid schema for response_format '{spec['name']}': {exc}",
                    param="response_format",
                )
        value = STORE.next_scripted("openai", "chat", "json_replies", None)
        if value is None:
            value = example_for(schema, schema)
        value = apply_value_faults(value, faults)
        content = value if isinstance(value, str) else json.dumps(value)
    elif response_format.get("type") == "json_object":
        value = STORE.next_scripted("openai", "chat", "json_replies", {"ok": True})
        value = apply_value_faults(value, faults)
        content = value if isinstance(value, str) else json.dumps(value)
    else:
        content = str(STORE.next_scripted("openai", "chat", "replies", DEFAULT_REPLY))
    content = apply_text_faults(content, faults)
    finish = str(STORE.knob("openai", "chat", "finish_reason", "stop"))
    if "truncated" in faults:  # cut off at max_tokens: the reply stops mid-way
        content, finish = truncate(content), "length"
    refusal = REFUSAL if "refusal" in faults else None
    completion_id = f"chatcmpl-{new_id()[:20]}"
    headers = [("x-request-id", f"req_{new_id()[:12]}")]
    if body.get("stream"):
        options = body.get("stream_options") or {}
        return Response(
            status=200,
            headers=[
                ("content-type", "text/event-stream"),
                ("cache-control", "no-cache"),
                *headers,
            ],
            stream=_stream(
                completion_id,
                model,
                content,
                include_usage=bool(options.get("include_usage")),
                finish=finish,
                fail_midway=bool(STORE.knob("openai", "chat", "stream_error")),
                reset_midway=bool(STORE.knob("openai", "chat", "stream_reset")),
                refusal=refusal,
            ),
        )
    tokens = len(tokens_of(refusal or content))
    return json_response(
        {
            "id": completion_id,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": None if refusal else content,
                        "refusal": refusal,
                    },
                    "logprobs": None,
                    "finish_reason": finish,
                }
            ],
            "usage": {
                "prompt_tokens": 12,
                "completion_tokens": tokens,
                "total_tokens": 12 + tokens,
            },
        },
        headers=headers,
    )
