"""Starting a class session (orchestration): the meeting, tutors deployed in waves. The session
and its rooms are created by `classrooms.services.preparing`.

The wanted state is always in the database first, so a crashed process can be resumed by
`class_sessions_resume()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from avatars.models import AvatarSession
from avatars.providers.base import AvatarStartOptions, ProviderError
from avatars.services import (
    avatar_session_stop,
    avatar_sessions_create,
    avatar_sessions_start,
)
from classrooms.meetings import get_meeting_provider
from classrooms.models import (
    BreakoutRoom,
    ClassSession,
    ProfessorProfile,
    RosterStudent,
)
from classrooms.services.lifecycle import breakout_room_transition, class_session_transition
from classrooms.services.meeting_bots import meeting_bot_restart
from classrooms.services.meeting_setup import (
    MeetingToCreate,
    meeting_claim,
    meeting_failed,
    meeting_host,
    meeting_stored,
    room_specs,
)
from classrooms.services.room_cards import CardSender, Publish, rooms_publish_on_commit
from config.errors import Conflict
from config.lifecycle import InvalidTransition, transition_many

logger = logging.getLogger(__name__)


def _launch_begin(session: ClassSession) -> tuple[bool, MeetingToCreate | None]:
    """One trip to the database at launch: the session's fresh row; whether it is still
    starting; and, when this process claims the meeting, what to create."""
    session.refresh_from_db()
    if session.status != ClassSession.Status.STARTING:
        return False, None
    if not meeting_claim(session):
        return True, None
    return True, MeetingToCreate(specs=room_specs(session), host=meeting_host(session))


async def class_session_launch(*, session: ClassSession) -> ClassSession:
    """Create the meeting (when not done yet), deploy a tutor into every room in parallel, and
    put the session live. Partial failures leave the session live with red rooms."""
    starting, meeting = await sync_to_async(_launch_begin)(session)
    if not starting:
        return session
    if meeting is not None:
        provider = get_meeting_provider(session.meeting_provider)
        try:
            info = await provider.create_meeting(
                topic=session.title,
                host=meeting.host,
                rooms=meeting.specs,
                duration_minutes=max(30, settings.CLASS_SESSION_MAX_DURATION // 60),
            )
        except ProviderError as exc:
            await sync_to_async(meeting_failed)(session, exc)
            return session
        await sync_to_async(meeting_stored)(session, info)
    await class_session_deploy(session=session)
    return session


async def class_session_deploy(*, session: ClassSession) -> dict[str, int]:
    """Deploy every pending room at once; the avatars app bounds vendor concurrency."""
    await _rooms_deploy(session_id=session.pk)
    return await sync_to_async(_session_go_live)(session)


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


def _session_go_live(session: ClassSession) -> dict[str, int]:
    """starting -> live (a session ended or failed meanwhile stays as it is; the transition
    reads the row's status itself), then the rooms by status: one trip to the database."""
    with contextlib.suppress(InvalidTransition):
        class_session_transition(
            session=session, to=ClassSession.Status.LIVE, fields={"live_at": timezone.now()}
        )
    return _room_status_counts(session)


def _avatar_options(professor: ProfessorProfile) -> AvatarStartOptions:
    use_clone = professor.has_clone and professor.has_consent
    return AvatarStartOptions(
        avatar_id=professor.avatar_id if use_clone else "",
        voice_id=professor.voice_id if use_clone else "",
    )


def _rooms_claim(
    *,
    session_id: int | None = None,
    room_ids: list[int] | None = None,
    publish: Publish = rooms_publish_on_commit,
) -> list[BreakoutRoom]:
    """Claim pending rooms (of a session, or the given ones) of open sessions in one
    transaction: pending -> deploying (one conditional UPDATE + bulk events), one avatar
    session per room (bulk), and one room card per room published on commit from the rows in
    hand. A room claimed by someone else meanwhile is skipped (row locks on PostgreSQL; SQLite
    write transactions are serialised)."""
    qs = BreakoutRoom.objects.filter(
        status=BreakoutRoom.Status.PENDING, session__status__in=ClassSession.OPEN_STATUSES
    )
    if session_id is not None:
        qs = qs.filter(session_id=session_id)
    if room_ids is not None:
        qs = qs.filter(pk__in=room_ids)
    now = timezone.now()
    with transaction.atomic():
        rooms = list(qs.select_for_update(of=("self",)).order_by("session_id", "position"))
        if not rooms:
            return []
        # One session object (professor attached) shared by its rooms.
        sessions = ClassSession.objects.select_related("professor").in_bulk(
            {r.session_id for r in rooms}
        )
        for room in rooms:
            room.session = sessions[room.session_id]
        ids = [r.pk for r in rooms]
        progress = "Starting the avatar"
        # Locked and read as pending just now: every claimed room moves.
        transition_many(
            BreakoutRoom,
            BreakoutRoom.Status.DEPLOYING,
            pks=ids,
            current=dict.fromkeys(ids, BreakoutRoom.Status.PENDING),
            fields={"deploy_claimed_at": now, "progress": progress, "error": ""},
        )
        avatars = avatar_sessions_create(
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
        publish(rooms)
    return rooms


def _rooms_deployed(
    done: list[tuple[BreakoutRoom, AvatarSession]], publish: Publish = rooms_publish_on_commit
) -> list[AvatarSession]:
    """Rooms whose avatar start ended: deploying -> active when the avatar is ready, else
    deploying -> error with the avatar's message (one conditional UPDATE per outcome and
    message, bulk events, cards from the rows in hand). A room that was closed or restarted meanwhile (no
    longer deploying with this avatar) is left alone; its avatar, if live, is returned to be
    stopped."""
    if not done:
        return []
    with transaction.atomic():
        current = {
            pk: (status, avatar_id)
            for pk, status, avatar_id in BreakoutRoom.objects.select_for_update()
            .filter(pk__in=[r.pk for r, _ in done])
            .values_list("pk", "status", "avatar_session_id")
        }
        mine = [
            (r, a) for r, a in done if current.get(r.pk) == (BreakoutRoom.Status.DEPLOYING, a.pk)
        ]
        to_stop = [
            a
            for r, a in done
            if a.is_live
            and current.get(r.pk) != (BreakoutRoom.Status.DEPLOYING, a.pk)
            and current.get(r.pk) != (BreakoutRoom.Status.ACTIVE, a.pk)
        ]
        ready = [(r, a) for r, a in mine if a.status == AvatarSession.Status.READY]
        failed = [(r, a) for r, a in mine if a.status != AvatarSession.Status.READY]
        deploying = {r.pk: BreakoutRoom.Status.DEPLOYING for r, _ in mine}
        errors = {r.pk: a.error or "The avatar did not start." for r, a in failed}
        if ready:
            transition_many(
                BreakoutRoom,
                BreakoutRoom.Status.ACTIVE,
                pks=[r.pk for r, _ in ready],
                current=deploying,
                fields={"progress": "", "error": ""},
            )
        for error in dict.fromkeys(errors.values()):  # a wave's failures share their message
            transition_many(
                BreakoutRoom,
                BreakoutRoom.Status.ERROR,
                pks=[pk for pk, e in errors.items() if e == error],
                current=deploying,
                reason=error,
                fields={"progress": "", "error": error},
            )
        for room, avatar in mine:
            room.status = (
                BreakoutRoom.Status.ERROR if room.pk in errors else BreakoutRoom.Status.ACTIVE
            )
            room.progress = ""
            room.error = errors.get(room.pk, "")
            room.avatar_session = avatar
        publish([r for r, _ in mine])
    return to_stop


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
    cards = CardSender()
    try:
        return await _rooms_deploy_with(cards, session_id=session_id, room_ids=room_ids)
    finally:
        await cards.close()


async def _rooms_deploy_with(
    cards: CardSender, *, session_id: int | None, room_ids: list[int] | None
) -> int:
    rooms = await sync_to_async(_rooms_claim)(
        session_id=session_id, room_ids=room_ids, publish=cards.publish_on_commit
    )
    if not rooms:
        return 0
    avatars = [room.avatar_session for room in rooms if room.avatar_session is not None]
    by_avatar = {room.avatar_session_id: room for room in rooms}
    finished: asyncio.Queue[AvatarSession] = asyncio.Queue()
    pending = set(by_avatar)
    moved: set[int] = set()  # avatars whose room `on_ready` handled (written in the db thread)

    def on_ready(avatars: list[AvatarSession]) -> list[tuple[AvatarSession, str]]:
        # In the avatars' own trip to the database thread: the rooms go active with their
        # avatars.
        mine = [a for a in avatars if a.pk in by_avatar]
        moved.update(a.pk for a in mine)
        to_stop = _rooms_deployed([(by_avatar[a.pk], a) for a in mine], cards.publish_on_commit)
        return [(a, "room closed while deploying") for a in to_stop]

    starter = asyncio.create_task(
        avatar_sessions_start(
            sessions=avatars,
            on_done=finished.put_nowait,
            on_ready=on_ready,
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
            rest = [(by_avatar[a.pk], a) for a in batch if a.pk not in moved]
            if not rest:
                continue
            to_stop = await sync_to_async(_rooms_deployed)(rest, cards.publish_on_commit)
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
        raise Conflict("This session has ended.")
    if room.status not in (BreakoutRoom.Status.ERROR, BreakoutRoom.Status.ACTIVE):
        raise Conflict("This room is already starting.")
    old = room.avatar_session
    breakout_room_transition(
        room=room,
        to=BreakoutRoom.Status.PENDING,
        reason="restart requested",
        fields={"error": "", "progress": "Restarting", "avatar_session": None},
    )
    meeting_bot_restart(room=room)  # a Zoom room's failed bot gets another launch
    return old


def breakout_room_restart_begin(*, room: BreakoutRoom) -> int | None:
    """The wanted state first: the room goes back to `pending` with no avatar (raises
    Conflict when it cannot restart). Returns the old avatar's id for the job that
    stops it and deploys a fresh one (`breakout_room_restart_finish`); if no process runs that
    job, the room is found waiting for a tutor and the old avatar is reaped as an orphan."""
    old = _room_reset(room)
    return old.pk if old is not None else None


async def breakout_room_restart_finish(*, room_id: int, old_avatar_id: int | None) -> None:
    old = await AvatarSession.objects.filter(pk=old_avatar_id).afirst() if old_avatar_id else None
    if old is not None and old.is_live:
        await avatar_session_stop(session=old, reason="restarted by the professor")
    await breakout_room_deploy(room_id=room_id)


async def breakout_room_restart(*, room: BreakoutRoom) -> None:
    """Stop the room's avatar (if any) and deploy a fresh one, in the caller's task."""
    old_id = await sync_to_async(breakout_room_restart_begin)(room=room)
    await breakout_room_restart_finish(room_id=room.pk, old_avatar_id=old_id)
