"""A new candidate signs up in Chromium and reaches the dashboard."""

from __future__ import annotations

import re

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


@pytest.fixture
def file_mail(settings, tmp_path):
    """Mail written to files, so the forked server's emails are readable here."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    return tmp_path


def test_password_reset_in_browser(file_mail, live_server_url: str, page) -> None:
    from tests.factories import make_user

    make_user("hopper")
    page.goto(live_server_url + "/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("hopper@example.com")
    page.get_by_role("button", name="Send reset link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    body = "".join(p.read_text() for p in file_mail.iterdir())
    link = re.search(r"(/accounts/reset/\S+/)", body).group(1)
    page.goto(live_server_url + link)
    page.locator("#id_new_password1").fill("brand-New-passphrase-7")
    page.locator("#id_new_password2").fill("brand-New-passphrase-7")
    page.get_by_role("button", name="Set password").click()
    page.get_by_role("heading", name="Your password is set").wait_for()
    page.locator("#main").get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("hopper")
    page.get_by_label("Password").fill("brand-New-passphrase-7")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/interviews/")


def test_staff_reach_branded_admin(live_server_url: str, page) -> None:
    from tests.factories import PASSWORD, make_user

    staff = make_user("root", staff=True)
    staff.is_superuser = True
    staff.save()
    page.goto(live_server_url + "/admin/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Mockingbird administration").wait_for()
    assert page.get_by_role("link", name="Avatar sessions").is_visible()
    assert page.get_by_role("link", name="Bank questions").is_visible()
