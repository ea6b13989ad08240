"""The class's meeting (Zoom or local) at launch: one process claims its creation, the rooms and
host it is made for, and what is stored once the provider answers."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from avatars.providers.base import ProviderError
from classrooms.meetings.base import RoomSpec
from classrooms.models import BreakoutRoom, ClassSession
from classrooms.services.lifecycle import class_session_transition
from classrooms.services.meeting_bots import meeting_bots_create
from config.lifecycle import InvalidTransition

MEETING_CREATING = "creating"


def meeting_claim(session: ClassSession) -> bool:
    """Only one process creates the meeting: claim it with a conditional update (a claim left
    by a dead process is taken over once it is stale)."""
    stale = timezone.now() - timedelta(seconds=settings.CLASS_DEPLOY_STALE_SECONDS)
    claimed = ClassSession.objects.filter(pk=session.pk, meeting_id="").update(
        meeting_id=MEETING_CREATING
    ) or ClassSession.objects.filter(
        pk=session.pk, meeting_id=MEETING_CREATING, started_at__lt=stale
    ).update(meeting_id=MEETING_CREATING, started_at=timezone.now())
    return bool(claimed)


def meeting_failed(session: ClassSession, exc: ProviderError) -> None:
    ClassSession.objects.filter(pk=session.pk, meeting_id=MEETING_CREATING).update(meeting_id="")
    with contextlib.suppress(InvalidTransition):
        class_session_transition(
            session=session,
            to=ClassSession.Status.FAILED,
            reason=exc.message,
            fields={"error": f"Could not create the meeting: {exc.user_message}"},
        )


def meeting_stored(session: ClassSession, info: Any) -> None:
    """The meeting and its breakout room ids, in one transaction (the rooms' ids in one bulk
    update); on Zoom, a tutor bot requested for every room (`run_meeting_bots` launches them)."""
    with transaction.atomic():
        ClassSession.objects.filter(pk=session.pk).update(
            meeting_id=info.meeting_id,
            meeting_uuid=info.uuid,
            join_url=info.join_url,
            start_url=info.start_url,
        )
        rooms = list(session.rooms.order_by("position"))
        named = []
        for room, meeting_room in zip(rooms, info.rooms, strict=False):
            if meeting_room.room_id:
                room.meeting_room_id = meeting_room.room_id
                named.append(room)
        BreakoutRoom.objects.bulk_update(named, ["meeting_room_id"])
        meeting_bots_create(session=session)


def room_specs(session: ClassSession) -> list[RoomSpec]:
    """The meeting's breakout rooms in room order, with their students' addresses (two
    value queries: no model instances for what is only names and addresses)."""
    emails: dict[int, list[str]] = {}
    through = BreakoutRoom.students.through
    for room_id, email in (
        through.objects.filter(breakoutroom__session=session)
        .order_by("rosterstudent__name", "pk")
        .values_list("breakoutroom_id", "rosterstudent__email")
    ):
        if email:
            emails.setdefault(room_id, []).append(email)
    return [
        RoomSpec(name=name, emails=tuple(emails.get(pk, ())))
        for pk, name in session.rooms.order_by("position").values_list("pk", "name")
    ]


def meeting_host(session: ClassSession) -> str:
    if settings.ZOOM_HOST_USER:
        return str(settings.ZOOM_HOST_USER)
    email = (
        ClassSession.objects.filter(pk=session.pk)
        .values_list("professor__user__email", flat=True)
        .first()
    )
    return email or "me"


@dataclass(frozen=True)
class MeetingToCreate:
    specs: list[RoomSpec]
    host: str
