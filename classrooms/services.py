"""Classroom services (writes): courses and material, class sessions, rooms, tutors.

Sync functions write rows (call them from async code through `sync_to_async`); async functions
orchestrate providers (meetings, avatars, tutors). The wanted state is always in the database
first, so a crashed process can be resumed by `class_sessions_resume()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import math
import secrets
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils import timezone

from avatars.models import AvatarSession
from avatars.providers.base import AvatarStartOptions, ProviderError
from avatars.providers.registry import get_avatar_provider
from avatars.services import (
    avatar_session_record_speech,
    avatar_session_speak,
    avatar_session_stop,
    avatar_sessions_create_queued,
    avatar_sessions_start_many,
)
from classrooms.meetings import get_meeting_provider
from classrooms.meetings.base import RoomSpec
from classrooms.models import (
    BreakoutRoom,
    BreakoutRoomEvent,
    ClassSession,
    ClassSessionEvent,
    Course,
    CourseMaterial,
    MaterialChunk,
    ProfessorProfile,
    RoomTranscriptLine,
    RosterStudent,
)
from classrooms.retrieval import chunk_text
from classrooms.selectors import (
    line_payload,
    room_card,
    room_with_relations,
    session_card,
    session_rooms,
    tutor_context,
)
from classrooms.tutor import get_tutor_engine
from config.lifecycle import InvalidTransition, transition
from config.ratelimit import rate_limit_hit
from config.realtime import broadcast_on_commit

logger = logging.getLogger(__name__)

WORDS_PER_SECOND = 2.5  # talk-time estimate from words (about 150 words a minute)
MAX_LINE_CHARS = 2000
MATERIAL_TYPES = {".txt": "text/plain", ".md": "text/markdown", ".markdown": "text/markdown"}


# --- Professors and courses --------------------------------------------------------------------


@transaction.atomic
def professor_create(
    *,
    username: str,
    email: str,
    password: str,
    display_name: str,
    teaching_style: str = "",
    consent: bool = False,
) -> ProfessorProfile:
    """Create (or update) a professor account with its profile. Idempotent on username."""
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    profile, _ = ProfessorProfile.objects.update_or_create(
        user=user,
        defaults={"display_name": display_name, "teaching_style": teaching_style},
    )
    if consent and not profile.likeness_consent_at:
        profile.likeness_consent_at = timezone.now()
        profile.save(update_fields=["likeness_consent_at"])
    return profile


def professor_consent_set(*, professor: ProfessorProfile, consent: bool) -> ProfessorProfile:
    """Record (or withdraw) consent to use the professor's likeness and voice for a clone."""
    professor.likeness_consent_at = timezone.now() if consent else None
    professor.save(update_fields=["likeness_consent_at"])
    return professor


@transaction.atomic
def course_create(*, professor: ProfessorProfile, title: str, description: str = "") -> Course:
    course, _ = Course.objects.get_or_create(
        professor=professor, title=title, defaults={"description": description}
    )
    return course


def roster_student_add(
    *, course: Course, name: str, email: str = "", background: str = ""
) -> RosterStudent:
    student, _ = RosterStudent.objects.update_or_create(
        course=course, name=name, defaults={"email": email, "background": background}
    )
    return student


