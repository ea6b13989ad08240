"""Class sessions from start to end on the embedded defaults (local meeting, local avatar)."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from avatars.models import AvatarSession
from classrooms import services
from classrooms.models import BreakoutRoom, ClassSession, RoomTranscriptLine
from config.errors import Conflict, InvalidInput
from config.lifecycle import InvalidTransition
from config.ratelimit import RateLimited
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_create_makes_one_room_per_student_with_unguessable_links(make_session: Any) -> None:
    session = make_session()
    rooms = list(session.rooms.order_by("position"))
    assert session.status == ClassSession.Status.STARTING
    assert len(rooms) == 3
    assert all(room.status == BreakoutRoom.Status.PENDING for room in rooms)
    assert len({room.join_token for room in rooms}) == 3
    assert all(len(room.join_token) >= 43 for room in rooms)  # 32 random bytes
    assert all(room.students.count() == 1 for room in rooms)
    assert session.events.last().to_status == "starting"


def test_small_groups_share_a_room(make_session: Any) -> None:
    session = make_session(group_size=2)
    counts = [room.students.count() for room in session.rooms.order_by("position")]
    assert counts == [2, 1]


def test_no_consent_no_clone(professor: Any, course: Any) -> None:
    professor.avatar_id = "my-clone"
    professor.likeness_consent_at = None
    professor.save()
    with pytest.raises(Conflict, match="consent"):
        services.class_session_create(
            professor=professor, course=course, student_ids=[course.students.first().pk]
        )
    assert not ClassSession.objects.exists()


def test_students_must_come_from_the_course(professor: Any, course: Any) -> None:
    other = factories.make_course(factories.make_professor(), students=1)
    with pytest.raises(InvalidInput):
        services.class_session_create(
            professor=professor, course=course, student_ids=[other.students.first().pk]
        )


def test_start_is_rate_limited(professor: Any, course: Any, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "class_session_start": "2/3600"}
    ids = [course.students.first().pk]
    services.class_session_create(professor=professor, course=course, student_ids=ids)
    services.class_session_create(professor=professor, course=course, student_ids=ids)
    with pytest.raises(RateLimited):
        services.class_session_create(professor=professor, course=course, student_ids=ids)


def test_transitions_table_refuses_going_back(make_session: Any) -> None:
    session = make_session()
    with pytest.raises(InvalidTransition):
        services.class_session_transition(session=session, to=ClassSession.Status.DRAFT)


async def test_launch_deploys_every_room_and_goes_live(make_session: Any) -> None:
    session = await sync_to_async(make_session)()
    await services.class_session_launch(session=session)
    await session.arefresh_from_db()
    assert session.status == ClassSession.Status.LIVE
    assert session.meeting_id.startswith("local-")
    rooms = [r async for r in session.rooms.select_related("avatar_session")]
    assert {r.status for r in rooms} == {BreakoutRoom.Status.ACTIVE}
    assert all(r.avatar_session.status == AvatarSession.Status.READY for r in rooms)
    assert all(r.avatar_session.subject == str(r.public_id) for r in rooms)


async def test_end_stops_avatars_completes_rooms_and_is_idempotent(make_session: Any) -> None:
    session = await sync_to_async(make_session)()
    await services.class_session_launch(session=session)
    summary = await services.class_session_end(session=session)
    await session.arefresh_from_db()
    assert session.status == ClassSession.Status.ENDED
    assert summary["rooms"] == 3
    assert summary["avatars_stopped"] == 3
    assert summary["failures"] == []
    assert "estimated_cost" in summary
    assert "avatar_minutes" in summary
    assert not await AvatarSession.objects.filter(status__in=AvatarSession.LIVE_STATUSES).aexists()
    assert not await session.rooms.exclude(status=BreakoutRoom.Status.COMPLETED).aexists()
    again = await services.class_session_end(session=session)
    assert again == summary
    assert await session.events.filter(to_status="ended").acount() == 1


async def test_tutor_replies_in_the_transcript_and_is_silent_with_professor(
    make_session: Any,
) -> None:
    session = await sync_to_async(make_session)(students=1)
    await services.class_session_launch(session=session)
    room = await BreakoutRoom.objects.select_related(
        "avatar_session", "session__course", "session__professor"
    ).aget(session=session)
    await sync_to_async(services.room_line_add)(
        room=room, speaker="student", text="What is a confidence interval?"
    )
    spoken = await services.room_tutor_reply(
        room=room, student_text="What is a confidence interval?"
    )
    assert spoken >= 1
    speakers = [
        s
        async for s in RoomTranscriptLine.objects.filter(room=room).values_list(
            "speaker", flat=True
        )
    ]
    assert speakers[0] == "student"
    assert "tutor" in speakers
    await sync_to_async(services.room_presence_set)(room=room, professor=True)
    before = await RoomTranscriptLine.objects.filter(room=room).acount()
    assert await services.room_tutor_reply(room=room, student_text="hello?") == 0
    assert await RoomTranscriptLine.objects.filter(room=room).acount() == before


async def test_reaper_ends_sessions_past_the_maximum_duration(
    make_session: Any, settings: Any
) -> None:
    session = await sync_to_async(make_session)()
    await services.class_session_launch(session=session)
    settings.CLASS_SESSION_MAX_DURATION = 0
    result = await services.class_sessions_reap()
    await session.arefresh_from_db()
    assert result["sessions_ended"] == 1
    assert session.status == ClassSession.Status.ENDED


async def test_resume_deploys_rooms_left_pending_and_finishes_ending(
    make_session: Any,
) -> None:
    starting = await sync_to_async(make_session)()  # a process died before deploying
    await services.class_sessions_resume()
    await starting.arefresh_from_db()
    assert starting.status == ClassSession.Status.LIVE
    assert not await starting.rooms.exclude(status=BreakoutRoom.Status.ACTIVE).aexists()

    await sync_to_async(services.class_session_transition)(
        session=starting, to=ClassSession.Status.ENDING
    )  # died while ending
    await services.class_sessions_resume()
    await starting.arefresh_from_db()
    assert starting.status == ClassSession.Status.ENDED
    assert not await AvatarSession.objects.filter(status__in=AvatarSession.LIVE_STATUSES).aexists()
