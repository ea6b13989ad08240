"""The Zoom meeting provider against the fake Zoom server, and our webhook endpoint."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.core.cache import cache
from django.urls import reverse

from avatars.providers.base import ProviderError
from classrooms import services
from classrooms.meetings import get_meeting_provider
from classrooms.meetings.base import RoomSpec
from classrooms.meetings.zoom import meeting_sdk_signature, webhook_signature
from classrooms.models import BreakoutRoom, ClassSession

pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "webhook-secret-for-tests"


@pytest.fixture
def zoom(fake_providers: Any, settings: Any) -> Any:
    fake_providers.configure(settings, meetings="zoom", transcriber="deepgram")
    settings.ZOOM_WEBHOOK_SECRET = SECRET
    return fake_providers


def _requests(zoom: Any, endpoint: str) -> int:
    return zoom.state()["requests"].get(f"zoom.{endpoint}", 0)


async def test_token_is_cached_across_calls(zoom: Any) -> None:
    provider = get_meeting_provider("zoom")
    for _ in range(3):
        await provider.create_meeting(topic="T", host="host@x.edu", rooms=[], duration_minutes=60)
    assert _requests(zoom, "token") == 1
    assert _requests(zoom, "create_meeting") == 3


async def test_a_rejected_token_is_refetched_once(zoom: Any) -> None:
    provider = get_meeting_provider("zoom")
    await cache.aset(provider._token_key, "revoked-token", timeout=600)
    info = await provider.create_meeting(topic="T", host="h@x.edu", rooms=[], duration_minutes=30)
    assert info.meeting_id
    assert _requests(zoom, "token") == 1
    assert zoom.state()["statuses"]  # the fake saw the 401 and then the 201
    assert await cache.aget(provider._token_key) != "revoked-token"


async def test_expiry_is_respected(zoom: Any) -> None:
    zoom.knobs(zoom_token={"token_ttl": 30})  # shorter than our safety margin: never cached
    provider = get_meeting_provider("zoom")
    await provider.create_meeting(topic="T", host="h@x.edu", rooms=[], duration_minutes=30)
    await provider.create_meeting(topic="T", host="h@x.edu", rooms=[], duration_minutes=30)
    assert _requests(zoom, "token") == 2


async def test_bad_credentials_are_a_permanent_error(zoom: Any, settings: Any) -> None:
    settings.ZOOM_CLIENT_SECRET = "wrong"
    with pytest.raises(ProviderError) as caught:
        await get_meeting_provider("zoom").create_meeting(
            topic="T", host="h@x.edu", rooms=[], duration_minutes=30
        )
    assert caught.value.permanent
    assert caught.value.status == 401


async def test_server_errors_are_transient(zoom: Any) -> None:
    zoom.knobs(zoom_create_meeting={"fail": "500"})
    with pytest.raises(ProviderError) as caught:
        await get_meeting_provider("zoom").create_meeting(
            topic="T", host="h@x.edu", rooms=[], duration_minutes=30
        )
    assert not caught.value.permanent


async def test_meeting_is_created_with_preassigned_breakout_rooms(zoom: Any) -> None:
    info = await get_meeting_provider("zoom").create_meeting(
        topic="STAT 101",
        host="prof@x.edu",
        rooms=[RoomSpec("Room 1: Ada", ("ada@x.edu",)), RoomSpec("Room 2: Ben", ("ben@x.edu",))],
        duration_minutes=60,
    )
    assert info.join_url.startswith("https://")
    assert info.start_url
    created = [
        e for e in zoom.state()["log"] if e["path"].endswith("/meetings") and e["method"] == "POST"
    ]
    body = created[-1]["body"]
    assert created[-1]["path"].endswith("/users/prof@x.edu/meetings")
    assert body["settings"]["breakout_room"] == {
        "enable": True,
        "rooms": [
            {"name": "Room 1: Ada", "participants": ["ada@x.edu"]},
            {"name": "Room 2: Ben", "participants": ["ben@x.edu"]},
        ],
    }


async def test_a_zoom_session_stores_the_meeting_and_ends_it(
    zoom: Any, professor: Any, course: Any
) -> None:
    def create() -> ClassSession:
        for i, student in enumerate(course.students.all()):
            student.email = f"s{i}@x.edu"
            student.save()
        return services.class_session_create(
            professor=professor,
            course=course,
            student_ids=list(course.students.values_list("pk", flat=True)),
            meeting_provider="zoom",
        )

    session = await sync_to_async(create)()
    await services.class_session_launch(session=session)
    await session.arefresh_from_db()
    assert session.status == ClassSession.Status.LIVE
    assert session.meeting_id.isdigit()
    assert "fake-zoom" in session.join_url
    summary = await services.class_session_end(session=session)
    assert summary["failures"] == []
    meetings = zoom.state()["sessions"]["zoom"]
    assert [m["status"] for m in meetings if m["session_id"] == session.meeting_id] == ["closed"]


async def test_meeting_creation_failure_fails_the_session_with_a_reason(
    zoom: Any, make_session: Any
) -> None:
    zoom.knobs(zoom_create_meeting={"fail": "400"})
    session = await sync_to_async(make_session)(meeting_provider="zoom")
    await services.class_session_launch(session=session)
    await session.arefresh_from_db()
    assert session.status == ClassSession.Status.FAILED
    assert "meeting" in session.error


def test_sdk_signature_claims_and_lifetime() -> None:
    now = 1_790_000_000
    secret = "sdk-secret-" + "x" * 32
    token = meeting_sdk_signature(
        meeting_number="85746065432", role=0, sdk_key="key", sdk_secret=secret, now=now
    )
    claims = jwt.decode(token, secret, algorithms=["HS256"], options={"verify_exp": False})
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert claims["appKey"] == "key"
    assert claims["mn"] == "85746065432"
    assert claims["role"] == 0
    assert isinstance(claims["iat"], int)
    assert 1800 <= claims["exp"] - claims["iat"] <= 172800
    assert claims["tokenExp"] == claims["exp"]
    short = meeting_sdk_signature(
        meeting_number="1", role=1, sdk_key="k", sdk_secret=secret, lifetime=60, now=now
    )
    claims = jwt.decode(short, secret, algorithms=["HS256"], options={"verify_exp": False})
    assert claims["exp"] - claims["iat"] == 1800  # clamped to Zoom's minimum
    with pytest.raises(ValueError):
        meeting_sdk_signature(meeting_number="1", role=2, sdk_key="k", sdk_secret=secret)


def test_signature_endpoint_is_for_the_owner_of_a_zoom_session(
    zoom: Any, client_for: Any, professor: Any, other_professor: Any, make_session: Any
) -> None:
    session = make_session(meeting_provider="zoom")
    async_to_sync(services.class_session_launch)(session=session)
    url = reverse("classrooms:session_zoom_signature", args=[session.public_id])
    assert client_for(other_professor).post(url).status_code == 404
    response = client_for(professor).post(url, {"role": "0"})
    assert response.status_code == 200
    data = response.json()
    session.refresh_from_db()
    claims = jwt.decode(data["signature"], zoom.keys["ZOOM_SDK_SECRET"], algorithms=["HS256"])
    assert claims["mn"] == session.meeting_id


# --- Webhooks ---------------------------------------------------------------------------------


def _post(
    client: Any, body: dict, *, ts: int | None = None, secret: str = SECRET, tamper: bool = False
):
    raw = json.dumps(body).encode()
    stamp = str(ts if ts is not None else int(time.time()))
    signature = webhook_signature(raw, stamp, secret)
    if tamper:
        raw = raw.replace(b"plainToken", b"plainTokeN")
    return client.post(
        reverse("classrooms:zoom_webhook"),
        data=raw,
        content_type="application/json",
        headers={"x-zm-request-timestamp": stamp, "x-zm-signature": signature},
    )


def test_webhook_url_validation(client: Any, settings: Any) -> None:
    settings.ZOOM_WEBHOOK_SECRET = SECRET
    body = {
        "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"},
        "event_ts": 1,
        "event": "endpoint.url_validation",
    }
    response = _post(client, body)
    assert response.status_code == 200
    import hashlib
    import hmac

    expected = hmac.new(SECRET.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    assert response.json() == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}


@pytest.mark.parametrize("problem", ["tampered", "stale", "wrong_secret", "unsigned"])
def test_webhook_rejects_bad_requests(client: Any, settings: Any, problem: str) -> None:
    settings.ZOOM_WEBHOOK_SECRET = SECRET
    body = {"payload": {"plainToken": "abc"}, "event": "endpoint.url_validation"}
    if problem == "tampered":
        response = _post(client, body, tamper=True)
    elif problem == "stale":
        response = _post(client, body, ts=int(time.time()) - 301)
    elif problem == "wrong_secret":
        response = _post(client, body, secret="other")
    else:
        response = client.post(
            reverse("classrooms:zoom_webhook"), data=b"{}", content_type="application/json"
        )
    assert response.status_code == 401


def test_webhook_replay_is_rejected(client: Any, settings: Any) -> None:
    settings.ZOOM_WEBHOOK_SECRET = SECRET
    raw = json.dumps({"event": "meeting.started", "payload": {"object": {"id": "1"}}}).encode()
    stamp = str(int(time.time()))
    headers = {
        "x-zm-request-timestamp": stamp,
        "x-zm-signature": webhook_signature(raw, stamp, SECRET),
    }
    url = reverse("classrooms:zoom_webhook")
    assert (
        client.post(url, data=raw, content_type="application/json", headers=headers).status_code
        == 200
    )
    assert (
        client.post(url, data=raw, content_type="application/json", headers=headers).status_code
        == 401
    )


def test_breakout_room_join_and_leave_update_presence(
    client: Any, settings: Any, make_session: Any, course: Any
) -> None:
    settings.ZOOM_WEBHOOK_SECRET = SECRET
    student = course.students.first()
    student.email = "ada@x.edu"
    student.save()
    session = make_session()
    ClassSession.objects.filter(pk=session.pk).update(meeting_id="85746065432")
    room = BreakoutRoom.objects.get(students=student)

    def event(name: str) -> dict:
        return {
            "event": name,
            "event_ts": int(time.time() * 1000),
            "payload": {
                "account_id": "A",
                "object": {
                    "id": "85746065432",
                    "uuid": "parent==",
                    "breakout_room_uuid": "room-uuid==",
                    "participant": {"user_name": "Ada", "email": "ADA@x.edu"},
                },
            },
        }

    assert _post(client, event("meeting.participant_joined_breakout_room")).status_code == 200
    room.refresh_from_db()
    assert room.student_present
    assert room.meeting_room_id == "room-uuid=="
    assert _post(client, event("meeting.participant_left_breakout_room")).status_code == 200
    room.refresh_from_db()
    assert not room.student_present