def material_validate(*, filename: str, raw: bytes) -> tuple[str, str]:
    """Return (content_type, text) or raise ValidationError with a sentence for the user."""
    lower = filename.lower()
    ext = next((e for e in MATERIAL_TYPES if lower.endswith(e)), "")
    if not ext:
        raise ValidationError("Upload a text (.txt) or Markdown (.md) file.")
    if len(raw) > settings.CLASS_MATERIAL_MAX_BYTES:
        raise ValidationError(
            f"The file is too large (limit {settings.CLASS_MATERIAL_MAX_BYTES // 1000} kB)."
        )
    if b"\x00" in raw[:4096]:
        raise ValidationError("That file is not plain text.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError("The file must be UTF-8 text.") from exc
    if not text.strip():
        raise ValidationError("The file is empty.")
    return MATERIAL_TYPES[ext], text


@transaction.atomic
def course_material_add(
    *, course: Course, filename: str, raw: bytes, title: str = ""
) -> CourseMaterial:
    content_type, text = material_validate(filename=filename, raw=raw)
    material = CourseMaterial(
        course=course,
        title=(title or filename.rsplit("/", 1)[-1])[:200],
        content_type=content_type,
        size=len(raw),
        text=text,
    )
    safe_name = f"{secrets.token_hex(8)}{'.md' if content_type == 'text/markdown' else '.txt'}"
    material.file.save(safe_name, ContentFile(raw), save=False)
    material.save()
    MaterialChunk.objects.bulk_create(
        MaterialChunk(material=material, course=course, position=i, heading=h, text=t)
        for i, (h, t) in enumerate(chunk_text(text))
    )
    return material


@transaction.atomic
def course_material_delete(*, material: CourseMaterial) -> None:
    if material.file:
        material.file.delete(save=False)
    material.delete()


# --- Transitions and broadcasting ----------------------------------------------------------


def class_session_transition(
    *, session: ClassSession, to: str, reason: str = "", fields: dict | None = None
) -> bool:
    moved = transition(
        session,
        to,
        reason=reason,
        fields=fields,
    )
    if moved:
        _publish_session(session)
    return moved


def breakout_room_transition(
    *, room: BreakoutRoom, to: str, reason: str = "", fields: dict | None = None
) -> bool:
    moved = transition(
        room,
        to,
        reason=reason,
        fields=fields,
    )
    if moved:
        publish_room(room_id=room.pk)
    return moved


def publish_room(*, room_id: int) -> None:
    """Send the room's fresh card to the monitor group and its own room group."""
    room = room_with_relations(pk=room_id)
    card = room_card(room)
    broadcast_on_commit(room.session.group, {"type": "room.update", "room": card})
    broadcast_on_commit(room.group, {"type": "room.update", "room": card})


def _publish_session(session: ClassSession) -> None:
    session.refresh_from_db()
    broadcast_on_commit(session.group, {"type": "session.update", "session": session_card(session)})


async def _room_send(room: BreakoutRoom, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(room.group, message)


# --- Starting a session ------------------------------------------------------------------------


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
    """Create the session and its rooms (one per student or per small group), then mark it
    starting. Deployment happens in `class_session_launch` (async)."""
    if course.professor_id != professor.pk:
        raise ValidationError("You can only start sessions for your own courses.")
    if professor.has_clone and not professor.has_consent:
        raise ValidationError(
            "Your avatar clone needs your recorded consent before tutors can use it."
        )
    provider = meeting_provider or settings.MEETING_PROVIDER
    if provider not in ClassSession.MeetingProvider.values:
        raise ValidationError(f"Unknown meeting provider {provider!r}.")
    ids = list(dict.fromkeys(int(i) for i in student_ids))
    students = list(RosterStudent.objects.filter(course=course, pk__in=ids).order_by("name"))
    if not students or len(students) != len(ids):
        raise ValidationError("Pick at least one student from this course's roster.")
    groups = _groups(students, group_size)
    if len(groups) > settings.CLASS_MAX_ROOMS:
        raise ValidationError(f"A session can have at most {settings.CLASS_MAX_ROOMS} rooms.")
    rate_limit_hit(user_id=professor.user_id, action="class_session_start")
    now = timezone.now()
    with transaction.atomic():
        session = ClassSession.objects.create(
            course=course,
            professor=professor,
            title=title or f"{course.title}: {now:%d %b %H:%M}",
            meeting_provider=provider,
        )
        ClassSessionEvent.objects.create(session=session, to_status=session.status)
        # Bulk: a 100-room session is created with a handful of queries, not ~400.
        rooms = BreakoutRoom.objects.bulk_create(
            BreakoutRoom(
                session=session,
                position=position,
                name=f"Room {position + 1}: {' & '.join(s.name.split()[0] for s in group)}",
            )
            for position, group in enumerate(groups)
        )
        if any(room.pk is None for room in rooms):  # a backend without RETURNING
            rooms = list(session.rooms.order_by("position"))
        through = BreakoutRoom.students.through
        through.objects.bulk_create(
            through(breakoutroom_id=room.pk, rosterstudent_id=student.pk)
            for room, group in zip(rooms, groups, strict=True)
            for student in group
        )
        BreakoutRoomEvent.objects.bulk_create(
            BreakoutRoomEvent(room=room, to_status=room.status, created_at=now) for room in rooms
        )
        class_session_transition(
            session=session, to=ClassSession.Status.STARTING, fields={"started_at": now}
        )
    return session


MEETING_CREATING = "creating"


def _meeting_claim(session: ClassSession) -> bool:
    """Only one process creates the meeting: claim it with a conditional update (a claim left
    by a dead process is taken over once it is stale)."""
    stale = timezone.now() - timedelta(seconds=settings.CLASS_DEPLOY_STALE_SECONDS)
    claimed = ClassSession.objects.filter(pk=session.pk, meeting_id="").update(
        meeting_id=MEETING_CREATING
    ) or ClassSession.objects.filter(
        pk=session.pk, meeting_id=MEETING_CREATING, started_at__lt=stale
    ).update(meeting_id=MEETING_CREATING, started_at=timezone.now())
    return bool(claimed)


def _meeting_failed(session: ClassSession, exc: ProviderError) -> None:
    ClassSession.objects.filter(pk=session.pk, meeting_id=MEETING_CREATING).update(meeting_id="")
    with contextlib.suppress(InvalidTransition):
        class_session_transition(
            session=session,
            to=ClassSession.Status.FAILED,
            reason=exc.message,
            fields={"error": f"Could not create the meeting: {exc.user_message}"},
        )


def _meeting_stored(session: ClassSession, info: Any) -> None:
    ClassSession.objects.filter(pk=session.pk).update(
        meeting_id=info.meeting_id,
        meeting_uuid=info.uuid,
        join_url=info.join_url,
        start_url=info.start_url,
    )
    rooms = list(session.rooms.order_by("position"))
    for room, meeting_room in zip(rooms, info.rooms, strict=False):
        if meeting_room.room_id:
            BreakoutRoom.objects.filter(pk=room.pk).update(meeting_room_id=meeting_room.room_id)


def _room_specs(session: ClassSession) -> list[RoomSpec]:
    return [
        RoomSpec(name=room.name, emails=tuple(s.email for s in room.students.all() if s.email))
        for room in session.rooms.prefetch_related("students").order_by("position")
    ]


def _meeting_host(session: ClassSession) -> str:
    return settings.ZOOM_HOST_USER or session.professor.user.email or "me"


_TASKS: dict[str, asyncio.Task] = {}


def spawn(key: str, coro: Any) -> asyncio.Task | None:
    """Run `coro` in the background on this process's loop, once per key. Work is always
    resumable from the database, so losing a task with the process loses nothing."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        coro.close()
        return None
    existing = _TASKS.get(key)
    if existing is not None and not existing.done() and existing.get_loop() is loop:
        coro.close()
        return existing
    # A clean context: the caller may be an async view run by asgiref inside a sync
    # middleware thread, whose thread-sensitive executor dies with the request.
    task = loop.create_task(coro, context=contextvars.Context())
    _TASKS[key] = task
    task.add_done_callback(lambda t: _TASKS.pop(key, None) if _TASKS.get(key) is t else None)
    return task


async def class_session_launch(*, session: ClassSession) -> ClassSession:
    """Create the meeting (when not done yet), deploy a tutor into every room in parallel, and
    put the session live. Partial failures leave the session live with red rooms."""
    await session.arefresh_from_db()
    if session.status != ClassSession.Status.STARTING:
        return session
    if await sync_to_async(_meeting_claim)(session):
        provider = get_meeting_provider(session.meeting_provider)
        specs = await sync_to_async(_room_specs)(session)
        host = await sync_to_async(_meeting_host)(session)
        try:
            info = await provider.create_meeting(
                topic=session.title,
                host=host,
                rooms=specs,
                duration_minutes=max(30, settings.CLASS_SESSION_MAX_DURATION // 60),
            )
        except ProviderError as exc:
            await sync_to_async(_meeting_failed)(session, exc)
            return session
        await sync_to_async(_meeting_stored)(session, info)
    await class_session_deploy(session=session)
    return session


async def class_session_deploy(*, session: ClassSession) -> dict[str, int]:
    """Deploy every pending room at once; the avatars app bounds vendor concurrency."""
    await _rooms_deploy(session_id=session.pk)
    await sync_to_async(_session_go_live)(session)
    counts = await sync_to_async(_room_status_counts)(session)
    return counts


def _room_ids(session: ClassSession, statuses: list[str]) -> list[int]:
    return list(
        BreakoutRoom.objects.filter(session=session, status__in=statuses)
        .order_by("position")
        .values_list("pk", flat=True)
    )


def _room_status_counts(session: ClassSession) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in BreakoutRoom.objects.filter(session=session).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def _session_go_live(session: ClassSession) -> None:
    session.refresh_from_db(fields=["status"])
    if session.status == ClassSession.Status.STARTING:
        with contextlib.suppress(InvalidTransition):
            class_session_transition(
                session=session, to=ClassSession.Status.LIVE, fields={"live_at": timezone.now()}
            )


def _broadcast_many_on_commit(messages: list[tuple[str, dict[str, Any]]]) -> None:
    """Send many group messages, in order, with one hop to the event loop after commit."""

    async def send_all() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        for group, message in messages:
            await layer.group_send(group, message)

    if messages:
        transaction.on_commit(lambda: async_to_sync(send_all)())


def _card_messages(rooms: list[BreakoutRoom]) -> list[tuple[str, dict[str, Any]]]:
    """room.update for the monitor group and each room's group, from rows in hand (students
    prefetched, avatar attached): no query."""
    now = timezone.now()
    messages: list[tuple[str, dict[str, Any]]] = []
    for room in rooms:
        card = room_card(room, now=now)
        messages.append((room.session.group, {"type": "room.update", "room": card}))
        messages.append((room.group, {"type": "room.update", "room": card}))
    return messages


def _avatar_options(professor: ProfessorProfile) -> AvatarStartOptions:
    use_clone = professor.has_clone and professor.has_consent
    return AvatarStartOptions(
        avatar_id=professor.avatar_id if use_clone else "",
        voice_id=professor.voice_id if use_clone else "",
    )


def _rooms_claim(
    *, session_id: int | None = None, room_ids: list[int] | None = None
) -> list[BreakoutRoom]:
    """Claim pending rooms (of a session, or the given ones) of open sessions in one
    transaction: pending -> deploying (one conditional UPDATE + bulk events), one avatar
    session per room created straight into the start queue (bulk), and one room card per
    room published on commit from the rows in hand. A room claimed by someone else meanwhile
    is skipped (row locks on PostgreSQL; SQLite write transactions are serialised)."""
    qs = BreakoutRoom.objects.filter(
        status=BreakoutRoom.Status.PENDING, session__status__in=ClassSession.OPEN_STATUSES
    )
    if session_id is not None:
        qs = qs.filter(session_id=session_id)
    if room_ids is not None:
        qs = qs.filter(pk__in=room_ids)
    now = timezone.now()
    with transaction.atomic():
        rooms = list(
            qs.select_for_update(of=("self",))
            .select_related("session__professor")
            .order_by("session_id", "position")
        )
        if not rooms:
            return []
        ids = [r.pk for r in rooms]
        progress = "Starting the avatar"
        BreakoutRoom.objects.filter(pk__in=ids, status=BreakoutRoom.Status.PENDING).update(
            status=BreakoutRoom.Status.DEPLOYING,
            deploy_claimed_at=now,
            progress=progress,
            error="",
        )
        BreakoutRoomEvent.objects.bulk_create(
            BreakoutRoomEvent(
                room=r,
                from_status=BreakoutRoom.Status.PENDING,
                to_status=BreakoutRoom.Status.DEPLOYING,
                created_at=now,
            )
            for r in rooms
        )
        avatars = avatar_sessions_create_queued(
            purpose=AvatarSession.Purpose.CLASSROOM,
            items=[(str(r.public_id), _avatar_options(r.session.professor)) for r in rooms],
        )
        for room, avatar in zip(rooms, avatars, strict=True):
            room.status = BreakoutRoom.Status.DEPLOYING
            room.deploy_claimed_at = now
            room.progress = progress
            room.error = ""
            room.avatar_session = avatar
        BreakoutRoom.objects.bulk_update(rooms, ["avatar_session"])
        prefetch_related_objects(
            rooms, Prefetch("students", queryset=RosterStudent.objects.only("id", "name"))
        )
        _broadcast_many_on_commit(_card_messages(rooms))
    return rooms


def _rooms_deployed(done: list[tuple[BreakoutRoom, AvatarSession]]) -> list[AvatarSession]:
    """Rooms whose avatar start ended: deploying -> active (one UPDATE, bulk events, cards from
    the rows in hand) or -> error. Returns the avatars to stop (their room was closed or
    restarted meanwhile)."""
    ready = [(r, a) for r, a in done if a.status == AvatarSession.Status.READY]
    failed = [(r, a) for r, a in done if a.status != AvatarSession.Status.READY]
    to_stop: list[AvatarSession] = []
    if ready:
        with transaction.atomic():
            current = dict(
                BreakoutRoom.objects.select_for_update()
                .filter(pk__in=[r.pk for r, _ in ready])
                .values_list("pk", "status")
            )
            movable = [
                (r, a)
                for r, a in ready
                if current.get(r.pk) in BreakoutRoom.TRANSITIONS[BreakoutRoom.Status.ACTIVE]
            ]
            to_stop = [
                a
                for r, a in ready
                if current.get(r.pk) not in BreakoutRoom.TRANSITIONS[BreakoutRoom.Status.ACTIVE]
                and current.get(r.pk) != BreakoutRoom.Status.ACTIVE
            ]
            if movable:
                now = timezone.now()
                BreakoutRoom.objects.filter(
                    pk__in=[r.pk for r, _ in movable], status=BreakoutRoom.Status.DEPLOYING
                ).update(status=BreakoutRoom.Status.ACTIVE, progress="", error="")
                BreakoutRoomEvent.objects.bulk_create(
                    BreakoutRoomEvent(
                        room=r,
                        from_status=current[r.pk],
                        to_status=BreakoutRoom.Status.ACTIVE,
                        created_at=now,
                    )
                    for r, _ in movable
                )
                for room, avatar in movable:
                    room.status = BreakoutRoom.Status.ACTIVE
                    room.progress = room.error = ""
                    room.avatar_session = avatar
                _broadcast_many_on_commit(_card_messages([r for r, _ in movable]))
    for room, avatar in failed:
        if not _room_deployed(room, avatar) and avatar.is_live:
            to_stop.append(avatar)
    return to_stop


def _room_deployed(room: BreakoutRoom, avatar: AvatarSession) -> bool:
    """deploying -> active (or error). False when the room was ended meanwhile."""
    try:
        if avatar.status == AvatarSession.Status.READY:
            breakout_room_transition(
                room=room, to=BreakoutRoom.Status.ACTIVE, fields={"progress": "", "error": ""}
            )
        else:
            breakout_room_transition(
                room=room,
                to=BreakoutRoom.Status.ERROR,
                reason=avatar.error,
                fields={"progress": "", "error": avatar.error or "The avatar did not start."},
            )
    except InvalidTransition:
        return False
    return True


def _room_failed(room: BreakoutRoom, message: str) -> None:
    with contextlib.suppress(InvalidTransition):
        breakout_room_transition(
            room=room,
            to=BreakoutRoom.Status.ERROR,
            reason=message,
            fields={"progress": "", "error": message},
        )


def _rooms_failed(rooms: list[BreakoutRoom], message: str) -> None:
    for room in rooms:
        _room_failed(room, message)


async def _rooms_deploy(*, session_id: int | None = None, room_ids: list[int] | None = None) -> int:
    """Claim the pending rooms in one transaction, start all their avatars as one batch
    (waves of up to the vendor cap), and mark rooms active in batches as their avatars become
    ready. Never raises: failures land on the rooms as visible errors. Returns rooms claimed."""
    rooms = await sync_to_async(_rooms_claim)(session_id=session_id, room_ids=room_ids)
    if not rooms:
        return 0
    by_avatar = {room.avatar_session.pk: room for room in rooms}
    finished: asyncio.Queue[AvatarSession] = asyncio.Queue()
    pending = set(by_avatar)
    starter = asyncio.create_task(
        avatar_sessions_start_many(
            sessions=[r.avatar_session for r in rooms], on_done=finished.put_nowait
        )
    )
    try:
        while pending:
            getter = asyncio.ensure_future(finished.get())
            await asyncio.wait({getter, starter}, return_when=asyncio.FIRST_COMPLETED)
            if not getter.done():
                getter.cancel()
                if finished.empty():
                    starter.result()  # raises what broke the starter
                    break  # every start reported: nothing left to wait for
                continue
            batch = [getter.result()]
            while not finished.empty():
                batch.append(finished.get_nowait())
            batch = [a for a in batch if a.pk in pending]
            pending.difference_update(a.pk for a in batch)
            to_stop = await sync_to_async(_rooms_deployed)([(by_avatar[a.pk], a) for a in batch])
            for avatar in to_stop:
                await avatar_session_stop(session=avatar, reason="room closed while deploying")
        await starter
    except Exception:
        logger.exception("Deploying rooms %s failed", [r.pk for r in rooms])
        starter.cancel()
        left = [by_avatar[pk] for pk in pending]
        await sync_to_async(_rooms_failed)(left, "Unexpected error while starting the tutor.")
    return len(rooms)


async def breakout_room_deploy(*, room_id: int) -> None:
    """Claim a pending room and start its tutor's avatar. Never raises: failures land on the
    room as a visible error the professor can restart."""
    await _rooms_deploy(room_ids=[room_id])


def _room_reset(room: BreakoutRoom) -> AvatarSession | None:
    room.refresh_from_db()
    if not room.session.is_open:
        raise ValidationError("This session has ended.")
    if room.status not in (BreakoutRoom.Status.ERROR, BreakoutRoom.Status.ACTIVE):
        raise ValidationError("This room is already starting.")
    old = room.avatar_session
    breakout_room_transition(
        room=room,
        to=BreakoutRoom.Status.PENDING,
        reason="restart requested",
        fields={"error": "", "progress": "Restarting", "avatar_session": None},
    )
    return old


async def breakout_room_restart(*, room: BreakoutRoom) -> None:
    """Stop the room's avatar (if any) and deploy a fresh one."""
    old = await sync_to_async(_room_reset)(room)
    if old is not None and old.is_live:
        await avatar_session_stop(session=old, reason="restarted by the professor")
    await breakout_room_deploy(room_id=room.pk)


# --- Ending, reaping, resuming --------------------------------------------------------------


def _session_begin_end(session: ClassSession, reason: str) -> bool:
    """Move to ending. False when already ended (nothing left to do)."""
    session.refresh_from_db()
    if session.status == ClassSession.Status.ENDED:
        return False
    if session.status != ClassSession.Status.ENDING:
        class_session_transition(
            session=session,
            to=ClassSession.Status.ENDING,
            reason=reason,
            fields={"ending_at": timezone.now()},
        )
    return True


def _live_avatars(session: ClassSession) -> list[AvatarSession]:
    subjects = [str(p) for p in session.rooms.values_list("public_id", flat=True)]
    return list(
        AvatarSession.objects.filter(
            purpose=AvatarSession.Purpose.CLASSROOM,
            subject__in=subjects,
            status__in=AvatarSession.LIVE_STATUSES,
        )
    )


def _rooms_complete(session: ClassSession) -> None:
    for room in session.rooms.exclude(status=BreakoutRoom.Status.COMPLETED):
        with contextlib.suppress(InvalidTransition):
            breakout_room_transition(
                room=room,
                to=BreakoutRoom.Status.COMPLETED,
                reason="session ended",
                fields={"professor_present": False, "progress": ""},
            )


def _summary(session: ClassSession, stopped: int, failures: list[str]) -> dict[str, Any]:
    rooms = list(session.rooms.all())
    subjects = [str(r.public_id) for r in rooms]
    avatars = list(
        AvatarSession.objects.filter(purpose=AvatarSession.Purpose.CLASSROOM, subject__in=subjects)
    )
    minutes = sum(a.minutes_billed for a in avatars)
    cost = sum((a.estimated_cost for a in avatars), Decimal("0"))
    return {
        "rooms": len(rooms),
        "rooms_with_errors": sum(1 for r in rooms if r.error),
        "avatars_stopped": stopped,
        "avatar_sessions": len(avatars),
        "failures": failures,
        "avatar_minutes": round(minutes, 2),
        "estimated_cost": f"{cost:.2f}",
        "lines": RoomTranscriptLine.objects.filter(room__session=session).count(),
        "help_requests": sum(1 for r in rooms if r.help_requested_at),
    }


def _session_finish(session: ClassSession, summary: dict[str, Any]) -> None:
    with contextlib.suppress(InvalidTransition):
        class_session_transition(
            session=session,
            to=ClassSession.Status.ENDED,
            fields={"ended_at": timezone.now(), "summary": summary},
        )


async def _stop_quietly(avatar: AvatarSession, reason: str) -> bool:
    try:
        await avatar_session_stop(session=avatar, reason=reason)
    except Exception:
        logger.exception("Stopping avatar %s failed", avatar.pk)
        return False
    await avatar.arefresh_from_db()
    return "vendor stop failed" not in (await sync_to_async(_last_reason)(avatar))


def _last_reason(avatar: AvatarSession) -> str:
    event = avatar.events.order_by("-created_at", "-id").first()
    return event.reason if event else ""


async def class_session_end(
    *, session: ClassSession, reason: str = "ended by the professor"
) -> dict[str, Any]:
    """Stop every avatar in parallel, complete the rooms, end the Zoom meeting, and store a
    cleanup summary. Idempotent: ending an ended session returns its summary."""
    if not await sync_to_async(_session_begin_end)(session, reason):
        return session.summary
    avatars = await sync_to_async(_live_avatars)(session)
    results = await asyncio.gather(*(_stop_quietly(a, reason) for a in avatars))
    failures = [
        f"Avatar {a.public_id} may still be open"
        for a, ok in zip(avatars, results, strict=True)
        if not ok
    ]
    await sync_to_async(_rooms_complete)(session)
    await session.arefresh_from_db(fields=["meeting_id"])
    meeting_created = session.meeting_id not in ("", MEETING_CREATING)
    if session.meeting_provider != ClassSession.MeetingProvider.LOCAL and meeting_created:
        try:
            await get_meeting_provider(session.meeting_provider).end_meeting(
                meeting_id=session.meeting_id
            )
        except ProviderError as exc:
            failures.append(f"The meeting could not be ended: {exc.user_message}")
    summary = await sync_to_async(_summary)(session, sum(results), failures)
    await sync_to_async(_session_finish)(session, summary)
    await session.arefresh_from_db()
    return session.summary


def _overdue_sessions() -> list[ClassSession]:
    cutoff = timezone.now() - timedelta(seconds=settings.CLASS_SESSION_MAX_DURATION)
    return list(
        ClassSession.objects.filter(
            Q(status__in=ClassSession.OPEN_STATUSES)
            & (Q(started_at__lt=cutoff) | Q(started_at__isnull=True, created_at__lt=cutoff))
        )
    )


def _orphan_avatars() -> list[AvatarSession]:
    """Live classroom avatars whose room is not active (or no longer points at them)."""
    live = AvatarSession.objects.filter(
        purpose=AvatarSession.Purpose.CLASSROOM, status__in=AvatarSession.LIVE_STATUSES
    )
    keep = set(
        BreakoutRoom.objects.filter(
            status__in=[BreakoutRoom.Status.ACTIVE, BreakoutRoom.Status.DEPLOYING],
            avatar_session__in=live,
        ).values_list("avatar_session_id", flat=True)
    )
    return [a for a in live if a.pk not in keep and a.requested_at < _stale_cutoff()]


def _stale_cutoff() -> Any:
    return timezone.now() - timedelta(seconds=settings.CLASS_DEPLOY_STALE_SECONDS)


async def class_sessions_reap() -> dict[str, int]:
    """End sessions open past CLASS_SESSION_MAX_DURATION and stop avatars left open for rooms
    that are not active. Safe to run from any process, as often as you like."""
    sessions = await sync_to_async(_overdue_sessions)()
    for session in sessions:
        await class_session_end(session=session, reason="maximum session duration reached")
    orphans = await sync_to_async(_orphan_avatars)()
    await asyncio.gather(*(_stop_quietly(a, "room is not active") for a in orphans))
    return {"sessions_ended": len(sessions), "avatars_stopped": len(orphans)}


def _stuck_rooms_reset(session: ClassSession) -> int:
    """Rooms left in deploying by a dead process go back to pending (their avatar is closed)."""
    count = 0
    stale = _stale_cutoff()
    for room in session.rooms.filter(status=BreakoutRoom.Status.DEPLOYING).select_related(
        "avatar_session"
    ):
        avatar = room.avatar_session
        if avatar is not None and avatar.status == AvatarSession.Status.READY:
            breakout_room_transition(
                room=room, to=BreakoutRoom.Status.ACTIVE, fields={"progress": ""}
            )
            continue
        if room.deploy_claimed_at and room.deploy_claimed_at > stale:
            continue  # still being deployed by someone
        breakout_room_transition(
            room=room,
            to=BreakoutRoom.Status.ERROR,
            reason="deployment interrupted",
            fields={"error": "Deployment was interrupted; retrying.", "progress": ""},
        )
        breakout_room_transition(
            room=room,
            to=BreakoutRoom.Status.PENDING,
            reason="resume",
            fields={"avatar_session": None},
        )
        count += 1
    return count


def _sessions_to_resume() -> list[ClassSession]:
    """Sessions starting or ending, and live sessions with rooms still waiting for a tutor
    (a live session's room can be left deploying by a dead process: a restart, or a start
    that another launch of the same session had already put live)."""
    waiting = [BreakoutRoom.Status.PENDING, BreakoutRoom.Status.DEPLOYING]
    return list(
        ClassSession.objects.filter(
            Q(status__in=[ClassSession.Status.STARTING, ClassSession.Status.ENDING])
            | Q(status=ClassSession.Status.LIVE, rooms__status__in=waiting)
        ).distinct()
    )


def _has_pending_rooms(session: ClassSession) -> bool:
    return session.rooms.filter(status=BreakoutRoom.Status.PENDING).exists()


async def class_session_resume(*, session: ClassSession) -> None:
    """Finish what a dead process left of this session: end it if it was ending; otherwise
    rooms left deploying (past CLASS_DEPLOY_STALE_SECONDS) go back to pending, their
    half-started avatars are stopped, and pending rooms are deployed. Safe to repeat."""
    await session.arefresh_from_db()
    if session.status == ClassSession.Status.ENDING:
        await class_session_end(session=session, reason="resumed after a restart")
        return
    if session.status not in (ClassSession.Status.STARTING, ClassSession.Status.LIVE):
        return
    stuck = await sync_to_async(
        lambda: [
            r.avatar_session
            for r in session.rooms.filter(status=BreakoutRoom.Status.DEPLOYING).select_related(
                "avatar_session"
            )
        ]
    )()
    reset = await sync_to_async(_stuck_rooms_reset)(session)
    if reset:
        for avatar in stuck:
            if (
                avatar is not None
                and avatar.is_live
                and avatar.status != AvatarSession.Status.READY
            ):
                await _stop_quietly(avatar, "deployment interrupted")
    if session.status == ClassSession.Status.STARTING:
        await class_session_launch(session=session)
    elif await sync_to_async(_has_pending_rooms)(session):
        await class_session_deploy(session=session)


async def class_sessions_resume() -> dict[str, int]:
    """On process start (or the first monitor connection): finish what a dead process left.
    Sessions stuck in starting, and live sessions with rooms left deploying, get their
    remaining rooms deployed; those stuck in ending are ended."""
    sessions = await sync_to_async(_sessions_to_resume)()
    await asyncio.gather(*(class_session_resume(session=s) for s in sessions))
    return {"sessions": len(sessions)}


# --- In the room: transcript, tutor, presence ---------------------------------------------


def room_line_add(
    *, room: BreakoutRoom, speaker: str, text: str, source: str = ""
) -> RoomTranscriptLine:
    """Save a transcript line first, then tell everyone watching."""
    text = " ".join(text.split())[:MAX_LINE_CHARS]
    seconds = len(text.split()) / WORDS_PER_SECOND
    now = timezone.now()
    with transaction.atomic():
        line = RoomTranscriptLine.objects.create(
            room=room, speaker=speaker, text=text, source=source, created_at=now
        )
        updates: dict[str, Any] = {"last_activity_at": now}
        from django.db.models import F

        if speaker == RoomTranscriptLine.Speaker.STUDENT:
            updates["student_seconds"] = F("student_seconds") + seconds
        elif speaker == RoomTranscriptLine.Speaker.TUTOR:
            updates["tutor_seconds"] = F("tutor_seconds") + seconds
        BreakoutRoom.objects.filter(pk=room.pk).update(**updates)
        payload = {"type": "room.line", "room_id": str(room.public_id), "line": line_payload(line)}
        broadcast_on_commit(room.group, payload)
        broadcast_on_commit(room.session.group, payload)
    return line


def room_presence_set(
    *, room: BreakoutRoom, student: bool | None = None, professor: bool | None = None
) -> None:
    updates: dict[str, Any] = {}
    if student is not None:
        updates["student_present"] = student
        if student:
            updates["student_seen_at"] = timezone.now()
    if professor is not None:
        updates["professor_present"] = professor
        if professor:
            updates["help_requested_at"] = None  # the professor came: help arrived
    if updates:
        BreakoutRoom.objects.filter(pk=room.pk).update(**updates)
        for key, value in updates.items():
            setattr(room, key, value)
        publish_room(room_id=room.pk)


def room_help_set(*, room: BreakoutRoom, raised: bool) -> None:
    at = timezone.now() if raised else None
    qs = BreakoutRoom.objects.filter(pk=room.pk)
    if raised:
        qs = qs.filter(help_requested_at__isnull=True)
    qs.update(help_requested_at=at)
    publish_room(room_id=room.pk)


def room_whisper_set(*, room: BreakoutRoom, text: str) -> None:
    text = " ".join(text.split())[:500]
    BreakoutRoom.objects.filter(pk=room.pk).update(whisper=text)
    BreakoutRoomEvent.objects.create(
        room=room,
        from_status=room.status,
        to_status=room.status,
        reason="whisper",
        data={"text": text},
    )
    publish_room(room_id=room.pk)


def room_avatar_heartbeat(*, room_id: int) -> None:
    """The room's ready avatar is in use (a student is connected): refresh its heartbeat."""
    avatar_id = (
        BreakoutRoom.objects.filter(pk=room_id).values_list("avatar_session_id", flat=True).first()
    )
    if avatar_id:
        AvatarSession.objects.filter(pk=avatar_id, status=AvatarSession.Status.READY).update(
            last_heartbeat_at=timezone.now()
        )


def room_avatar_event(*, room: BreakoutRoom, event: str, seconds: float = 0.0) -> None:
    if room.avatar_session_id:
        avatar_session_record_speech(session=room.avatar_session, event=event, seconds=seconds)


async def room_tutor_say(*, room: BreakoutRoom, text: str) -> None:
    """Have the room's avatar speak `text` (the vendor speaks, or the browser for local)."""
    avatar = room.avatar_session
    task_id = ""
    vendor_speaks = (
        avatar is not None
        and avatar.is_live
        and bool(avatar.provider_session_id)
        and get_avatar_provider(avatar.provider).server_side_speech
    )
    if vendor_speaks:
        try:
            task_id = await avatar_session_speak(session=avatar, text=text)
        except ProviderError as exc:
            logger.warning("Room %s avatar could not speak: %s", room.pk, exc)
    await _room_send(room, {"type": "tutor.say", "text": text, "task_id": task_id})


async def room_tutor_reply(*, room: BreakoutRoom, student_text: str) -> int:
    """The tutor answers the student: each sentence is saved, captioned and spoken as soon as
    it is complete. Silent while the professor is in the room. Returns sentences spoken."""
    await room.arefresh_from_db(fields=["professor_present", "whisper", "status"])
    if room.professor_present or room.status != BreakoutRoom.Status.ACTIVE:
        return 0
    ctx = await sync_to_async(tutor_context)(room=room, student_text=student_text)
    engine = get_tutor_engine()
    spoken = 0
    failed = False
    try:
        async for sentence in engine.reply(ctx, student_text):
            await room.arefresh_from_db(fields=["professor_present"])
            if room.professor_present:
                break  # the professor just walked in: the tutor falls silent
            await sync_to_async(room_line_add)(
                room=room,
                speaker=RoomTranscriptLine.Speaker.TUTOR,
                text=sentence,
                source=engine.name,
            )
            await room_tutor_say(room=room, text=sentence)
            spoken += 1
    except ProviderError as exc:
        logger.warning("Tutor engine failed in room %s: %s", room.pk, exc)
        failed = True
    if not failed and spoken == 0 and not room.professor_present:
        # An empty or unreadable answer must not leave the student waiting in silence.
        logger.warning("Tutor engine returned nothing in room %s", room.pk)
        failed = True
    if failed:
        fallback = "Sorry, I lost my train of thought. Could you say that again?"
        await sync_to_async(room_line_add)(
            room=room, speaker=RoomTranscriptLine.Speaker.TUTOR, text=fallback, source="fallback"
        )
        await room_tutor_say(room=room, text=fallback)
        spoken += 1
    return spoken


async def room_greet(*, room: BreakoutRoom) -> bool:
    """The tutor says hello the first time a student arrives in an active room."""
    has_lines = await RoomTranscriptLine.objects.filter(room=room).aexists()
    if has_lines or room.status != BreakoutRoom.Status.ACTIVE or room.professor_present:
        return False
    ctx = await sync_to_async(tutor_context)(room=room)
    text = get_tutor_engine().greeting(ctx)
    await sync_to_async(room_line_add)(
        room=room, speaker=RoomTranscriptLine.Speaker.TUTOR, text=text, source="greeting"
    )
    await room_tutor_say(room=room, text=text)
    return True


async def room_professor_message(*, room: BreakoutRoom, text: str, source: str = "say") -> None:
    """The professor's words, spoken by the room's tutor (say in one room, or broadcast)."""
    await sync_to_async(room_line_add)(
        room=room, speaker=RoomTranscriptLine.Speaker.PROFESSOR, text=text, source=source
    )
    await room_tutor_say(room=room, text=text)


async def class_session_broadcast(*, session: ClassSession, text: str) -> int:
    rooms = await sync_to_async(
        lambda: [
            r for r in session_rooms(session=session) if r.status == BreakoutRoom.Status.ACTIVE
        ]
    )()
    for room in rooms:
        room.session = session
    await asyncio.gather(
        *(room_professor_message(room=room, text=text, source="broadcast") for room in rooms)
    )
    return len(rooms)


# --- Zoom webhooks ------------------------------------------------------------------------------


def zoom_event_apply(*, event: dict[str, Any]) -> int:
    """Apply a verified Zoom webhook: breakout-room joins and leaves update room presence.
    Returns the number of rooms changed."""
    name = event.get("event", "")
    payload = event.get("payload")
    obj = payload.get("object") if isinstance(payload, dict) else None
    obj = obj if isinstance(obj, dict) else {}  # a signed body can still have any shape
    participant = obj.get("participant")
    participant = participant if isinstance(participant, dict) else {}
    joined = name == "meeting.participant_joined_breakout_room"
    left = name == "meeting.participant_left_breakout_room"
    if not (joined or left):
        return 0
    meeting_id = str(obj.get("id", ""))
    room_uuid = str(obj.get("breakout_room_uuid", ""))
    email = str(participant.get("email", "")).lower()
    rooms = BreakoutRoom.objects.filter(
        session__meeting_id=meeting_id,
        session__status__in=[ClassSession.Status.STARTING, ClassSession.Status.LIVE],
    )
    room = None
    if room_uuid:
        room = rooms.filter(meeting_room_id=room_uuid).first()
    if room is None and email:
        room = rooms.filter(students__email__iexact=email).first()
        if room is not None and room_uuid and not room.meeting_room_id:
            BreakoutRoom.objects.filter(pk=room.pk).update(meeting_room_id=room_uuid)
    if room is None:
        return 0
    room_presence_set(room=room, student=joined)
    return 1
