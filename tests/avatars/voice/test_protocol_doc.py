"""docs/protocol.md documents every message type each socket accepts, in the one naming style."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from classrooms.consumers import MONITOR_SCHEMA, ROOM_SCHEMA
from interviews.consumers import SCHEMA as INTERVIEW_SCHEMA

DOC = (Path(__file__).resolve().parents[3] / "docs" / "protocol.md").read_text()


@pytest.mark.parametrize(
    ("socket", "schema"),
    [("interview", INTERVIEW_SCHEMA), ("room", ROOM_SCHEMA), ("monitor", MONITOR_SCHEMA)],
)
def test_every_accepted_message_is_documented_and_dotted(socket: str, schema: dict) -> None:
    undocumented = [kind for kind in schema if f"`{kind}`" not in DOC]
    assert not undocumented, f"{socket}: {undocumented}"
    assert all(re.fullmatch(r"[a-z_]+(\.[a-z_]+)?", kind) for kind in schema)
