"""Inbound socket messages: one schema format and one validator for every live socket.

A schema maps a message type to its fields, each `(accepted python types, required)`. Every
string that passes is cleaned (no NUL, control characters or lone surrogates downstream) and
every number must be finite and sane, so handlers only ever see well-formed data.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from config.wsinput import clean_text, sane_number

FieldSpec = tuple[tuple[type, ...], bool]
Schema = dict[str, dict[str, FieldSpec]]
NUMBER: tuple[type, ...] = (int, float)
MAX_TASK_ID_CHARS = 128
#: No message of ours nests more than a few levels.
MAX_NESTING = 32


class BadMessage(Exception):
    """A message the socket refuses; `code` and `message` go back in an error frame."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def error_frame(code: str, message: str) -> dict[str, str]:
    return {"type": "error", "code": code, "message": message}


def parse_frame(text: str, schema: Schema, *, max_text: int | None = None) -> dict[str, Any]:
    """Decode one JSON text frame and validate it against `schema`."""
    if len(text.encode("utf-8", "replace")) > settings.WS_MAX_MESSAGE_BYTES:
        raise BadMessage(
            "too_large", f"Messages are limited to {settings.WS_MAX_MESSAGE_BYTES} bytes."
        )
    # Refused before parsing: json.loads would recurse to Python's limit, and whatever the
    # interpreter finalises at that depth fails too (seen as unraisable errors in the fuzzer).
    if _nesting_exceeds(text, MAX_NESTING):
        raise BadMessage("bad_json", "The message is not valid JSON.")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadMessage("bad_json", "The message is not valid JSON.") from exc
    return validate(data, schema, max_text=max_text)


def _nesting_exceeds(text: str, limit: int) -> bool:
    """True when arrays/objects nest deeper than `limit` (brackets inside strings ignored)."""
    if text.count("[") + text.count("{") <= limit:  # the usual case, at C speed
        return False
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def validate(content: Any, schema: Schema, *, max_text: int | None = None) -> dict[str, Any]:
    """Check a decoded message; with `max_text`, a `text` field must be non-blank and short."""
    if not isinstance(content, dict):
        raise BadMessage("bad_message", "A message must be a JSON object with a type.")
    kind = content.get("type")
    if not isinstance(kind, str):
        raise BadMessage("bad_message", "A message needs a string 'type'.")
    fields = schema.get(kind)
    if fields is None:
        raise BadMessage("unknown_type", f"Unknown message type {kind[:40]!r}.")
    for name, (types, required) in fields.items():
        value = content.get(name)
        if value is None:
            if required:
                raise BadMessage("bad_field", f"{kind}: '{name}' is required.")
            continue
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
            raise BadMessage("bad_field", f"{kind}: '{name}' has the wrong type.")
        if isinstance(value, str):
            content[name] = value = clean_text(value)
        elif not isinstance(value, bool | dict) and not sane_number(value):
            raise BadMessage("bad_field", f"{kind}: '{name}' is not a sensible number.")
        if name == "task_id" and not (
            isinstance(value, str) and 0 < len(value) <= MAX_TASK_ID_CHARS
        ):
            raise BadMessage("bad_field", f"{kind}: 'task_id' is empty or too long.")
        if name == "text" and max_text is not None and isinstance(value, str):
            if not value.strip():
                raise BadMessage("bad_field", f"{kind}: 'text' is empty.")
            if len(value) > max_text:
                raise BadMessage("too_long", f"{kind}: 'text' is limited to {max_text} characters.")
    return content
