"""The log an operator reads: an expected refusal (403, 404, 400, a body too large, a NUL in a
URL, a bad socket frame, a rate limit, a stray socket) is one line without a traceback at INFO or
WARNING, printed once, carrying the request's or socket's id."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from tests import factories

ID = re.compile(r"\[(r|ws)-[0-9a-f]{8}\]")


@pytest.fixture
def printed(caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """What the configured console handler (the only one) prints, while the test runs."""
    import config.asgi  # noqa: F401  (its django.setup() configures logging anew)

    caplog.set_level(logging.INFO, logger="django.request")  # the suite quietens it
    root = logging.getLogger()
    consoles = [h for h in root.handlers if type(h) is logging.StreamHandler]
    assert len(consoles) == 1
    out = io.StringIO()
    old = consoles[0].setStream(out)
    try:
        yield out
    finally:
        consoles[0].setStream(old)


def test_only_the_root_handler_prints() -> None:
    """Django's own console handler printed every django line a second time (with DEBUG)."""
    for name in ("django", "django.request", "django.security", "django.server"):
        logger = logging.getLogger(name)
        if name != "django.server":  # the dev server's access log keeps its own handler
            assert logger.handlers == [], name


def _lines(out: io.StringIO) -> list[str]:
    return [line for line in out.getvalue().splitlines() if line.strip()]


def _check(record: Any, case: str, lines: list[str], status: Any, expected_status: Any) -> None:
    one_line = len(lines) == 1 and "Traceback" not in lines[0]
    level_ok = bool(lines) and (" WARNING " in lines[0] or " INFO " in lines[0])
    has_id = bool(lines) and bool(ID.search(lines[0]))
    actual = (
        f"{status}; {len(lines)} line"
        + ("s" if len(lines) != 1 else "")
        + ("" if one_line else ", traceback or several")
        + ("" if level_ok else ", not INFO/WARNING")
        + ("" if has_id else ", no request id")
    )
    record(
        "log lines",
        case,
        "-",
        f"{expected_status}; 1 line",
        actual,
        passed=status == expected_status and one_line and level_ok and has_id,
    )
    assert status == expected_status, lines
    assert one_line, lines
    assert level_ok, lines
    assert has_id, lines


@pytest.mark.django_db
def test_a_403_from_the_professor_guard_is_one_line(printed: io.StringIO, record: Any) -> None:
    client = Client()
    client.force_login(factories.make_user("alice"))
    status = client.get("/classrooms/").status_code
    _check(record, "403 from the professor-only guard", _lines(printed), status, 403)


@pytest.mark.django_db
def test_a_404_is_one_line(printed: io.StringIO, record: Any) -> None:
    status = Client().get("/no-such-page/").status_code
    _check(record, "404 for an unknown page", _lines(printed), status, 404)


@pytest.mark.django_db
def test_a_too_large_anonymous_form_body_is_one_line(
    printed: io.StringIO, record: Any, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    status = Client().post("/join/", {"code": "x" * 5000}).status_code
    _check(record, "400 for a too-large anonymous form body", _lines(printed), status, 400)


@pytest.mark.django_db
def test_a_nul_in_a_url_is_one_line(printed: io.StringIO, record: Any) -> None:
    status = Client().get("/r/abc%00def").status_code
    _check(record, "400 for a NUL in a short link", _lines(printed), status, 400)


@pytest.mark.django_db
def test_a_disallowed_host_is_one_line(printed: io.StringIO, record: Any) -> None:
    status = Client(HTTP_HOST="evil.example").get("/").status_code
    _check(record, "400 for a disallowed Host header", _lines(printed), status, 400)


@pytest.mark.django_db(transaction=True)
async def test_socket_refusals_are_one_line_each(
    printed: io.StringIO, record: Any, ws_connect: Any, settings: Any
) -> None:
    from asgiref.sync import sync_to_async

    from tests.security.conftest import build_world

    world = await sync_to_async(build_world)()
    settings.SOCKET_RATE_LIMITS = {**settings.SOCKET_RATE_LIMITS, "action": ("1/60", "1/60")}
    comm, connected, _ = await ws_connect(f"/ws/rooms/{world.room1.join_token}/")
    assert connected
    while (await comm.receive_json_from(timeout=10))["type"] != "snapshot":
        pass
    for message, case in (
        ("{not json", "a bad socket frame"),
        ('{"type": "help.set", "raised": true}', None),
        ('{"type": "help.set", "raised": false}', "a rate-limited socket message"),
    ):
        printed.seek(0)
        printed.truncate()
        await comm.send_to(text_data=message)
        while (await comm.receive_json_from(timeout=10))["type"] not in ("error", "help.state"):
            pass
        if case:
            _check(record, case, _lines(printed), "error frame", "error frame")
    await comm.disconnect()
    printed.seek(0)
    printed.truncate()
    stray, connected, code = await ws_connect("/ws/no-such-socket/")
    await stray.disconnect()
    _check(record, "a stray socket path", _lines(printed), code, 4404)
