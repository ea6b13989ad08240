"""A candidate answers by typing, retries with a better answer, finishes, and the report shows the
before/after delta, a practice plan and the delivery charts (local avatar, local coach)."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.interviews.coaching.calibration_data import SAMPLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {s.id: s.transcript for s in SAMPLES}


def answer(page: Any, text: str) -> None:
    page.locator("#answer-panel").wait_for(state="visible")
    page.locator("#typed-answer").fill(text)
    page.locator("#finish").click()


def wait_for_feedback(page: Any) -> None:
    """Feedback is shown; a follow-up the coach asked for is skipped."""
    page.wait_for_function(
        "!document.getElementById('try-again').hidden"
        " || !document.getElementById('skip-followup').hidden",
        timeout=30_000,
    )
    if page.locator("#skip-followup").is_visible():
        page.locator("#skip-followup").click()
        page.locator("#try-again").wait_for(state="visible")


def test_retry_shows_before_after_delta_and_practice_plan(live_server_url: str, page) -> None:
    factories.make_user("carla")
    page.goto(live_server_url + "/accounts/login/")
    page.get_by_label("Username").fill("carla")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")

    # The practise-again link format prefills the setup form.
    page.goto(
        live_server_url
        + "/interviews/new/?target_role=Backend+engineer&question_count=1"
        + "&competencies=technical_general"
    )
    assert page.get_by_label("Target role").input_value() == "Backend engineer"
    page.get_by_role("button", name="Create interview").click()
    page.wait_for_url("**/interviews/*/")

    page.locator("#start").wait_for(state="visible")
    page.wait_for_function("!document.getElementById('start').disabled", timeout=20_000)
    page.locator("#start").click()

    answer(page, TEXT["tech-weak"])
    wait_for_feedback(page)
    assert page.locator("#feedback-body").inner_text().strip()  # feedback is on the page

    page.locator("#try-again").click()
    answer(page, TEXT["tech-strong"])
    wait_for_feedback(page)

    page.locator("#next").click()  # "Finish interview" on the last question
    page.wait_for_url("**/report/", timeout=20_000)

    history = page.locator("table.attempt-history")
    assert history.is_visible()
    assert "+" in history.locator(".delta-up").first.inner_text()
    assert page.get_by_role("heading", name="Practice plan").is_visible()
    assert page.locator("svg[role=img]").count() >= 3
    assert page.get_by_role("button", name="Print / Save as PDF").is_visible()
