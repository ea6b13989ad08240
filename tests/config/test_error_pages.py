"""The product's own 400/403/404/500 pages, with DEBUG off (the default, `make run`) and on."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

pytestmark = pytest.mark.django_db

TECHNICAL = ("URLconf", "Django tried these URL patterns", "Traceback", "technical")


def _crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


def _bad(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("odd header")


# A URLconf for the 400 and 500 cases: the real one plus two views that fail on purpose.
urlpatterns = [
    *__import__("config.urls", fromlist=["urlpatterns"]).urlpatterns,
    path("_test/crash/", _crash),
    path("_test/bad/", _bad),
]
handler400 = "config.error_pages.bad_request"
handler500 = "config.error_pages.server_error"


def _assert_product_page(response: Any, status: int, heading: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert heading in html
    assert 'href="/"' in html, "every error page has a way back"
    for word in TECHNICAL:
        assert word not in html
    return html


@pytest.mark.parametrize("debug", [False, True])
def test_a_bad_room_link_shows_the_product_404_with_a_way_back(debug: bool) -> None:
    with override_settings(DEBUG=debug):
        response = Client().get("/rooms/not-a-real-token/")
    html = _assert_product_page(response, 404, "Page not found")
    assert "This room link is not valid." in html


@pytest.mark.parametrize("debug", [False, True])
def test_a_revoked_share_link_shows_the_product_404(debug: bool) -> None:
    with override_settings(DEBUG=debug):
        response = Client().get("/interviews/shared/revoked-or-never-issued/")
    _assert_product_page(response, 404, "Page not found")


def test_an_unknown_address_shows_the_product_404() -> None:
    response = Client().get("/no/such/page/")
    html = _assert_product_page(response, 404, "Page not found")
    assert "tried" not in html  # the resolver's list of patterns is never shown


def test_djangos_own_lookup_message_is_not_shown(client_for: Any, candidate: Any) -> None:
    response = client_for(candidate).get("/interviews/00000000-0000-4000-8000-000000000000/")
    html = _assert_product_page(response, 404, "Page not found")
    assert "matches the given query" not in html


@pytest.mark.parametrize("debug", [False, True])
def test_a_candidate_on_a_professor_page_gets_the_product_403(
    debug: bool, client_for: Any, candidate: Any
) -> None:
    with override_settings(DEBUG=debug):
        response = client_for(candidate).get("/classrooms/")
    html = _assert_product_page(response, 403, "You cannot open this page")
    assert "This page is for professors." in html


def test_an_expired_form_gets_the_product_403_not_djangos_csrf_page(candidate: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(candidate)
    response = client.post("/interviews/new/", {})
    html = _assert_product_page(response, 403, "You cannot open this page")
    assert "reload the page" in html
    assert "CSRF" not in html


@override_settings(ROOT_URLCONF=__name__)
def test_a_crash_shows_the_product_500_with_a_way_back() -> None:
    response = Client(raise_request_exception=False).get("/_test/crash/")
    html = _assert_product_page(response, 500, "Something went wrong on our side")
    assert "boom" not in html


@override_settings(ROOT_URLCONF=__name__)
def test_a_malformed_request_shows_the_product_400() -> None:
    response = Client().get("/_test/bad/")
    _assert_product_page(response, 400, "could not be understood")
