"""Zoom webhooks that would change room presence: only a fresh, correctly signed, first-seen
request changes anything. (Status codes for URL validation are covered in tests/classrooms.)"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from classrooms.meetings.zoom import webhook_signature
from classrooms.models import BreakoutRoom, ClassSession
from tests.security.conftest import build_world, fingerprint

SECRET = "zw-SECRET-integrity-0123456789"
MEETING = "85746065432"
URL = "/classrooms/zoom/webhook/"


def event(name: str, email: str) -> bytes:
    return json.dumps(
        {
            "event": f"meeting.participant_{name}_breakout_room",
            "event_ts": int(time.time() * 1000),
            "payload": {
                "object": {"id": MEETING, "participant": {"email": email, "user_name": "X"}}
            },
        }
    ).encode()


def send(
    client: Any,
    raw: bytes,
    *,
    stamp: str | None = None,
    signature: str | None = None,
    secret: str = SECRET,
) -> Any:
    stamp = stamp if stamp is not None else str(int(time.time()))
    headers = {"x-zm-request-timestamp": stamp}
    headers["x-zm-signature"] = (
        signature if signature is not None else webhook_signature(raw, stamp, secret)
    )
    return client.post(URL, data=raw, content_type="application/json", headers=headers)


@pytest.fixture
def zoom_room(settings: Any) -> tuple[BreakoutRoom, str]:
    settings.ZOOM_WEBHOOK_SECRET = SECRET
    world = build_world()
    ClassSession.objects.filter(pk=world.session.pk).update(
        meeting_provider="zoom", meeting_id=MEETING
    )
    student = world.room1.students.order_by("name").first()
    student.email = "xavier@example.edu"
    student.save()
    return world.room1, student.email


def present(room: BreakoutRoom) -> bool:
    return BreakoutRoom.objects.values_list("student_present", flat=True).get(pk=room.pk)


@pytest.mark.django_db
def test_forged_stale_and_replayed_webhooks_change_nothing(
    client: Any, zoom_room: tuple[BreakoutRoom, str], record: Any
) -> None:
    room, email = zoom_room
    joined = event("joined", email)

    def signed_by(body: bytes, offset: int = 0) -> dict[str, str]:
        stamp = str(int(time.time()) + offset)  # at send time: the machine may be slow
        return {"stamp": stamp, "signature": webhook_signature(body, stamp, SECRET)}

    forged = {
        "tampered body": lambda: send(
            client, joined.replace(b"xavier", b"xaviex"), **signed_by(joined)
        ),
        "wrong secret": lambda: send(client, joined, secret="guessed-secret"),
        "no signature": lambda: send(client, joined, signature=""),
        "signature of another body": lambda: send(
            client, joined, **signed_by(event("left", email))
        ),
        "stale timestamp (window + 1 s)": lambda: send(
            client, joined, stamp=str(int(time.time()) - 301)
        ),
        "future timestamp (window + 2 s)": lambda: send(
            client, joined, stamp=str(int(time.time()) + 302)
        ),
        "malformed timestamp": lambda: send(client, joined, stamp="17e9"),
    }
    failures = []
    for case, post in forged.items():
        before = fingerprint()
        status = post().status_code
        unchanged = fingerprint() == before
        record(
            "webhook integrity",
            case,
            "zoom (forged)",
            "401, nothing changed",
            f"{status}, {'nothing changed' if unchanged else 'CHANGED'}",
        )
        if status != 401 or not unchanged:
            failures.append(f"{case}: {status}, unchanged={unchanged}")
    assert failures == []
    assert not present(room)

    # The genuine request works (the checks above were not refusing everything)...
    stamp = str(int(time.time()))
    signature = webhook_signature(joined, stamp, SECRET)
    assert send(client, joined, stamp=stamp, signature=signature).status_code == 200
    assert present(room)
    assert send(client, event("left", email)).status_code == 200
    assert not present(room)
    # ...and cannot be replayed to put the student back in the room.
    before = fingerprint()
    status = send(client, joined, stamp=stamp, signature=signature).status_code
    unchanged = fingerprint() == before
    record(
        "webhook integrity",
        "replayed body",
        "zoom (replay)",
        "401, nothing changed",
        f"{status}, {'nothing changed' if unchanged else 'CHANGED'}",
    )
    assert status == 401
    assert unchanged
    assert not present(room)
