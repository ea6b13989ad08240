"""Secrets stay on the server, state changes need a CSRF token, sockets refuse foreign origins,
and the credentials in links are long, random and die with what they open.

Pages are crawled for secrets by the authorization matrix (every 200 cell, every persona, with
all provider keys set); this module adds the static scripts and what the sockets send.
"""

from __future__ import annotations

import json
import math
import string
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings as django_settings
from django.test import Client

from classrooms import services as class_services
from classrooms.models import BreakoutRoom, new_join_token, new_short_code
from interviews import services
from interviews.models import _share_token
from tests.security.conftest import PERSONAS, World, build_world, fingerprint, leaked
from tests.security.test_authorization_matrix import DENIED, TABLE, add_admin_objects, http_routes

STATIC = Path(django_settings.BASE_DIR) / "static"


# --- Secrets ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_static_file_contains_a_secret(secret_settings: dict[str, str], record: Any) -> None:
    files = sorted(p for p in STATIC.rglob("*") if p.is_file())
    assert any(p.suffix == ".js" for p in files)
    world = build_world()
    found = []
    for persona in PERSONAS:
        client = world.client(persona)
        for path in files:
            response = client.get("/static/" + path.relative_to(STATIC).as_posix())
            assert response.status_code == 200, path
            text = b"".join(response.streaming_content).decode(errors="replace")
            keys = leaked(text, secret_settings)
            record("secrets", f"static {path.name}", persona, "no secret", keys or "no secret")
            found += [(persona, path.name, k) for k in keys]
    assert found == []


async def _collect(communicator: Any, until: Any, limit: int = 40) -> list[dict[str, Any]]:
    frames: list[dict[str, Any]] = []
    for _ in range(limit):
        frame = await communicator.receive_json_from(timeout=10)
        frames.append(frame)
        if until(frame):
            break
    return frames


@pytest.mark.django_db(transaction=True)
async def test_socket_frames_carry_no_secret(
    secret_settings: dict[str, str], ws_connect: Any, record: Any
) -> None:
    """The vendor avatar's browser connection (interview and classroom) holds no key."""
    world = await sync_to_async(build_world)()
    alice = world.user("candidate_owner")
    comm, connected, _ = await ws_connect(
        f"/ws/interviews/{world.interview_live.public_id}/", alice
    )
    assert connected
    await comm.send_json_to({"type": "hello"})
    frames = await _collect(
        comm, lambda f: f.get("type") == "avatar.connection" and f.get("status") == "ready"
    )
    ready = frames[-1]
    assert ready["provider"] == "heygen"
    assert ready["connection"]
    await comm.send_json_to({"type": "interview.end"})  # stops the vendor session
    frames += await _collect(comm, lambda f: f.get("state") == "completed")
    await comm.disconnect()
    keys = leaked(json.dumps(frames), secret_settings)
    record(
        "secrets", "interview socket frames", "candidate_owner", "no secret", keys or "no secret"
    )
    assert keys == []

    await class_services.class_session_launch(session=world.session)
    room = await BreakoutRoom.objects.select_related("avatar_session").aget(pk=world.room1.pk)
    assert room.status == "active"
    assert room.avatar_session.provider == "heygen"
    comm, connected, _ = await ws_connect(f"/ws/rooms/{room.join_token}/")
    assert connected
    snapshot = await _collect(comm, lambda f: f.get("type") == "snapshot")
    assert snapshot[-1]["avatar"]
    monitor, connected, _ = await ws_connect(
        f"/ws/classrooms/{world.session.public_id}/monitor/", world.user("professor_owner")
    )
    assert connected
    snapshot += await _collect(monitor, lambda f: f.get("type") == "snapshot")
    await monitor.disconnect()
    await comm.disconnect()
    await class_services.class_session_end(session=world.session)
    keys = leaked(json.dumps(snapshot), secret_settings)
    record("secrets", "room and monitor socket frames", "student", "no secret", keys or "no secret")
    assert keys == []


# --- CSRF ---------------------------------------------------------------------------------


def test_only_the_zoom_webhook_is_csrf_exempt() -> None:
    exempt = sorted(k for k, e in http_routes().items() if getattr(e.callback, "csrf_exempt", 0))
    assert exempt == ["classrooms:zoom_webhook"]


def _privileged(expectations: dict[str, str]) -> str:
    """The persona for whom the route does something (the owner), else a signed-in one."""
    for persona, cell in expectations.items():
        if cell not in DENIED:
            return persona
    return "candidate_owner"


@pytest.mark.django_db
def test_every_post_without_a_csrf_token_is_refused(record: Any) -> None:
    world = build_world()
    add_admin_objects(world)
    failures = []
    for key, cases in TABLE.items():
        if key.startswith("ws:"):
            continue
        case = next((c for c in cases if c.method == "POST"), cases[0])
        persona = _privileged(case.expect)
        client = world.client(persona, fresh=True, enforce_csrf_checks=True)
        client.get("/accounts/login/")  # the browser would hold a CSRF cookie, just no token
        before = fingerprint()
        response = client.post(case.path(world, persona), case.data(world))
        expected = "401" if key == "classrooms:zoom_webhook" else "403"
        actual = str(response.status_code)
        ok = record("csrf", f"POST {key} without token", persona, expected, actual)
        if not ok or fingerprint() != before:
            failures.append(f"{key} as {persona}: {actual}, changed={fingerprint() != before}")
    assert failures == []


