"""Ending class sessions, reaping abandoned ones and resuming interrupted starts after a crash."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from decimal import Decimal
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from avatars.models import AvatarSession
from avatars.providers.base import ProviderError
from avatars.services import (
    avatar_session_stop,
)
from classrooms.meetings import get_meeting_provider
from classrooms.models import (
    BreakoutRoom,
    ClassSession,
    RoomTranscriptLine,
    RosterStudent,
)
from classrooms.services.lifecycle import breakout_room_transition, class_session_transition
from classrooms.services.meeting_bots import meeting_bots_cost, meeting_bots_leave
from classrooms.services.meeting_setup import MEETING_CREATING
from classrooms.services.room_cards import rooms_publish_on_commit
from classrooms.services.starting import (
    class_session_deploy,
    class_session_launch,
)
from config.lifecycle import InvalidTransition, transition_many

logger = logging.getLogger(__name__)

PREPARED_MAX_AGE = timedelta(days=14)


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
    """Every room of the ending session -> completed in one bulk move, and each room's card
    published after the commit from the rows in hand (no query per room)."""
    with transaction.atomic():
        rooms = list(
            session.rooms.exclude(status=BreakoutRoom.Status.COMPLETED)
            .select_related("avatar_session", "session")
            .prefetch_related(
                Prefetch("students", queryset=RosterStudent.objects.only("id", "name"))
            )
            .order_by("position")
        )
        fields = {"professor_present": False, "progress": ""}
        moved = set(
            transition_many(
                BreakoutRoom,
                BreakoutRoom.Status.COMPLETED,
                pks=[r.pk for r in rooms],
                reason="session ended",
                fields=fields,
            )
        )
        done = [r for r in rooms if r.pk in moved]
        for room in done:
            room.status = BreakoutRoom.Status.COMPLETED
            room.professor_present = False
            room.progress = ""
        rooms_publish_on_commit(done)


def _summary(session: ClassSession, stopped: int, failures: list[str]) -> dict[str, Any]:
    rooms = list(session.rooms.all())
    subjects = [str(r.public_id) for r in rooms]
    avatars = list(
        AvatarSession.objects.filter(purpose=AvatarSession.Purpose.CLASSROOM, subject__in=subjects)
    )
    minutes = sum(a.minutes_billed for a in avatars)
    cost = sum((a.estimated_cost for a in avatars), Decimal("0"))
    bot_minutes, bot_cost = meeting_bots_cost(session=session)
    return {
        "rooms": len(rooms),
        "rooms_with_errors": sum(1 for r in rooms if r.error),
        "avatars_stopped": stopped,
        "avatar_sessions": len(avatars),
        "failures": failures,
        "avatar_minutes": round(minutes, 2),
        "bot_minutes": bot_minutes,
        "bot_cost": f"{bot_cost:.2f}",
        "estimated_cost": f"{cost + bot_cost:.2f}",
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
    await sync_to_async(meeting_bots_leave)(session=session, reason=reason)
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
    # A prepared session waits for its class (no tutor runs, nothing is billed): its clock
    # starts at Start; one never started is cleared after PREPARED_MAX_AGE.
    waiting = Q(status=ClassSession.Status.PREPARED)
    stale_prepared = waiting & Q(created_at__lt=timezone.now() - PREPARED_MAX_AGE)
    return list(
        ClassSession.objects.filter(
            (
                Q(status__in=ClassSession.OPEN_STATUSES)
                & ~waiting
                & (Q(started_at__lt=cutoff) | Q(started_at__isnull=True, created_at__lt=cutoff))
            )
            | stale_prepared
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
