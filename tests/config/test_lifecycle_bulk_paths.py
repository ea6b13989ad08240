"""The bulk paths move many rows through transition_many: the work per class does not grow
with its number of rooms (queries counted), and every moved row gets its event."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from avatars.models import AvatarSession, AvatarSessionEvent
from classrooms import services as classes
from classrooms.models import BreakoutRoom, BreakoutRoomEvent, ClassSession
from classrooms.services.ending import _rooms_complete
from classrooms.services.starting import _rooms_claim
from tests import factories

pytestmark = pytest.mark.django_db


def _session(professor: Any, rooms: int) -> ClassSession:
    course = factories.make_course(professor, students=rooms, title=f"Bulk {rooms}")
    return classes.class_session_create(
        professor=professor,
        course=course,
        student_ids=list(course.students.values_list("pk", flat=True)),
    )


def test_claiming_and_completing_rooms_cost_the_same_queries_for_2_or_9_rooms(
    professor: Any,
) -> None:
    small, big = _session(professor, 2), _session(professor, 9)
    counts: dict[str, list[int]] = {"claim": [], "complete": []}
    for session in (small, big):
        with CaptureQueriesContext(connection) as claim:
            claimed = _rooms_claim(session_id=session.pk)
        counts["claim"].append(len(claim))
        rooms = session.rooms.count()
        assert len(claimed) == rooms
        assert set(session.rooms.values_list("status", flat=True)) == {"deploying"}
        assert (
            BreakoutRoomEvent.objects.filter(room__session=session, to_status="deploying").count()
            == rooms
        )
        queued = AvatarSession.objects.filter(subject__in=[str(r.public_id) for r in claimed])
        assert queued.count() == rooms
        assert AvatarSessionEvent.objects.filter(session__in=queued).count() == rooms

        with CaptureQueriesContext(connection) as complete:
            _rooms_complete(session)
        counts["complete"].append(len(complete))
        assert set(session.rooms.values_list("status", flat=True)) == {"completed"}
        assert (
            BreakoutRoomEvent.objects.filter(room__session=session, to_status="completed").count()
            == rooms
        )
    assert counts["claim"][0] == counts["claim"][1]
    assert counts["complete"][0] == counts["complete"][1]


def test_completing_twice_moves_nothing_the_second_time(professor: Any) -> None:
    session = _session(professor, 3)
    _rooms_complete(session)
    _rooms_complete(session)
    assert BreakoutRoom.objects.filter(session=session, status="completed").count() == 3
    assert (
        BreakoutRoomEvent.objects.filter(room__session=session, to_status="completed").count() == 3
    )


def test_creating_a_session_costs_the_same_queries_for_2_or_9_rooms(professor: Any) -> None:
    counts = []
    for rooms in (2, 9):
        course = factories.make_course(professor, students=rooms, title=f"Create {rooms}")
        ids = list(course.students.values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as create:
            session = classes.class_session_create(
                professor=professor, course=course, student_ids=ids
            )
        counts.append(len(create))
        assert session.rooms.count() == rooms
        assert (
            BreakoutRoom.students.through.objects.filter(breakoutroom__session=session).count()
            == rooms
        )
    assert counts[0] == counts[1]


def test_rooms_whose_avatars_ended_starting_move_with_the_same_queries_for_2_or_9_rooms(
    professor: Any,
) -> None:
    from classrooms.services.starting import _rooms_deployed

    counts = []
    for rooms in (2, 9):
        claimed = _rooms_claim(session_id=_session(professor, rooms).pk)
        avatars = [AvatarSession.objects.get(pk=r.avatar_session_id) for r in claimed]
        half = len(avatars) // 2
        AvatarSession.objects.filter(pk__in=[a.pk for a in avatars[:half]]).update(
            status=AvatarSession.Status.FAILED, error="The vendor refused."
        )
        AvatarSession.objects.filter(pk__in=[a.pk for a in avatars[half:]]).update(
            status=AvatarSession.Status.READY
        )
        for avatar in avatars:
            avatar.refresh_from_db()
        with CaptureQueriesContext(connection) as moved:
            to_stop = _rooms_deployed(list(zip(claimed, avatars, strict=True)), lambda rooms: None)
        counts.append(len(moved))
        assert to_stop == []
        statuses = dict(
            BreakoutRoom.objects.filter(pk__in=[r.pk for r in claimed]).values_list("pk", "error")
        )
        assert [statuses[r.pk] for r in claimed[:half]] == ["The vendor refused."] * half
        assert list(
            BreakoutRoom.objects.filter(pk__in=[r.pk for r in claimed[half:]]).values_list(
                "status", flat=True
            )
        ) == ["active"] * (rooms - half)
    assert counts[0] == counts[1]
