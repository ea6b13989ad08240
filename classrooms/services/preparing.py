"""Preparing a class session (writes): the session, its rooms and memberships, the students'
invitations, in one transaction; then "Start" (at once, or later for a prepared session).
Deploying the tutors is `classrooms.services.starting.class_session_launch`."""

from __future__ import annotations

import math
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from avatars.providers.registry import get_transcriber
from classrooms.models import (
    BreakoutRoom,
    ClassSession,
    Course,
    ProfessorProfile,
    RosterStudent,
)
from classrooms.services.invitations import room_invitations_create
from classrooms.services.lifecycle import class_session_transition
from config.errors import Conflict, Forbidden, InvalidInput
from config.lifecycle import InvalidTransition, record_created
from config.ratelimit import rate_limit_hit

ZOOM_NEEDS_TRANSCRIBER = (
    "A class on Zoom needs speech recognition on the server (the tutor bots hear the students "
    "through it), and this site has none set up. Use in-app rooms, or ask the site's "
    "administrator to configure a transcriber (TRANSCRIBER=deepgram)."
)


def _zoom_check(provider: str) -> None:
    """Refused when started, not mid-class: a bot without a live transcriber hears nothing."""
    if provider == ClassSession.MeetingProvider.ZOOM and not get_transcriber().supports_live_audio:
        raise InvalidInput(ZOOM_NEEDS_TRANSCRIBER, code="zoom_needs_transcriber")


def _groups(students: list[RosterStudent], size: int) -> list[list[RosterStudent]]:
    size = max(1, size)
    count = math.ceil(len(students) / size)
    return [students[i * size : (i + 1) * size] for i in range(count)]


def class_session_create(
    *,
    professor: ProfessorProfile,
    course: Course,
    student_ids: Iterable[int],
    group_size: int = 1,
    meeting_provider: str | None = None,
    title: str = "",
) -> ClassSession:
    """Create the session and its rooms (one per student or per small group), queue each
    student's invitation, then mark it starting. Deployment happens in `class_session_launch`
    (async)."""
    return _class_session_with_rooms(
        professor=professor,
        course=course,
        student_ids=student_ids,
        group_size=group_size,
        meeting_provider=meeting_provider,
        title=title,
        to=ClassSession.Status.STARTING,
    )


def class_session_prepare(
    *,
    professor: ProfessorProfile,
    course: Course,
    student_ids: Iterable[int],
    group_size: int = 1,
    meeting_provider: str | None = None,
    title: str = "",
) -> ClassSession:
    """Create the session, its rooms and links ahead of class (invitations are queued) without
    starting any tutor: no vendor minutes until `class_session_start`."""
    return _class_session_with_rooms(
        professor=professor,
        course=course,
        student_ids=student_ids,
        group_size=group_size,
        meeting_provider=meeting_provider,
        title=title,
        to=ClassSession.Status.PREPARED,
    )


def class_session_start(*, session: ClassSession, professor: ProfessorProfile) -> ClassSession:
    """A prepared session's "Start": prepared -> starting; `class_session_launch` deploys."""
    if session.professor_id != professor.pk:
        raise Forbidden("You can only start your own sessions.")
    if professor.has_clone and not professor.has_consent:
        raise Conflict("Your avatar clone needs your recorded consent before tutors can use it.")
    _zoom_check(session.meeting_provider)
    try:
        moved = class_session_transition(
            session=session,
            to=ClassSession.Status.STARTING,
            reason="started by the professor",
            fields={"started_at": timezone.now()},
        )
    except InvalidTransition:
        moved = False
    if not moved:  # a second click, another tab, or an ended session
        raise Conflict("This session has already started or ended.")
    return session


def _class_session_with_rooms(
    *,
    professor: ProfessorProfile,
    course: Course,
    student_ids: Iterable[int],
    group_size: int,
    meeting_provider: str | None,
    title: str,
    to: str,
) -> ClassSession:
    if course.professor_id != professor.pk:
        raise Forbidden("You can only start sessions for your own courses.")
    if professor.has_clone and not professor.has_consent:
        raise Conflict("Your avatar clone needs your recorded consent before tutors can use it.")
    provider = meeting_provider or settings.MEETING_PROVIDER
    if provider not in ClassSession.MeetingProvider.values:
        raise InvalidInput("Choose a meeting provider from the list.")
    _zoom_check(provider)
    ids = list(dict.fromkeys(int(i) for i in student_ids))
    students = list(RosterStudent.objects.filter(course=course, pk__in=ids).order_by("name"))
    if not students or len(students) != len(ids):
        raise InvalidInput("Pick at least one student from this course's roster.")
    groups = _groups(students, group_size)
    if len(groups) > settings.CLASS_MAX_ROOMS:
        raise InvalidInput(f"A session can have at most {settings.CLASS_MAX_ROOMS} rooms.")
    rate_limit_hit(user_id=professor.user_id, action="class_session_start")
    now = timezone.now()
    with transaction.atomic():
        session = ClassSession.objects.create(
            course=course,
            professor=professor,
            title=title or f"{course.title}: {now:%d %b %H:%M}",
            meeting_provider=provider,
        )
        record_created([session])
        rooms = BreakoutRoom.objects.bulk_create(
            [
                BreakoutRoom(
                    session=session,
                    position=position,
                    name=f"Room {position + 1}: {' & '.join(s.name.split()[0] for s in group)}",
                )
                for position, group in enumerate(groups)
            ]
        )
        membership = BreakoutRoom.students.through
        membership.objects.bulk_create(
            [
                membership(breakoutroom_id=room.pk, rosterstudent_id=student.pk)
                for room, group in zip(rooms, groups, strict=True)
                for student in group
            ]
        )
        record_created(rooms)
        room_invitations_create(
            pairs=[
                (room, student)
                for room, group in zip(rooms, groups, strict=True)
                for student in group
            ]
        )
        fields = {"started_at": now} if to == ClassSession.Status.STARTING else {}
        class_session_transition(session=session, to=to, fields=fields)
    return session
