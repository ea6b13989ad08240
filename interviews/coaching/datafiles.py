"""Loading the coach's data files (TOML in interviews/coaching/data/), validated on load: a
malformed entry raises DataFileError naming the file and the entry."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


class DataFileError(ValueError):
    """A coaching data file is missing or malformed."""


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed file `name` of the data folder (read once per process)."""
    path = DATA_DIR / name
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise DataFileError(f"{path}: {error}") from error


def table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise DataFileError(f"{where}: `{key}` must be a table")
    return value


def text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(f"{where}: `{key}` must be a non-empty string")
    return value


def regex(pattern: Any, where: str) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern:
        raise DataFileError(f"{where}: a pattern must be a non-empty string")
    try:
        return re.compile(pattern)
    except re.error as error:
        raise DataFileError(f"{where}: invalid regular expression ({error})") from error


def strings(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise DataFileError(f"{where}: `{key}` must be a list of non-empty strings")
    return tuple(value)
