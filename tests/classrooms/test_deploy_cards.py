"""The professor's monitor during a class start: every room's card arrives as it is claimed
(deploying) and again once its tutor is up (active), in that order, for every room."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from classrooms import services
from classrooms.models import ClassSession
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _session(professor: Any, rooms: int) -> ClassSession:
    course = factories.make_course(professor, students=rooms, title="Cards")
    return services.class_session_create(
        professor=professor,
        course=course,
        student_ids=list(course.students.values_list("pk", flat=True)),
    )


async def test_the_monitor_sees_each_room_deploying_then_active(
    fake_providers: Any, settings: Any, ws_connect: Any, professor: Any
) -> None:
    fake_providers.configure(settings, avatar="heygen")
    fake_providers.knobs(heygen_start={"latency": 0.2})
    session = await sync_to_async(_session)(professor, 6)
    monitor, connected, code = await ws_connect(
        f"/ws/classrooms/{session.public_id}/monitor/", professor
    )
    assert connected, code
    assert (await monitor.receive_json_from(timeout=5))["type"] == "snapshot"

    await services.class_session_launch(session=session)

    seen: dict[str, list[str]] = {}
    while not await monitor.receive_nothing(timeout=0.5):
        message = await monitor.receive_json_from(timeout=5)
        if message["type"] == "room.update":
            card = message["room"]
            seen.setdefault(card["id"], []).append(card["status"])
    await monitor.disconnect()
    assert len(seen) == 6
    for statuses in seen.values():
        assert statuses[0] == "deploying"
        assert statuses[-1] == "active"
        assert statuses.index("deploying") < statuses.index("active")
