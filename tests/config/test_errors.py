"""What a user is told when something is refused or fails: an application error's own sentence,
with its code and status, on a socket and on a page; never an exception's text, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from avatars.providers.base import ProviderError
from avatars.voice.consumer import VoiceConsumer
from config.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    ProviderUnavailable,
    RateLimited,
    as_application_error,
)
from config.lifecycle import InvalidTransition

SECRET = "Traceback psycopg.errors.UniqueViolation key=sk-live-123"

RAISED: dict[str, BaseException] = {
    "bug": ValueError(SECRET),
    "conflict": Conflict("This session has already started."),
    "transition": InvalidTransition("MockInterview", "asking", "listening"),
    "invalid": ValidationError("Pick at least one student."),
    "limited": RateLimited("feedback_request", 120),
    "vendor": ProviderError(SECRET, permanent=True, provider="heygen", code="unauthorized"),
    "vendor_down": ProviderError(SECRET, permanent=False, provider="heygen", code="timeout"),
    "missing": NotFound("No such story."),
    "forbidden": Forbidden("This page is for professors."),
}


def test_every_error_says_a_sentence_of_ours_with_a_stable_code() -> None:
    told = {name: as_application_error(exc) for name, exc in RAISED.items()}
    assert told["bug"] is None  # a bug: logged, and the user gets a generic sentence
    codes = {name: (e.code, e.retryable) for name, e in told.items() if e is not None}
    assert codes == {
        "conflict": ("out_of_state", False),
        "transition": ("out_of_state", False),
        "invalid": ("invalid", False),
        "limited": ("rate_limited", True),
        "vendor": ("provider_unavailable", False),
        "vendor_down": ("provider_unavailable", True),
        "missing": ("not_found", False),
        "forbidden": ("forbidden", False),
    }
    for error in told.values():
        assert error is None or SECRET not in error.message
    assert told["vendor"].message == (  # type: ignore[union-attr]
        "The heygen service refused the request (the API key was refused)."
    )
    assert "2 minutes" in told["limited"].message  # type: ignore[union-attr]
    # The state machine's own words stay in the log, not in front of the user.
    assert "asking" in str(RAISED["transition"])
    assert "asking" not in told["transition"].message  # type: ignore[union-attr]


# --- sockets -------------------------------------------------------------------------------


class Raising(VoiceConsumer):
    schema = {"raise": {"what": ((str,), True)}, "later": {"what": ((str,), True)}}

    async def authorise(self) -> int | None:
        return None

    async def on_raise(self, data: dict[str, Any]) -> None:
        raise RAISED[data["what"]]

    async def on_later(self, data: dict[str, Any]) -> None:
        async def fail() -> None:
            raise RAISED[data["what"]]

        self.tasks.track(fail())


async def _told(kind: str, what: str) -> dict[str, Any]:
    socket = WebsocketCommunicator(Raising.as_asgi(), "/ws/test/")
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to({"type": kind, "what": what})
    frame = await socket.receive_json_from()
    await socket.disconnect()
    return frame


@pytest.mark.parametrize("kind", ["raise", "later"])
@pytest.mark.parametrize(
    ("what", "code", "says"),
    [
        ("bug", "internal", "Something went wrong; please try again."),
        ("conflict", "out_of_state", "This session has already started."),
        ("transition", "out_of_state", "That action is not possible right now."),
        ("invalid", "invalid", "Pick at least one student."),
        ("limited", "rate_limited", "try again in about 2 minutes"),
        ("vendor_down", "provider_unavailable", "The heygen service is not answering right now."),
    ],
)
async def test_a_socket_tells_the_error_once_as_its_code_and_sentence(
    db: Any, kind: str, what: str, code: str, says: str
) -> None:
    frame = await _told(kind, what)
    assert frame["type"] == "error"
    assert frame["code"] == code
    assert says in frame["message"]
    assert SECRET not in json.dumps(frame)


# --- views ---------------------------------------------------------------------------------


def raising_view(request: HttpRequest, what: str) -> HttpResponse:
    raise RAISED[what]


# The product's own URLs too: the error pages link back to them.
urlpatterns = [path("raise/<str:what>/", raising_view), path("", include("config.urls"))]


@pytest.mark.urls("tests.config.test_errors")
@pytest.mark.parametrize(
    ("what", "status", "says"),
    [
        ("conflict", 409, "This session has already started."),
        ("invalid", 400, "Pick at least one student."),
        ("limited", 429, "try again in about 2 minutes"),
        ("vendor", 503, "refused the request"),
        ("missing", 404, "Page not found"),
        ("forbidden", 403, "This page is for professors."),
    ],
)
def test_a_page_answers_with_the_status_and_the_sentence(
    client: Any, db: Any, what: str, status: int, says: str
) -> None:
    page = client.get(f"/raise/{what}/")
    assert page.status_code == status
    assert says in page.content.decode()
    assert SECRET not in page.content.decode()


@pytest.mark.urls("tests.config.test_errors")
def test_a_script_gets_json_and_a_rate_limit_says_when_to_come_back(client: Any, db: Any) -> None:
    answer = client.get("/raise/limited/", headers={"accept": "application/json"})
    assert answer.status_code == 429
    assert answer["Retry-After"] == "120"
    assert answer.json()["code"] == "rate_limited"
    assert "2 minutes" in answer.json()["error"]


@pytest.mark.urls("tests.config.test_errors")
def test_a_refused_form_goes_back_with_the_message(client: Any, db: Any) -> None:
    back = "http://testserver/somewhere/"
    answer = client.post("/raise/conflict/", headers={"referer": back}, follow=False)
    assert answer.status_code == 303
    assert answer["Location"] == back
    told = [str(m) for m in answer.wsgi_request._messages]
    assert told == ["This session has already started."]
    # Another site's address is never where we send the user back to.
    elsewhere = client.post("/raise/conflict/", headers={"referer": "https://evil.example/"})
    assert elsewhere.status_code == 409


@pytest.mark.urls("tests.config.test_errors")
def test_a_bug_is_still_a_500_without_its_text(client: Any, db: Any) -> None:
    client.raise_request_exception = False
    page = client.get("/raise/bug/")
    assert page.status_code == 500
    assert SECRET not in page.content.decode()


def test_provider_unavailable_is_retryable_by_default() -> None:
    assert ProviderUnavailable().retryable is True
    assert InvalidInput().message == "That input is not valid."
