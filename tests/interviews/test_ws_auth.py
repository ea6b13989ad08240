"""Only the owner reaches an interview: every URL and the socket refuse everyone else."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse

from interviews.models import MockInterview
from tests.interviews.conftest import create_interview


@pytest.fixture
def alices_interview(candidate, bank) -> MockInterview:
    return create_interview(candidate, count=1)


def interview_urls(interview: MockInterview) -> list[str]:
    return [
        reverse("interviews:interview", args=[interview.public_id]),
        reverse("interviews:report", args=[interview.public_id]),
    ]


@pytest.mark.django_db
def test_other_candidate_gets_404_everywhere(alices_interview, other_candidate, client_for) -> None:
    client = client_for(other_candidate)
    for url in interview_urls(alices_interview):
        response = client.get(url)
        assert response.status_code == 404
        assert alices_interview.target_role.encode() not in response.content
    dashboard = client.get(reverse("interviews:dashboard"))
    assert alices_interview.target_role.encode() not in dashboard.content


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(alices_interview, client_for) -> None:
    client = client_for(None)
    for url in interview_urls(alices_interview):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_owner_sees_the_page(alices_interview, candidate, client_for) -> None:
    response = client_for(candidate).get(interview_urls(alices_interview)[0])
    assert response.status_code == 200
    assert b"interview-config" in response.content


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("who", "code"), [("anonymous", 4401), ("other_candidate", 4403), ("professor", 4403)]
)
async def test_socket_refuses_non_owners(
    who: str, code: int, ws_connect, candidate, other_candidate, professor, bank
) -> None:
    interview = await sync_to_async(create_interview)(candidate, count=1)
    user: Any = {"anonymous": None, "other_candidate": other_candidate, "professor": professor}[who]
    communicator, connected, close_code = await ws_connect(
        f"/ws/interviews/{interview.public_id}/", user
    )
    assert not connected
    assert close_code == code
    await communicator.disconnect()
    await sync_to_async(interview.refresh_from_db)()
    assert interview.status == MockInterview.Status.CREATED  # nothing happened


@pytest.mark.django_db(transaction=True)
async def test_socket_unknown_interview_is_4404(ws_connect, candidate) -> None:
    communicator, connected, code = await ws_connect(f"/ws/interviews/{uuid.uuid4()}/", candidate)
    assert not connected
    assert code == 4404
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("origin", ["https://evil.example", ""])
async def test_socket_refuses_foreign_or_missing_origin(
    origin: str, ws_connect, candidate, bank
) -> None:
    interview = await sync_to_async(create_interview)(candidate, count=1)
    communicator, connected, _ = await ws_connect(
        f"/ws/interviews/{interview.public_id}/", candidate, origin=origin
    )
    assert not connected
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_owner_connects(ws_connect, candidate, bank) -> None:
    interview = await sync_to_async(create_interview)(candidate, count=1)
    communicator, connected, _ = await ws_connect(
        f"/ws/interviews/{interview.public_id}/", candidate
    )
    assert connected
    state = await communicator.receive_json_from(timeout=5)
    assert state["type"] == "state"
    await communicator.disconnect()
