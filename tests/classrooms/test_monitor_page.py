"""The monitor as the professor first sees it: the live call opens in view, the ended session's
summary counts every avatar session and gives its cost a currency."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from avatars.models import AvatarSession
from classrooms import services
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_live_call_panel_opens_above_the_rooms(client_for: Any, professor: Any) -> None:
    course = factories.make_course(professor, students=2)
    session = services.class_session_create(
        professor=professor, course=course, student_ids=course.students.values_list("pk", flat=True)
    )
    html = client_for(professor).get(reverse("classrooms:monitor", args=[session.public_id]))
    page = html.content.decode()
    assert (
        page.index('id="call-panel"') < page.index('id="rooms"') < page.index('id="student-links"')
    )
    assert '<section class="rooms" id="rooms" aria-label="Breakout rooms">' in page


def test_the_ended_summary_counts_every_avatar_session_and_names_the_currency(
    client_for: Any, professor: Any, settings: Any
) -> None:
    settings.AVATAR_PRICE_CURRENCY = "EUR"
    course = factories.make_course(professor, students=3)
    session = services.class_session_create(
        professor=professor, course=course, student_ids=course.students.values_list("pk", flat=True)
    )
    rooms = list(session.rooms.all())
    for room in rooms:  # every room's avatar had already ended before the class did
        AvatarSession.objects.create(
            purpose="classroom", subject=str(room.public_id), provider="local", status="ended"
        )
    async_to_sync(services.class_session_end)(session=session)
    page = client_for(professor).get(reverse("classrooms:monitor", args=[session.public_id]))
    html = page.content.decode()
    assert "Avatars stopped" not in html
    assert "<dt>Avatar sessions</dt><dd>3 (0 stopped when the session ended" in html
    assert "EUR</dd>" in html
    assert "$" not in html.split('id="summary-list"')[1].split("</dl>")[0]


def test_after_the_class_a_rooms_avatar_reads_stopped_not_missing(professor: Any) -> None:
    from classrooms.selectors import session_snapshot

    course = factories.make_course(professor, students=2)
    session = services.class_session_create(
        professor=professor, course=course, student_ids=course.students.values_list("pk", flat=True)
    )
    first, second = session.rooms.order_by("position")
    first.avatar_session = AvatarSession.objects.create(
        purpose="classroom", subject=str(first.public_id), provider="local", status="ready"
    )
    first.save(update_fields=["avatar_session"])
    before = {c["name"]: c["avatar"]["label"] for c in session_snapshot(session=session)["rooms"]}
    assert before == {first.name: "Avatar connected", second.name: "Avatar not started yet"}
    async_to_sync(services.class_session_end)(session=session)
    session.refresh_from_db()
    after = {c["name"]: c["avatar"]["label"] for c in session_snapshot(session=session)["rooms"]}
    assert after == {first.name: "Avatar stopped", second.name: "No avatar was started"}


def test_the_snapshot_carries_every_rooms_last_lines_in_one_query(
    professor: Any, django_assert_num_queries: Any
) -> None:
    from classrooms.models import RoomTranscriptLine
    from classrooms.selectors import session_tails

    course = factories.make_course(professor, students=3)
    session = services.class_session_create(
        professor=professor, course=course, student_ids=course.students.values_list("pk", flat=True)
    )
    first, second, _third = session.rooms.order_by("position")
    for text in ("one", "two", "three"):
        services.room_line_add(
            room=first, speaker=RoomTranscriptLine.Speaker.STUDENT, text=text, source="typed"
        )
    services.room_line_add(
        room=second, speaker=RoomTranscriptLine.Speaker.TUTOR, text="hello", source="greeting"
    )
    with django_assert_num_queries(1):
        tails = session_tails(session=session)
    assert [line["text"] for line in tails[str(first.public_id)]] == ["two", "three"]
    assert [line["text"] for line in tails[str(second.public_id)]] == ["hello"]
    assert str(_third.public_id) not in tails
