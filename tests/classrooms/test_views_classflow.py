"""Starting in one click, preparing ahead, and the student links on the monitor."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from avatars.models import AvatarSession
from classrooms import services
from classrooms.models import ClassSession, RoomInvitation
from classrooms.selectors import format_short_code
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _course_page(client: Client, course: Any) -> str:
    return client.get(reverse("classrooms:course", args=[course.public_id])).content.decode()


def _submit_start_form(client: Client, course: Any, action: str = "start") -> Any:
    """Post the course page's start form exactly as the browser would, untouched."""
    html = _course_page(client, course)
    ticked = re.findall(r'<input type="checkbox" name="students" value="(\d+)" checked>', html)
    return client.post(
        reverse("classrooms:session_start", args=[course.public_id]),
        {"students": ticked, "group_size": "1", "meeting_provider": "local", "action": action},
    )


def test_the_whole_roster_is_ticked_by_default(
    client_for: Any, professor: Any, course: Any
) -> None:
    html = _course_page(client_for(professor), course)
    boxes = re.findall(r'<input type="checkbox" name="students" value="\d+"( checked)?>', html)
    assert boxes == [" checked"] * 3
    assert "Select none" in html
    assert "Prepare for later" in html


def test_one_click_start_makes_a_room_for_everyone(
    client_for: Any, professor: Any, course: Any
) -> None:
    response = _submit_start_form(client_for(professor), course)
    session = ClassSession.objects.get(course=course)
    assert response.status_code == 302
    assert response["Location"] == reverse("classrooms:monitor", args=[session.public_id])
    assert session.status in (ClassSession.Status.STARTING, ClassSession.Status.LIVE)
    assert session.rooms.count() == 3
    follow = client_for(professor).get(response["Location"])
    assert "Pick at least one student" not in follow.content.decode()


def test_deselecting_everyone_is_refused_with_a_clear_message(
    client_for: Any, professor: Any, course: Any
) -> None:
    client = client_for(professor)
    response = client.post(
        reverse("classrooms:session_start", args=[course.public_id]),
        {"group_size": "1", "meeting_provider": "local"},
        follow=True,
    )
    assert "Pick at least one student" in response.content.decode()
    assert not ClassSession.objects.filter(course=course).exists()


def test_prepare_creates_rooms_and_links_but_starts_no_avatar(
    client_for: Any, professor: Any, course: Any
) -> None:
    client = client_for(professor)
    response = _submit_start_form(client, course, action="prepare")
    session = ClassSession.objects.get(course=course)
    assert session.status == ClassSession.Status.PREPARED
    assert session.started_at is None
    assert not AvatarSession.objects.exists()  # no vendor minutes
    html = client.get(response["Location"]).content.decode()
    assert "Prepared" in html
    assert 'id="start-prepared"' in html
    for room in session.rooms.all():
        assert reverse("classrooms:room", args=[room.join_token]) in html
        assert format_short_code(room.short_code) in html


def test_start_on_a_prepared_session_deploys_the_tutors(
    client_for: Any, professor: Any, course: Any
) -> None:
    client = client_for(professor)
    _submit_start_form(client, course, action="prepare")
    session = ClassSession.objects.get(course=course)
    url = reverse("classrooms:session_start_prepared", args=[session.public_id])
    response = client.post(url)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status in (ClassSession.Status.STARTING, ClassSession.Status.LIVE)
    assert session.started_at is not None
    # Pressing Start again is refused with a message, never a 500.
    again = client.post(url, follow=True)
    assert again.status_code == 200
    assert "already started" in again.content.decode()


def test_another_professor_cannot_start_a_prepared_session(
    client_for: Any, professor: Any, other_professor: Any, course: Any
) -> None:
    session = services.class_session_prepare(
        professor=professor, course=course, student_ids=course.students.values_list("pk", flat=True)
    )
    url = reverse("classrooms:session_start_prepared", args=[session.public_id])
    assert client_for(other_professor).post(url).status_code == 404
    session.refresh_from_db()
    assert session.status == ClassSession.Status.PREPARED


