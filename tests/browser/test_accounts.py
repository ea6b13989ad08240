"""A new candidate signs up in Chromium and reaches the dashboard."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signup_reaches_dashboard(live_server_url: str, page) -> None:
    page.goto(live_server_url + "/")
    page.get_by_role("link", name="Create a free account").click()
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Email").fill("grace@example.com")
    page.locator("#id_password1").fill("a-Strong-passphrase-42")
    page.locator("#id_password2").fill("a-Strong-passphrase-42")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/interviews/")
    assert page.get_by_role("heading", name="My interviews").is_visible()
    assert "grace" in page.locator("header").inner_text()
    # Keyboard users get a skip link to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
