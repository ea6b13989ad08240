"""A whole mock interview in Chromium: local avatar + Deepgram (fake), then HeyGen (fake) fallback.

Settings are configured by fixtures listed before `live_server_url`: the forked daphne process
inherits them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD_ANSWER = (
    "When our checkout latency doubled, I profiled the payment service and rewrote the basket "
    "query. As a result p95 latency dropped from 900 ms to 300 ms and conversion increased."
)
UTTERANCES = [
    "I led the move of our billing jobs to a queue and cut failures by eighty percent.",
    "Then I wrote the runbook and trained the on call team.",
] * 5


@pytest.fixture
def deepgram_fake(fake_providers: Any, settings: Any) -> Any:
    fake_providers.configure(settings, transcriber="deepgram")
    settings.INTERVIEW_MAX_FOLLOWUPS = 0
    fake_providers.knobs(deepgram_live={"utterances": UTTERANCES})
    return fake_providers


@pytest.fixture
def heygen_fake(fake_providers: Any, settings: Any) -> Any:
    fake_providers.configure(settings, avatar="heygen")
    settings.INTERVIEW_MAX_FOLLOWUPS = 0
    # The fake cannot host a LiveKit room (and tests never load a CDN): joining fails.
    settings.LIVEKIT_CLIENT_URL = "/static/js/no-such-livekit-client.js"
    return fake_providers


def sign_up_and_create(page: Any, base: str, username: str, questions: int) -> None:
    page.goto(base + "/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.locator("#id_password1").fill("a-Strong-passphrase-42")
    page.locator("#id_password2").fill("a-Strong-passphrase-42")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/interviews/")
    page.get_by_role("main").get_by_role("link", name="New interview").click()
    page.get_by_label("Target role").fill("Platform engineer")
    page.get_by_label("Number of questions").fill(str(questions))
    page.get_by_role("button", name="Create interview").click()
    page.wait_for_url(re.compile(r".*/interviews/[0-9a-f-]{36}/$"))


def banner(page: Any) -> Any:
    return page.locator("#state-banner")


def wait_state(page: Any, text: str, timeout: int = 30_000) -> None:
    page.wait_for_function(
        "t => document.getElementById('state-banner').textContent === t", arg=text, timeout=timeout
    )


def test_candidate_does_a_whole_interview(deepgram_fake: Any, live_server_url: str, page) -> None:
    sign_up_and_create(page, live_server_url, "ada", questions=2)
    assert banner(page).inner_text() == "Warming up"
    page.wait_for_function(
        "document.getElementById('avatar-status').textContent === 'connected' "
        "|| document.getElementById('avatar-status').textContent.endsWith('only')"
    )
    assert page.locator("#conn-status").inner_text() == "connected"
    start = page.get_by_role("button", name="Start interview")
    page.wait_for_function("!document.getElementById('start').disabled")
    start.click()

    # The local avatar asks question 1 (its text is on screen), then the page listens.
    wait_state(page, "Asking the question", timeout=10_000)
    assert page.locator("#progress").inner_text() == "Question 1 of 2"
    question = page.locator("#question-text").inner_text()
    assert question.endswith((".", "?"))
    wait_state(page, "Listening to your answer")

    # Answer by typing, finish, get feedback.
    page.get_by_label("Type your answer (optional)").fill("I fixed it.")
    page.get_by_role("button", name="Finish answer").click()
    wait_state(page, "Feedback")
    page.wait_for_selector("#feedback-body .overall-score")
    first_score = float(page.locator("#feedback-body .overall-score").inner_text().split()[0])

    # Try again: a second attempt, finished with the keyboard shortcut.
    page.get_by_role("button", name="Try again").click()
    wait_state(page, "Listening to your answer")
    page.get_by_label("Type your answer (optional)").fill(GOOD_ANSWER)
    page.keyboard.press("Control+Enter")
    wait_state(page, "Feedback")
    page.wait_for_function("document.querySelectorAll('#attempts li').length === 2")
    attempts = page.locator("#attempts").inner_text()
    assert "(best)" in attempts
    assert first_score >= 1

    # Question 2 with the (fake) microphone through the Deepgram client: captions appear live.
    page.get_by_role("button", name="Next question").click()
    wait_state(page, "Asking the question", timeout=10_000)
    assert page.locator("#progress").inner_text() == "Question 2 of 2"
    wait_state(page, "Listening to your answer")
    page.wait_for_function(
        "document.querySelector('#captions .final').textContent.includes('billing')",
        timeout=20_000,
    )
    page.get_by_role("button", name="Finish answer").click()
    wait_state(page, "Feedback")
    finish = page.get_by_role("button", name="Finish interview")
    finish.click()

    page.wait_for_url("**/report/")
    assert page.get_by_role("heading", name="Interview report").is_visible()
    report = page.locator("main").inner_text()
    assert question in report
    assert "Best attempt" in report
    assert "billing" in report  # the spoken answer's transcript
    assert deepgram_fake.state()["open_sessions"]["deepgram"] == 0


def test_heygen_fallback_still_completes(heygen_fake: Any, live_server_url: str, page) -> None:
    sign_up_and_create(page, live_server_url, "grace", questions=1)
    # LiveKit cannot connect: the page retries, then falls back to voice or captions only.
    page.wait_for_function(
        "document.getElementById('avatar-status').textContent.endsWith(' only')", timeout=30_000
    )
    page.wait_for_function("!document.getElementById('start').disabled")
    page.get_by_role("button", name="Start interview").click()
    wait_state(page, "Listening to your answer")
    page.get_by_label("Type your answer (optional)").fill(GOOD_ANSWER)
    page.get_by_role("button", name="Finish answer").click()
    wait_state(page, "Feedback")
    page.get_by_role("button", name="Finish interview").click()
    page.wait_for_url("**/report/")
    state = heygen_fake.state()
    endpoints = [e["endpoint"] for e in state["log"]]
    assert "task" in endpoints  # the question reached the vendor over REST
    assert state["open_sessions"]["heygen"] == 0
