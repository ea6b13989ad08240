"""WebSocket paths that match no route are refused at the handshake with close code 4404 and
one log line, never a server error with a traceback; no sign-in changes that."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.security.conftest import build_world

pytestmark = pytest.mark.django_db(transaction=True)

STRAY = (
    "/ws/no-such-socket/",
    "/ws/",
    "/",
    "/ws/rooms/",
    "/ws/interviews/not-a-uuid/",
    "/ws/classrooms/{room_token}/monitor/",  # a room token in the monitor's route
    "/ws/rooms/{room_token}/extra/",
)


@pytest.mark.parametrize("persona", ["anonymous", "professor_owner"])
async def test_unknown_socket_paths_are_refused_cleanly(
    persona: str, ws_connect: Any, record: Any, caplog: pytest.LogCaptureFixture
) -> None:
    world = await sync_to_async(build_world)()
    user = world.users.get(persona)
    caplog.set_level(logging.INFO)
    for template in STRAY:
        path = template.format(room_token=world.room1.join_token)
        caplog.clear()
        comm, connected, code = await ws_connect(path, user)
        await comm.disconnect()
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
        lines = [r for r in caplog.records if "no route" in r.getMessage()]
        logged = "one log line" if len(lines) == 1 else f"{len(lines)} log lines"
        traced = "no traceback" if not errors else f"{len(errors)} errors or tracebacks"
        record(
            "stray sockets",
            template.replace("{room_token}", "<token>"),
            persona,
            "closed 4404, one log line, no traceback",
            f"closed {code}, {logged}, {traced}" if not connected else "accepted",
            passed=(connected, code, len(lines), len(errors)) == (False, 4404, 1, 0),
        )
        assert (connected, code) == (False, 4404), path
        assert not errors, path
        assert len(lines) == 1, path
