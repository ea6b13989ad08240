"""Thirty rooms deployed in parallel against the fake HeyGen, three of which fail."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from avatars.models import AvatarSession
from classrooms import services
from classrooms.models import BreakoutRoom, ClassSession
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _thirty(professor: Any) -> ClassSession:
    course = factories.make_course(professor, students=30, title="Big lecture")
    return services.class_session_create(
        professor=professor,
        course=course,
        student_ids=list(course.students.values_list("pk", flat=True)),
    )


async def test_thirty_rooms_three_fail_and_restart_fixes_one(
    fake_providers: Any, settings: Any, professor: Any
) -> None:
    fake_providers.configure(settings, avatar="heygen")
    fake_providers.knobs(heygen_new={"fail": "avatar_not_found", "fail_times": 3})
    session = await sync_to_async(_thirty)(professor)

    counts = await services.class_session_deploy(session=session)

    await session.arefresh_from_db()
    assert session.status == ClassSession.Status.LIVE  # partial failure keeps the session live
    assert counts == {"active": 27, "error": 3}
    errored = [
        r async for r in session.rooms.filter(status="error").select_related("avatar_session")
    ]
    assert all("refused" in r.error for r in errored)
    assert all(r.avatar_session.status == AvatarSession.Status.FAILED for r in errored)
    open_vendor = fake_providers.state()["open_sessions"]["heygen"]
    assert open_vendor == 27  # nothing left open for a failed room

    room = errored[0]
    await services.breakout_room_restart(room=room)
    await room.arefresh_from_db()
    assert room.status == BreakoutRoom.Status.ACTIVE
    assert room.error == ""
    assert await session.rooms.filter(status="active").acount() == 28

    summary = await services.class_session_end(session=session)
    assert summary["avatars_stopped"] == 28
    assert fake_providers.state()["open_sessions"]["heygen"] == 0
