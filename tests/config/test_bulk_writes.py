"""`update_rows`: each object's values land on its own row (JSON, foreign keys, plain text), in one
driver call, and nothing else changes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from avatars.models import AvatarSession
from classrooms import services
from classrooms.models import BreakoutRoom
from config.bulk_writes import update_rows
from tests import factories

pytestmark = pytest.mark.django_db


def _rooms(count: int) -> list[BreakoutRoom]:
    professor = factories.make_professor()
    course = factories.make_course(professor, students=count)
    session = services.class_session_create(
        professor=professor,
        course=course,
        student_ids=list(course.students.values_list("pk", flat=True)),
    )
    return list(session.rooms.order_by("position"))


def test_each_row_gets_its_own_values_in_one_statement() -> None:
    avatars = [
        AvatarSession.objects.create(provider="heygen", purpose=AvatarSession.Purpose.CLASSROOM)
        for _ in range(3)
    ]
    for number, avatar in enumerate(avatars):
        avatar.provider_session_id = f"vendor-{number}"
        avatar.connection = {"url": f"wss://example.test/{number}", "nested": {"n": number}}
    with CaptureQueriesContext(connection) as queries:
        assert update_rows(avatars, ["provider_session_id", "connection"]) == 3
    assert len(queries) == 1
    for number, avatar in enumerate(avatars):
        fresh = AvatarSession.objects.get(pk=avatar.pk)
        assert fresh.provider_session_id == f"vendor-{number}"
        assert fresh.connection == {"url": f"wss://example.test/{number}", "nested": {"n": number}}
        assert fresh.status == avatar.status  # untouched columns stay as they were


def test_foreign_keys_and_clearing_them() -> None:
    rooms = _rooms(3)
    avatar = AvatarSession.objects.create(provider="heygen")
    rooms[0].avatar_session = avatar
    rooms[1].avatar_session = None
    rooms[2].meeting_room_id = "zoom-room-3"
    update_rows(rooms[:2], ["avatar_session"])
    update_rows(rooms[2:], ["meeting_room_id"])
    fresh = {r.pk: r for r in BreakoutRoom.objects.filter(pk__in=[r.pk for r in rooms])}
    assert fresh[rooms[0].pk].avatar_session_id == avatar.pk
    assert fresh[rooms[1].pk].avatar_session_id is None
    assert fresh[rooms[2].pk].meeting_room_id == "zoom-room-3"
    assert fresh[rooms[2].pk].name == rooms[2].name


def test_nothing_to_write_sends_nothing() -> None:
    with CaptureQueriesContext(connection) as queries:
        assert update_rows([], ["provider_session_id"]) == 0
    assert len(queries) == 0


def test_fields_that_are_not_columns_are_refused() -> None:
    rooms = _rooms(1)
    with pytest.raises(ValueError, match="students"):
        update_rows(rooms, ["students"])
    with pytest.raises(ValueError, match="id"):
        update_rows(rooms, ["id"])


def test_insert_rows_writes_every_row_with_its_values() -> None:
    from django.utils import timezone

    from avatars.models import AvatarSessionEvent
    from config.bulk_writes import insert_rows

    avatar = AvatarSession.objects.create(provider="heygen")
    at = timezone.now()
    fields = ("session", "from_status", "to_status", "reason", "data", "created_at")
    rows = [(avatar.pk, "requested", "starting", f"wave {n}", {"n": n}, at) for n in range(3)]
    with CaptureQueriesContext(connection) as queries:
        assert insert_rows(AvatarSessionEvent, fields, rows) == 3
    assert len(queries) == 1
    saved = list(avatar.events.filter(reason__startswith="wave").order_by("id"))
    assert [(e.reason, e.data, e.to_status, e.created_at) for e in saved] == [
        (f"wave {n}", {"n": n}, "starting", at) for n in range(3)
    ]


def test_insert_rows_refuses_to_leave_a_column_out() -> None:
    from avatars.models import AvatarSessionEvent
    from config.bulk_writes import insert_rows

    with pytest.raises(ValueError, match="created_at"):
        insert_rows(AvatarSessionEvent, ("session", "from_status", "to_status"), [(1, "", "x")])


def test_insert_objects_saves_every_field_and_gives_back_the_pks() -> None:
    from config.bulk_writes import insert_objects

    rooms = _rooms(1)
    session = rooms[0].session
    made = [BreakoutRoom(session=session, position=10 + n, name=f"Extra {n}") for n in range(3)]
    with CaptureQueriesContext(connection) as queries:
        saved = insert_objects(made)
    assert len(queries) == 1
    assert [r.pk for r in saved] == [r.pk for r in made]
    assert all(r.pk is not None and not r._state.adding for r in saved)
    for room in saved:
        fresh = BreakoutRoom.objects.get(pk=room.pk)
        assert (fresh.name, fresh.position, fresh.session_id) == (
            room.name,
            room.position,
            session.pk,
        )
        assert fresh.join_token == room.join_token  # Python-side defaults are what was sent
        assert fresh.short_code == room.short_code
        assert fresh.status == BreakoutRoom.Status.PENDING
    assert len({r.join_token for r in saved}) == 3


def test_insert_objects_with_nothing_sends_nothing() -> None:
    from config.bulk_writes import insert_objects

    with CaptureQueriesContext(connection) as queries:
        assert insert_objects([]) == []
    assert len(queries) == 0
