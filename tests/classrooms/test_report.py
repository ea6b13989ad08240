"""The after-class report: presence, talk, help, misconceptions, sections, ungrounded questions."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from classrooms import services
from classrooms.models import (
    BreakoutRoom,
    ClassSession,
    MisconceptionHit,
    RoomPresenceSpan,
    RoomTranscriptLine,
)
from classrooms.selectors.report import session_report
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

CI = "A 95% interval has a 95% probability of containing the true mean"
STUDENT = RoomTranscriptLine.Speaker.STUDENT
TUTOR = RoomTranscriptLine.Speaker.TUTOR


def _line(room: BreakoutRoom, speaker: str, text: str, **fields: Any) -> RoomTranscriptLine:
    line = services.room_line_add(room=room, speaker=speaker, text=text, source="typed")
    if fields:
        RoomTranscriptLine.objects.filter(pk=line.pk).update(**fields)
    return line


def _class(professor: Any, rooms: int) -> ClassSession:
    """An ended class of `rooms` rooms, each with a conversation, presence, help and a hit."""
    course = factories.make_course(professor, students=rooms)
    session = services.class_session_create(
        professor=professor, course=course, student_ids=course.students.values_list("pk", flat=True)
    )
    start = timezone.now() - timedelta(minutes=30)
    for index, room in enumerate(session.rooms.order_by("position")):
        RoomPresenceSpan.objects.create(
            room=room, started_at=start, ended_at=start + timedelta(minutes=10)
        )
        asked = _line(room, STUDENT, "Is it the probability that the true mean is inside?")
        MisconceptionHit.objects.create(room=room, line=asked, key="ci-prob", misconception=CI)
        _line(
            room,
            TUTOR,
            "What would change if we drew another sample?",
            sources=["Confidence intervals"],
            grounded=True,
        )
        _line(room, STUDENT, f"Who won the match last night {index}?")
        _line(room, TUTOR, "Let's come back to the course.", sources=[], grounded=False)
        services.room_help_set(room=room, raised=True)
    async_to_sync(services.class_session_end)(session=session)
    session.refresh_from_db()
    return session


def test_presence_spans_open_and_close_once(make_session: Any) -> None:
    room = make_session().rooms.first()
    span_id = services.room_presence_span_open(room=room)
    assert RoomPresenceSpan.objects.get(pk=span_id).ended_at is None
    assert services.room_presence_span_close(span_id=span_id) is True
    ended = RoomPresenceSpan.objects.get(pk=span_id).ended_at
    assert ended is not None
    assert services.room_presence_span_close(span_id=span_id) is False
    assert RoomPresenceSpan.objects.get(pk=span_id).ended_at == ended


def test_help_requests_are_counted_once_per_raise(make_session: Any) -> None:
    room = make_session().rooms.first()
    services.room_help_set(room=room, raised=True)
    services.room_help_set(room=room, raised=True)  # pressed twice while waiting: one request
    services.room_help_set(room=room, raised=False)
    services.room_help_set(room=room, raised=True)
    room.refresh_from_db()
    assert room.help_requests == 2


def test_minutes_merge_overlapping_tabs_and_open_spans_run_to_the_end(make_session: Any) -> None:
    session = make_session(students=1)
    room = session.rooms.get()
    t0 = timezone.now() - timedelta(minutes=20)
    RoomPresenceSpan.objects.create(room=room, started_at=t0, ended_at=t0 + timedelta(minutes=6))
    # a second tab overlapping the first for two minutes
    RoomPresenceSpan.objects.create(
        room=room, started_at=t0 + timedelta(minutes=4), ended_at=t0 + timedelta(minutes=8)
    )
    # a span left open (the process died): counted until the session ended
    RoomPresenceSpan.objects.create(room=room, started_at=t0 + timedelta(minutes=10))
    ClassSession.objects.filter(pk=session.pk).update(
        status=ClassSession.Status.ENDED, ended_at=t0 + timedelta(minutes=15)
    )
    session.refresh_from_db()
    (figures,) = session_report(session=session).rooms
    assert figures.minutes == 13.0  # 8 + 5


def test_the_report_shows_each_students_figures_and_the_class_charts(
    client_for: Any, professor: Any
) -> None:
    session = _class(professor, rooms=2)
    response = client_for(professor).get(
        reverse("classrooms:session_report", args=[session.public_id])
    )
    assert response.status_code == 200
    html = response.content.decode()
    report = session_report(session=session)
    first = report.rooms[0]
    assert first.minutes == 10.0
    assert first.turns == 2
    assert first.help_requests == 1
    assert first.misconceptions == [CI]
    assert first.sections == ["Confidence intervals"]
    assert first.ungrounded == ["Who won the match last night 0?"]
    assert first.student_seconds > 0
    assert first.tutor_seconds > 0
    assert report.misconceptions[0].label == CI
    assert (report.misconceptions[0].count, report.misconceptions[0].rooms) == (2, 2)
    assert report.sections[0].label == "Confidence intervals"
    for student in session.rooms.values_list("students__name", flat=True):
        assert student in html
    assert CI in html
    assert "Who won the match last night 1?" in html
    assert html.count('role="img"') == 2  # both charts are server-rendered SVG
    assert html.count("Data table") == 2
    assert "Most common misconceptions" in html


def test_the_report_csv_has_one_row_per_student(client_for: Any, professor: Any) -> None:
    session = _class(professor, rooms=3)
    response = client_for(professor).get(
        reverse("classrooms:session_report_csv", args=[session.public_id])
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 3
    assert {r["misconceptions"] for r in rows} == {CI}
    assert {r["minutes_in_room"] for r in rows} == {"10.0"}
    assert {r["help_requests"] for r in rows} == {"1"}


def test_the_report_queries_do_not_grow_with_rooms(client_for: Any, professor: Any) -> None:
    counts = []
    for rooms in (2, 10):
        session = _class(professor, rooms=rooms)
        client = client_for(professor)
        url = reverse("classrooms:session_report", args=[session.public_id])
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count('<th scope="row">Student ') >= rooms
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("who", "status"), [("other_professor", 404), ("candidate", 404), ("staff", 200)]
)
def test_only_the_professor_and_staff_open_the_report(
    request: Any, client_for: Any, professor: Any, who: str, status: int
) -> None:
    session = _class(professor, rooms=1)
    for name in ("session_report", "session_report_csv"):
        url = reverse(f"classrooms:{name}", args=[session.public_id])
        response = client_for(request.getfixturevalue(who)).get(url)
        assert response.status_code == status
    anonymous = client_for(None).get(reverse("classrooms:session_report", args=[session.public_id]))
    assert anonymous.status_code == 302


def test_the_ended_monitor_and_the_course_page_link_to_the_report(
    client_for: Any, professor: Any
) -> None:
    session = _class(professor, rooms=1)
    report = reverse("classrooms:session_report", args=[session.public_id])
    client = client_for(professor)
    assert (
        report
        in client.get(reverse("classrooms:monitor", args=[session.public_id])).content.decode()
    )
    course = client.get(reverse("classrooms:course", args=[session.course.public_id]))
    assert report in course.content.decode()


async def test_the_room_socket_records_presence_spans(ws_connect: Any, make_session: Any) -> None:
    session = await sync_to_async(make_session)(students=1)
    await services.class_session_launch(session=session)
    room = await session.rooms.aget()
    student, connected, _ = await ws_connect(f"/ws/rooms/{room.join_token}/")
    assert connected
    await student.receive_json_from(timeout=5)
    span = await RoomPresenceSpan.objects.filter(room=room).aget()
    assert span.ended_at is None
    await student.disconnect()
    for _ in range(50):
        await span.arefresh_from_db()
        if span.ended_at is not None:
            break
        await asyncio.sleep(0.05)  # the close runs after the socket is gone
    assert span.ended_at is not None
    # The professor joining live is not the student's presence.
    owner = await sync_to_async(lambda: session.professor.user)()
    prof, connected, _ = await ws_connect(f"/ws/rooms/{room.join_token}/?role=professor", owner)
    assert connected
    await prof.disconnect()
    assert await RoomPresenceSpan.objects.filter(room=room).acount() == 1


async def test_help_raised_on_the_room_socket_is_counted_once_per_request(
    ws_connect: Any, make_session: Any
) -> None:
    session = await sync_to_async(make_session)(students=1)
    await services.class_session_launch(session=session)
    room = await session.rooms.aget()
    student, connected, _ = await ws_connect(f"/ws/rooms/{room.join_token}/")
    assert connected
    for raised in (True, True, False, True):
        await student.send_json_to({"type": "help.set", "raised": raised})
        for _ in range(30):
            message = await student.receive_json_from(timeout=5)
            if message["type"] == "help.state":
                break
    await student.disconnect()
    await room.arefresh_from_db()
    assert room.help_requests == 2
    report = await sync_to_async(session_report)(session=session)
    assert report.rooms[0].help_requests == 2


def test_an_absent_student_did_not_join_rather_than_zero_minutes(
    client_for: Any, professor: Any
) -> None:
    course = factories.make_course(professor, students=2)
    session = services.class_session_create(
        professor=professor, course=course, student_ids=course.students.values_list("pk", flat=True)
    )
    present, _absent = session.rooms.order_by("position")
    start = timezone.now() - timedelta(minutes=20)
    RoomPresenceSpan.objects.create(
        room=present, started_at=start, ended_at=start + timedelta(minutes=6)
    )
    async_to_sync(services.class_session_end)(session=session)
    client = client_for(professor)
    html = client.get(reverse("classrooms:session_report", args=[session.public_id])).content
    page = html.decode()
    assert page.count("Did not join") == 1
    assert "6.0" in page
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    reverse("classrooms:session_report_csv", args=[session.public_id])
                ).content.decode()
            )
        )
    )
    assert [(r["joined"], r["minutes_in_room"]) for r in rows] == [("yes", "6.0"), ("no", "")]
