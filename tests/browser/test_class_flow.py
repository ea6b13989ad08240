"""A whole class the way a professor runs one, in two browsers: one click to start, every link
on the monitor, a student joining by typing the code on the home page, the professor's guiding
question on a misconception, and the report after class. Invitations go to files under var/
(the live server is another process: its outbox is not this process's)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from classrooms import services
from classrooms.models import BreakoutRoom, ClassSession, RoomInvitation
from classrooms.selectors import format_short_code
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATEMENT = "A 95% confidence interval has a 95% probability of containing the true mean."
ASK = "If a hundred classmates each built a 95% interval, what would the 95% describe?"
MATERIAL = f"""# Confidence intervals

## What the 95% refers to
A 95% confidence interval comes from a method that captures the true mean in 95% of samples.
Any single interval either contains the mean or it does not.

Misconception: {STATEMENT}
Ask: {ASK}
""".encode()
STUDENTS = [
    ("Ada Lovelace", "ada@example.edu"),
    ("Ben Okafor", "ben@example.edu"),
    ("Chen Wei", ""),
]


@pytest.fixture
def outbox_dir(settings: Any) -> Path:
    """The live server writes each email to a file here (set before its process forks)."""
    path = Path(django_settings.BASE_DIR) / "var" / f"test-mail-{uuid.uuid4().hex[:12]}"
    path.mkdir(parents=True)
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(path)
    yield path
    for item in path.iterdir():
        item.unlink()
    path.rmdir()


def _messages(path: Path) -> list[str]:
    text = "".join(p.read_text() for p in sorted(path.iterdir()))
    return [m for m in text.split("-" * 79) if "Subject:" in m]


def _wait_for(predicate: Any, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_professor_runs_a_class_from_one_click_to_the_report(
    outbox_dir: Path, live_server_url: str, browser_context: Any
) -> None:
    professor = factories.make_professor("prof_flow")
    course = factories.make_course(professor, students=0, title="STAT 101")
    for name, email in STUDENTS:
        services.roster_student_add(course=course, name=name, email=email, background="")
    services.course_material_add(
        course=course, filename="intervals.md", raw=MATERIAL, title="Intervals"
    )

    prof = browser_context.new_page()
    prof.on("dialog", lambda dialog: dialog.accept())
    prof.goto(live_server_url + "/accounts/login/")
    prof.get_by_label("Username").fill("prof_flow")
    prof.get_by_label("Password").fill(factories.PASSWORD)
    prof.get_by_role("button", name="Log in").click()
    prof.wait_for_url("**/")
    prof.goto(f"{live_server_url}/classrooms/courses/{course.public_id}/")
    # One click: the whole roster is already ticked.
    prof.get_by_role("button", name="Start session").click()
    prof.wait_for_url("**/classrooms/sessions/**")
    prof.wait_for_function("document.querySelectorAll('.room.green').length === 3")

    session = ClassSession.objects.get(course=course)
    rooms = list(BreakoutRoom.objects.filter(session=session).order_by("position"))
    panel = prof.locator("#student-links")
    for room in rooms:
        assert format_short_code(room.short_code) in panel.inner_text()
        assert panel.locator(f'a[href="/rooms/{room.join_token}/"]').count() == 1
    assert panel.get_by_role("button", name="Copy code").count() == 3

    # The invitations: one message per student with an email, each with its own code.
    _wait_for(
        lambda: (
            RoomInvitation.objects.filter(
                room__session=session, status=RoomInvitation.Status.SENT
            ).count()
            == 2
        ),
        "two invitations sent",
    )
    # ...and the monitor's panel says so without a reload.
    prof.wait_for_function(
        "document.querySelectorAll('#student-links [data-state=\"sent\"]').length === 2"
    )
    assert panel.locator('[data-state="none"]').inner_text() == "No email"
    first_code = format_short_code(rooms[0].short_code)
    panel.get_by_role("button", name="Copy code").first.click()
    prof.wait_for_function(f"window.__lastCopied === {first_code!r}")
    assert prof.locator("#copy-status").inner_text()
    messages = _messages(outbox_dir)
    assert len(messages) == 2
    ada_room = next(r for r in rooms if r.students.filter(name="Ada Lovelace").exists())
    (ada_mail,) = [m for m in messages if "To: ada@example.edu" in m]
    assert format_short_code(ada_room.short_code) in ada_mail

    # The student types the code from the email on the home page (capitals, spaces).
    student_context = browser_context.browser.new_context(permissions=["microphone"])
    student_context.set_default_timeout(15_000)
    student = student_context.new_page()
    student.goto(live_server_url + "/")
    typed = " ".join(format_short_code(ada_room.short_code).split("-")).upper()
    student.get_by_label("Room code").fill(typed)
    student.get_by_role("button", name="Open my room").click()
    student.wait_for_url(f"**/rooms/{ada_room.join_token}/")
    student.locator("#transcript .line.tutor").first.wait_for()  # the tutor greets Ada

    student.get_by_placeholder("Type to your tutor and press Enter").fill(
        "So is it the probability that the true mean is in the interval?"
    )
    student.keyboard.press("Enter")
    student.locator("#transcript .line.tutor", has_text="hundred classmates").wait_for()

    # The professor ends the class and opens the report from the ended monitor.
    prof.get_by_role("button", name="End session").click()
    prof.locator("#summary").wait_for()
    prof.get_by_role("link", name="Open the session report").click()
    prof.wait_for_url("**/report/")
    misconceptions = prof.locator("#report-misconceptions")
    misconceptions.get_by_text("Data table").click()
    assert STATEMENT in misconceptions.inner_text()
    ada_row = prof.locator("#report-students tr", has_text="Ada Lovelace")
    assert STATEMENT in ada_row.inner_text()
    assert "What the 95% refers to" in ada_row.inner_text()
    student_context.close()


def test_a_prepared_session_starts_its_tutors_from_the_monitor(
    outbox_dir: Path, live_server_url: str, browser_context: Any
) -> None:
    professor = factories.make_professor("prof_ahead")
    course = factories.make_course(professor, students=2, title="STAT 102")
    prof = browser_context.new_page()
    prof.goto(live_server_url + "/accounts/login/")
    prof.get_by_label("Username").fill("prof_ahead")
    prof.get_by_label("Password").fill(factories.PASSWORD)
    prof.get_by_role("button", name="Log in").click()
    prof.wait_for_url("**/")
    prof.goto(f"{live_server_url}/classrooms/courses/{course.public_id}/")
    prof.get_by_role("button", name="Prepare for later").click()
    prof.wait_for_url("**/classrooms/sessions/**")
    session = ClassSession.objects.get(course=course)
    assert session.status == ClassSession.Status.PREPARED
    assert prof.locator("#session-status").inner_text() == "Prepared"
    assert prof.locator("#student-links tbody tr").count() == 2
    assert prof.locator(".room.green").count() == 0  # no tutor, no vendor minutes
    # A student arrives early and types: the message is kept for the tutor.
    room = BreakoutRoom.objects.filter(session=session).order_by("position").first()
    student = browser_context.new_page()
    student.goto(f"{live_server_url}/rooms/{room.join_token}/")
    notice = student.locator("#not-started")
    assert notice.is_visible()
    student.get_by_placeholder("Type to your tutor and press Enter").fill("Is 95% a probability?")
    student.keyboard.press("Enter")
    student.locator("#mic-status", has_text="answers it as soon as it has started").wait_for()
    prof.get_by_role("button", name="Start: deploy 2 tutors").click()
    prof.wait_for_function("document.querySelectorAll('.room.green').length === 2")
    assert prof.locator("#start-prepared").count() == 0
    # Once the tutor is up the notice goes, and the early question is answered (not greeted).
    notice.wait_for(state="hidden")
    student.locator("#transcript .line.tutor").first.wait_for()
    assert student.locator("#transcript .line").first.inner_text().startswith("You:")
