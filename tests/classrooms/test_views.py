"""Pages: who may open what, and what an unknown or ended link shows."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from classrooms import services
from classrooms.models import ClassSession
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _monitor_url(session: ClassSession) -> str:
    return reverse("classrooms:monitor", args=[session.public_id])


def test_owner_sees_the_monitor_with_every_room(
    client_for: Any, professor: Any, make_session: Any
) -> None:
    session = make_session()
    async_to_sync(services.class_session_launch)(session=session)
    response = client_for(professor).get(_monitor_url(session))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="room green"') == 3
    assert "End session" in html


@pytest.mark.parametrize("who", ["other_professor", "candidate", "anonymous"])
def test_others_cannot_open_the_monitor(
    request: Any, client_for: Any, make_session: Any, who: str
) -> None:
    session = make_session()
    response = client_for(request.getfixturevalue(who)).get(_monitor_url(session))
    assert response.status_code in (302, 403, 404)
    assert "End session" not in response.content.decode()


def test_monitor_queries_do_not_grow_with_rooms(client_for: Any, professor: Any) -> None:
    counts = []
    for n in (2, 12):
        course = factories.make_course(professor, students=n)
        session = services.class_session_create(
            professor=professor,
            course=course,
            student_ids=course.students.values_list("pk", flat=True),
        )
        async_to_sync(services.class_session_launch)(session=session)
        client = client_for(professor)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_monitor_url(session)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_student_room_opens_with_its_token_and_short_link(client: Any, make_session: Any) -> None:
    session = make_session()
    room = session.rooms.first()
    response = client.get(reverse("classrooms:room", args=[room.join_token]))
    assert response.status_code == 200
    assert room.name in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"
    short = client.get(reverse("classrooms:short", args=[room.short_code]))
    assert short.status_code == 302
    assert short["Location"] == reverse("classrooms:room", args=[room.join_token])


def test_unknown_room_link_is_404(client: Any) -> None:
    assert client.get("/rooms/not-a-real-token/").status_code == 404
    assert client.get("/r/zzzzzzzz").status_code == 404


def test_ended_session_link_says_it_ended(client: Any, make_session: Any) -> None:
    session = make_session()
    room = session.rooms.first()
    async_to_sync(services.class_session_end)(session=session)
    response = client.get(reverse("classrooms:room", args=[room.join_token]))
    assert response.status_code == 410
    assert "This session has ended" in response.content.decode()


def test_start_form_creates_session_and_redirects_to_monitor(
    client_for: Any, professor: Any, course: Any
) -> None:
    ids = list(course.students.values_list("pk", flat=True))
    response = client_for(professor).post(
        reverse("classrooms:session_start", args=[course.public_id]),
        {"students": ids, "group_size": 1, "meeting_provider": "local"},
    )
    session = ClassSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _monitor_url(session)
    assert session.rooms.count() == 3


def test_material_upload_is_validated_and_chunked(
    client_for: Any, professor: Any, course: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("classrooms:material_upload", args=[course.public_id])
    client = client_for(professor)
    good = SimpleUploadedFile(
        "notes.md",
        b"# Confidence intervals\n\nA 95% interval covers the true mean in 95% of samples.\n\n# Sampling\n\nRandom samples avoid bias.",
        content_type="text/markdown",
    )
    client.post(url, {"file": good})
    material = course.materials.get()
    assert material.chunks.count() == 2
    bad = SimpleUploadedFile("slides.pdf", b"%PDF-1.4 binary", content_type="application/pdf")
    response = client.post(url, {"file": bad}, follow=True)
    assert "text (.txt) or Markdown (.md)" in response.content.decode()
    assert course.materials.count() == 1


def test_transcript_csv_export(client_for: Any, professor: Any, make_session: Any) -> None:
    session = make_session(students=1)
    room = session.rooms.first()
    services.room_line_add(room=room, speaker="student", text="=cmd|' /C calc'!A0")
    response = client_for(professor).get(
        reverse("classrooms:transcript_csv", args=[session.public_id])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "student" in body
    assert "'=cmd" in body  # formulas are neutralised