# --- WebSocket origins --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_sockets_refuse_foreign_origins(ws_connect: Any, record: Any) -> None:
    world: World = await sync_to_async(build_world)()
    await class_services.class_session_launch(session=world.session)
    routes = {
        "interview": (f"/ws/interviews/{world.interview_live.public_id}/", "candidate_owner"),
        "monitor": (f"/ws/classrooms/{world.session.public_id}/monitor/", "professor_owner"),
        "room": (f"/ws/rooms/{world.room1.join_token}/", "student_right_token"),
        "room (professor)": (
            f"/ws/rooms/{world.room1.join_token}/?role=professor",
            "professor_owner",
        ),
    }
    failures = []
    for name, (path, persona) in routes.items():
        for origin, expected in (
            ("http://evil.example.com", "refused"),
            ("http://testserver.evil.example.com", "refused"),
            ("null", "refused"),
            ("", "refused"),
            ("http://testserver", "accepted"),
        ):
            comm, connected, _ = await ws_connect(path, world.user(persona), origin=origin)
            if connected:
                await comm.disconnect()
            actual = "accepted" if connected else "refused"
            if not record(
                "websocket origin",
                f"{name} from {origin or 'no origin'}",
                persona,
                expected,
                actual,
            ):
                failures.append(f"{name} {origin!r}: {actual}")
    assert failures == []


# --- Link credentials ---------------------------------------------------------------------

URLSAFE = set(string.ascii_letters + string.digits + "-_")


def _bits(values: list[str], alphabet_size: int) -> float:
    return min(len(v) for v in values) * math.log2(alphabet_size)


@pytest.mark.django_db
def test_link_credentials_carry_enough_bits(record: Any) -> None:
    """Tokens that work for ever (until revoked) carry 128 bits or more; the room's short code
    works only while its session is open, behind a per-client limit on wrong codes, so it is
    short enough to type (10 symbols, about 49 bits: beyond online guessing within a class)."""
    world = build_world()
    from classrooms.models import SHORT_CODE_ALPHABET

    generated = {
        "room join token": [new_join_token() for _ in range(2000)]
        + [world.room1.join_token, world.room2.join_token],
        "report share token": [_share_token() for _ in range(2000)]
        + [world.share_active, world.share_revoked],
        "room short link code": [new_short_code() for _ in range(2000)]
        + [world.room1.short_code, world.room2.short_code],
    }
    alphabets = {
        "room join token": URLSAFE,
        "report share token": URLSAFE,
        "room short link code": set(SHORT_CODE_ALPHABET),
    }
    needed = {"room join token": 128, "report share token": 128, "room short link code": 49}
    failures = []
    for name, values in generated.items():
        alphabet = alphabets[name]
        assert all(set(v) <= alphabet for v in values), name
        assert len(set(values)) == len(values), f"{name}: duplicates"
        # Every symbol of the alphabet is used (the generator is not stuck on a subset).
        assert set("".join(values)) == alphabet, name
        bits = _bits(values, len(alphabet))
        floor = needed[name]
        if not record(
            "link credentials",
            f"{name} randomness",
            "-",
            f">= {floor} bits",
            f">= {floor} bits" if bits >= floor else f"{bits:.0f} bits",
        ):
            failures.append(f"{name}: {bits:.0f} bits")
    assert failures == []


@pytest.mark.django_db(transaction=True)
async def test_room_links_stop_working_when_the_session_ends(ws_connect: Any, record: Any) -> None:
    world: World = await sync_to_async(build_world)()
    await class_services.class_session_launch(session=world.session)
    client = Client()
    token, code = world.room1.join_token, world.room1.short_code
    assert (await sync_to_async(client.get)(f"/rooms/{token}/")).status_code == 200
    student, connected, _ = await ws_connect(f"/ws/rooms/{token}/")
    assert connected
    await class_services.class_session_end(session=world.session)
    # The open socket is told and closed.
    for _ in range(30):
        output = await student.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            break
    assert output == {"type": "websocket.close", "code": 4410}
    page = await sync_to_async(client.get)(f"/rooms/{token}/")
    short = await sync_to_async(client.get)(f"/r/{code}", follow=True)
    _comm, connected, close = await ws_connect(f"/ws/rooms/{token}/")
    results = {
        "room page": (410, page.status_code),
        "short link": (410, short.status_code),
        "room socket": ("close:4410", "accept" if connected else f"close:{close}"),
    }
    for case, (expected, actual) in results.items():
        record(
            "link credentials",
            f"{case} after the session ended",
            "student_right_token",
            expected,
            actual,
        )
    assert {k: v[1] for k, v in results.items()} == {k: v[0] for k, v in results.items()}


@pytest.mark.django_db
def test_share_link_stops_working_when_revoked(record: Any) -> None:
    world = build_world()
    client = Client()
    assert client.get(f"/interviews/shared/{world.share_active}/").status_code == 200
    services.share_revoke(interview=world.interview_done)
    after = client.get(f"/interviews/shared/{world.share_active}/").status_code
    record("link credentials", "share link after revoking", "share_link_holder", 404, after)
    assert after == 404
    # A new link is a new credential; the old one stays dead.
    fresh = services.share_create(interview=world.interview_done).token
    assert fresh != world.share_active
    assert client.get(f"/interviews/shared/{fresh}/").status_code == 200
    assert client.get(f"/interviews/shared/{world.share_active}/").status_code == 404
