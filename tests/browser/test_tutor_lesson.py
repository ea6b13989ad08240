"""A student works through a check question from the professor's teaching script: wrong, then
partly right, then right; the professor's report shows it."""

from __future__ import annotations

from typing import Any

import pytest

from classrooms import services
from classrooms.models import BreakoutRoom, ClassSession
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES = """# Photosynthesis

## What plants take in
Plants make glucose from carbon dioxide and water, using the energy of light.

Check: Which two raw materials does a plant use to make glucose?
Answer: carbon dioxide; CO2
Answer: water
Hint: One of them comes from the air and enters through the leaves.
Hint: The other one comes up from the roots.
Summary: Plants make glucose from carbon dioxide and water.
"""


def _say(page: Any, text: str, tutor_lines: int) -> None:
    page.get_by_placeholder("Type to your tutor and press Enter").fill(text)
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"document.querySelectorAll('#transcript .line.tutor').length > {tutor_lines}"
    )


def test_a_student_hears_a_hint_credit_for_the_right_part_then_thats_it(
    live_server_url: str, browser_context: Any
) -> None:
    professor = factories.make_professor("prof_lesson")
    course = factories.make_course(professor, students=1, title="BIO 100")
    services.course_material_add(course=course, filename="week1.md", raw=NOTES.encode())

    prof = browser_context.new_page()
    prof.on("dialog", lambda dialog: dialog.accept())
    prof.goto(live_server_url + "/accounts/login/")
    prof.get_by_label("Username").fill("prof_lesson")
    prof.get_by_label("Password").fill(factories.PASSWORD)
    prof.get_by_role("button", name="Log in").click()
    prof.wait_for_url("**/")
    prof.goto(f"{live_server_url}/classrooms/courses/{course.public_id}/")
    # the course page previews what the tutor will do with the script
    prof.locator(".script-preview summary").click()
    prof.locator(".script-preview", has_text="Which two raw materials").wait_for()
    prof.get_by_role("button", name="Select all").click()
    prof.get_by_role("button", name="Start session").click()
    prof.wait_for_url("**/classrooms/sessions/**")
    prof.wait_for_function("document.querySelectorAll('.room.green').length === 1")

    session = ClassSession.objects.get(course=course)
    room = BreakoutRoom.objects.get(session=session)
    student_context = browser_context.browser.new_context()
    student_context.set_default_timeout(15_000)
    student = student_context.new_page()
    student.goto(f"{live_server_url}/r/{room.short_code}")
    tutor = student.locator("#transcript .line.tutor")
    tutor.first.wait_for()  # the greeting

    _say(student, "Can you quiz me on what plants take in?", tutor.count())
    student.locator("#transcript .line.tutor", has_text="Which two raw materials").wait_for()

    _say(student, "Sunlight and soil", tutor.count())  # wrong: a hint, not the answer
    student.locator("#transcript .line.tutor", has_text="comes from the air").wait_for()

    _say(student, "Water?", tutor.count())  # partly: the right part is credited
    student.locator("#transcript .line.tutor", has_text="“Water” is right").wait_for()
    student.locator("#transcript .line.tutor", has_text="up from the roots").wait_for()

    _say(student, "Water and carbon dioxide", tutor.count())
    student.locator("#transcript .line.tutor", has_text="that's it").wait_for()
    transcript = student.locator("#transcript").inner_text()
    assert transcript.count("carbon dioxide") >= 1
    student_context.close()

    prof.get_by_role("button", name="End session").click()
    prof.locator("#summary").wait_for()
    prof.goto(f"{live_server_url}/classrooms/sessions/{session.public_id}/report/")
    row = prof.locator("tr", has_text="Student 1")
    cells = row.locator("td").all_inner_texts()
    # room, minutes, talk time, turns, help requests, answered right, hints used
    assert cells[5] == "1"
    assert cells[6] == "2"
