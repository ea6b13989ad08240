"""Staff tools: end a session, restart a room's avatar, export transcripts, read the Zoom bots;
cron commands."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.core.management import call_command
from django.urls import reverse

from classrooms import services
from classrooms.models import BreakoutRoom, ClassSession
from classrooms.services.meeting_bots import meeting_bots_create
from classrooms.services.starting import _room_failed
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_client_(client_for: Any, staff: Any) -> Any:
    staff.is_superuser = True
    staff.save()
    return client_for(staff)


def test_admin_lists_sessions_with_rooms_inline(admin_client_: Any, make_session: Any) -> None:
    session = make_session()
    response = admin_client_.get(reverse("admin:classrooms_classsession_change", args=[session.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Room 1" in body
    assert session.rooms.first().join_token not in body


def test_admin_ends_sessions_and_exports_transcripts(admin_client_: Any, make_session: Any) -> None:
    session = make_session(students=1)
    async_to_sync(services.class_session_launch)(session=session)
    services.room_line_add(room=session.rooms.get(), speaker="student", text="Hello tutor")
    url = reverse("admin:classrooms_classsession_changelist")
    export = admin_client_.post(
        url, {"action": "export_transcripts", "_selected_action": [session.pk]}
    )
    assert export["Content-Type"].startswith("text/csv")
    assert "Hello tutor" in export.content.decode()
    admin_client_.post(url, {"action": "end_sessions", "_selected_action": [session.pk]})
    session.refresh_from_db()
    assert session.status == ClassSession.Status.ENDED


def test_admin_restarts_a_failed_room(admin_client_: Any, make_session: Any) -> None:
    session = make_session(students=1)
    async_to_sync(services.class_session_launch)(session=session)
    room = session.rooms.get()
    _room_failed(room, "Avatar refused")
    admin_client_.post(
        reverse("admin:classrooms_breakoutroom_changelist"),
        {"action": "restart_avatars", "_selected_action": [room.pk]},
    )
    room.refresh_from_db()
    assert room.status == BreakoutRoom.Status.ACTIVE


def test_reap_and_resume_commands(make_session: Any, settings: Any) -> None:
    session = make_session()
    out = StringIO()
    call_command("class_sessions_resume", stdout=out)
    assert "Resumed 1 session" in out.getvalue()
    session.refresh_from_db()
    assert session.status == ClassSession.Status.LIVE
    settings.CLASS_SESSION_MAX_DURATION = 0
    call_command("class_sessions_reap", stdout=out)
    session.refresh_from_db()
    assert session.status == ClassSession.Status.ENDED


def test_staff_read_the_bots_and_their_events_in_the_admin(
    admin_client_: Any, professor: Any, settings: Any, fake_providers: Any
) -> None:
    fake_providers.configure(settings, transcriber="deepgram")
    course = factories.make_course(professor, students=2)
    session = services.class_session_create(
        professor=professor,
        course=course,
        student_ids=list(course.students.values_list("pk", flat=True)),
        meeting_provider="zoom",
    )
    (bot, _) = meeting_bots_create(session=session)
    page = admin_client_.get(reverse("admin:classrooms_meetingbot_changelist"))
    assert page.status_code == 200
    assert "Tutor · Room 1" in page.content.decode()
    detail = admin_client_.get(reverse("admin:classrooms_meetingbot_change", args=[bot.pk]))
    assert detail.status_code == 200
    assert "requested" in detail.content.decode()
    assert admin_client_.get(reverse("admin:classrooms_meetingbot_add")).status_code == 403