def test_the_monitor_lists_every_link_with_copy_buttons_and_invitation_state(
    client_for: Any, professor: Any, settings: Any
) -> None:
    course = factories.make_course(professor, students=0)
    services.roster_student_add(course=course, name="Ada L", email="ada@example.edu", background="")
    services.roster_student_add(course=course, name="Ben O", email="", background="")
    session = services.class_session_create(
        professor=professor, course=course, student_ids=course.students.values_list("pk", flat=True)
    )
    RoomInvitation.objects.update(
        status=RoomInvitation.Status.FAILED, attempts=5, error="SMTPRecipientsRefused: ada"
    )
    html = client_for(professor).get(reverse("classrooms:monitor", args=[session.public_id]))
    html = html.content.decode()
    assert "Student links" in html
    assert html.count("Copy link") == 2
    assert html.count("Copy code") == 2
    assert "Failed: SMTPRecipientsRefused" in html
    assert 'id="invitation-failures" >' in html  # shown, not hidden
    assert "No email" in html
    assert "js/links.js" in html
    assert reverse("classrooms:session_links", args=[session.public_id]) in html
    assert reverse("classrooms:session_links_csv", args=[session.public_id]) in html


def test_the_printable_page_and_csv_hold_every_link(
    client_for: Any, professor: Any, make_session: Any
) -> None:
    session = make_session(group_size=2)
    client = client_for(professor)
    page = client.get(reverse("classrooms:session_links", args=[session.public_id]))
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    response = client.get(reverse("classrooms:session_links_csv", args=[session.public_id]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 3  # one row per student
    for room in session.rooms.all():
        assert format_short_code(room.short_code) in html
        link = "http://testserver" + reverse("classrooms:room", args=[room.join_token])
        assert link in html
        assert sum(1 for r in rows if r["link"] == link) == room.students.count()
    assert {r["invitation"] for r in rows} == {"no email"}


def test_starting_from_the_page_queues_and_sends_one_invitation_per_student(
    client_for: Any, professor: Any
) -> None:
    course = factories.make_course(professor, students=0)
    for name in ("Ada L", "Ben O"):
        services.roster_student_add(
            course=course, name=name, email=f"{name[:3].lower()}@example.edu", background=""
        )
    _submit_start_form(client_for(professor), course)
    session = ClassSession.objects.get(course=course)
    assert RoomInvitation.objects.filter(room__session=session).count() == 2
    # Whatever the page's delivery job already sent, the job finishes the rest exactly once.
    services.room_invitations_send_due()
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.edu", "ben@example.edu"]


def test_the_invitation_states_refresh_for_the_monitor(
    client_for: Any, professor: Any, other_professor: Any
) -> None:
    course = factories.make_course(professor, students=0)
    services.roster_student_add(course=course, name="Ada L", email="ada@example.edu", background="")
    session = services.class_session_create(
        professor=professor, course=course, student_ids=course.students.values_list("pk", flat=True)
    )
    url = reverse("classrooms:session_invitations", args=[session.public_id])
    monitor = client_for(professor).get(reverse("classrooms:monitor", args=[session.public_id]))
    assert 'data-state="pending"' in monitor.content.decode()
    assert url in monitor.content.decode()
    before = client_for(professor).get(url).json()
    assert before["counts"] == {"pending": 1, "sent": 0, "failed": 0}
    assert [v["state"] for v in before["items"].values()] == ["pending"]
    services.room_invitations_send_due()
    after = client_for(professor).get(url).json()
    assert after["counts"]["sent"] == 1
    assert [v["label"] for v in after["items"].values()] == ["Sent"]
    assert client_for(other_professor).get(url).status_code == 404


def test_the_professor_sends_failed_invitations_again_from_the_monitor(
    client_for: Any, professor: Any, other_professor: Any
) -> None:
    course = factories.make_course(professor, students=0)
    services.roster_student_add(course=course, name="Ada L", email="ada@example.edu", background="")
    session = services.class_session_create(
        professor=professor, course=course, student_ids=course.students.values_list("pk", flat=True)
    )
    RoomInvitation.objects.update(status=RoomInvitation.Status.FAILED, attempts=5, error="down")
    url = reverse("classrooms:session_invitations_resend", args=[session.public_id])
    monitor = reverse("classrooms:monitor", args=[session.public_id])
    assert url in client_for(professor).get(monitor).content.decode()
    assert client_for(other_professor).post(url).status_code == 404
    assert RoomInvitation.objects.get().status == RoomInvitation.Status.FAILED
    response = client_for(professor).post(url, follow=True)
    assert "Sending 1 invitation again" in response.content.decode()
    services.room_invitations_send_due()
    assert [m.to for m in mail.outbox] == [["ada@example.edu"]]
