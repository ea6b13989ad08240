"""A whole class session in two browsers: professor monitor and a student's room."""

from __future__ import annotations

from typing import Any

import pytest

from classrooms.models import BreakoutRoom, ClassSession
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPOKEN = "I think the interval shows where the true mean probably lies"


@pytest.fixture
def classroom_fakes(fake_providers: Any, settings: Any) -> Any:
    """Live speech goes through Deepgram (the fake speaks a scripted utterance as audio arrives);
    must be set up before the server process forks."""
    fake_providers.configure(settings, transcriber="deepgram")
    fake_providers.knobs(deepgram_live={"utterances": [SPOKEN], "words_per_chunk": 3})
    return fake_providers


def test_professor_runs_a_session_with_a_student_talking_to_the_tutor(
    classroom_fakes: Any, live_server_url: str, browser_context: Any
) -> None:
    professor = factories.make_professor("prof_browser")
    course = factories.make_course(professor, students=5, title="STAT 101")

    prof = browser_context.new_page()
    prof.on("dialog", lambda dialog: dialog.accept())
    prof.goto(live_server_url + "/accounts/login/")
    prof.get_by_label("Username").fill("prof_browser")
    prof.get_by_label("Password").fill(factories.PASSWORD)
    prof.get_by_role("button", name="Log in").click()
    prof.wait_for_url("**/")
    prof.goto(f"{live_server_url}/classrooms/courses/{course.public_id}/")
    prof.get_by_role("button", name="Select all").click()
    prof.get_by_role("button", name="Start session").click()
    prof.wait_for_url("**/classrooms/sessions/**")
    # the rooms turn green live, without a reload
    prof.wait_for_function("document.querySelectorAll('.room.green').length === 5")
    assert prof.locator("[data-figure=avatars]").inner_text() == "5"
    # The page's connection and the session's state are two different words (never "Live Live").
    prof.locator("#connection", has_text="Connected").wait_for()
    assert prof.locator("#session-status").inner_text() != prof.locator("#connection").inner_text()

    session = ClassSession.objects.get(course=course)
    room = BreakoutRoom.objects.filter(session=session).order_by("position").first()

    student_context = browser_context.browser.new_context(permissions=["microphone"])
    student_context.set_default_timeout(15_000)
    student = student_context.new_page()
    student.goto(f"{live_server_url}/r/{room.short_code}")
    student.locator("#transcript .line.tutor").first.wait_for()  # the tutor greets the student

    # typed
    student.get_by_placeholder("Type to your tutor and press Enter").fill(
        "What does a confidence interval tell me?"
    )
    student.keyboard.press("Enter")
    student.locator("#transcript .line.student").first.wait_for()
    student.wait_for_function("document.querySelectorAll('#transcript .line.tutor').length >= 2")

    # fake microphone -> live transcriber -> tutor
    tutor_lines = student.locator("#transcript .line.tutor").count()
    student.get_by_role("button", name="Talk").click()
    student.locator("#transcript .line.student", has_text="true mean").wait_for()
    student.get_by_role("button", name="Stop talking").click()
    student.wait_for_function(
        f"document.querySelectorAll('#transcript .line.tutor').length > {tutor_lines}"
    )

    # the professor sees the conversation and broadcasts to every tutor
    prof.locator(f'[data-room="{room.public_id}"]').get_by_role("button", name="Details").click()
    prof.locator(
        f'[data-room="{room.public_id}"] .room-transcript', has_text="true mean"
    ).wait_for()
    prof.get_by_label("Broadcast to every tutor").fill("Two minutes left, wrap up.")
    prof.get_by_role("button", name="Broadcast").click()
    student.locator("#transcript .line.professor", has_text="Two minutes left").wait_for()
    prof.locator("#broadcast-status", has_text="Sent to 5 rooms.").wait_for()  # words, not keys
    # The card shows the conversation's last lines and the avatar's state in words.
    card = prof.locator(f'[data-room="{room.public_id}"]')
    assert card.locator(".card-tail").is_visible()
    assert "Avatar connected" in card.inner_text()
    # The student sees the tutor's words once (not also over the avatar's face), and a screen
    # reader hears "Your tutor", not "Interviewer".
    assert not student.locator("#avatar .avatar-caption").is_visible()
    assert student.get_by_role("img", name="Your tutor").count() == 1

    # the professor joins the room: browser-to-browser audio
    prof.locator(f'[data-room="{room.public_id}"] [data-action=join]').click()
    student.locator("#professor-banner").wait_for()
    prof.wait_for_function("window.__rtcState === 'connected'", timeout=20_000)
    student.wait_for_function("window.__rtcState === 'connected'", timeout=20_000)
    prof.get_by_role("button", name="Leave the room").click()
    student.locator("#professor-banner").wait_for(state="hidden")

    # the professor ends the session and sees the cleanup summary
    prof.get_by_role("button", name="End session").click()
    prof.locator("#summary").wait_for()
    prof.locator("#summary-list", has_text="Avatar sessions").wait_for()
    assert "5" in prof.locator("#summary-list").inner_text()
    student.locator("#room-state", has_text="ended").wait_for()
    # After the class every card says its avatar stopped (not "No avatar connected").
    prof.locator(".room", has_text="Avatar stopped").first.wait_for()
    assert prof.locator(".room", has_text="No avatar connected").count() == 0
    session.refresh_from_db()
    assert session.status == ClassSession.Status.ENDED
    student_context.close()
