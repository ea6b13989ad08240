"""Site pages a newcomer opens: About is its own page; New interview's choices are distinct."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.html_text import options, perceived_text

pytestmark = pytest.mark.django_db


def test_about_is_its_own_page_linked_from_every_page() -> None:
    home = Client().get("/").content.decode()
    assert 'href="/about/"' in home
    about = Client().get("/about/")
    assert about.status_code == 200
    html = about.content.decode()
    assert "<h1>About Mockingbird</h1>" in html
    assert "What happens to what you say" in html
    assert "Join a class room" not in html  # not the home page again


def test_new_interview_does_not_offer_a_type_again_as_a_competency(
    client_for: Any, candidate: Any
) -> None:
    html = client_for(candidate).get("/interviews/new/").content.decode()
    seen = perceived_text(html)
    assert "Behavioural" in options(html, "interview_type")
    assert seen.count("Behavioural") == 1  # the type only
    assert "Initiative and judgement" in seen
    assert seen.count("Technical (general)") == 1
    assert "Technical depth" in seen
