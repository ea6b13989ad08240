"""Hygiene for values arriving in WebSocket JSON from browsers (shared by the consumers).

JSON can carry what no database or channel layer accepts: NUL characters (PostgreSQL refuses
them in text), lone UTF-16 surrogates (half an emoji cut by a page's string slicing; UTF-8
encoding fails on them, in the database and in the Redis layer's msgpack), and numbers Python
parses into `inf`, `nan` or integers too large for `float()`.
"""

from __future__ import annotations

import math
import re
from typing import Any

MAX_NUMBER = 1e9
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(value: str) -> str:
    """The text without control characters (tabs and newlines stay), lone surrogates replaced
    by U+FFFD."""
    return _CONTROL.sub("", _SURROGATE.sub("\ufffd", value))


def sane_number(value: Any) -> bool:
    """A finite int or float no larger than MAX_NUMBER in magnitude (booleans are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(value, int):
        return abs(value) <= MAX_NUMBER
    return math.isfinite(value) and abs(value) <= MAX_NUMBER
