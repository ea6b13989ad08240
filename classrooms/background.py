"""The classroom app's background work (config/background.py runs it).

Loops: `classrooms.resume` once when a process starts its loops (finish what a dead process
left), `classrooms.reap` every AVATAR_REAPER_INTERVAL (overdue sessions, orphan avatars,
meeting bots whose process fell silent or whose session closed).
Jobs, asked for with `background.spawn(...)`; the database already holds the wanted state, and
`pending` finds it again when no process ran the job:
- `class_session.launch(session_id=)`: the start view; pending: sessions `starting` whose
  meeting nobody has claimed yet (or whose claim went stale).
- `class_session.resume(session_id=)`: drive a starting, live or ending session again (the
  monitor socket on connect); a process with loops resumes everything at its start; pending:
  sessions a dead process left half-done (`sessions_left_unfinished`).
- `breakout_room.deploy(room_id=)`: pending: rooms waiting for a tutor in live sessions (a
  restart whose process died after the reset).
- `breakout_room.restart(room_id=, old_avatar_id=)`: after the monitor reset the room
  (`breakout_room_restart_begin`), stop its old avatar and deploy a fresh one; a professor
  closing the monitor no longer cancels it.
- `room_invitations.send(base_url=)`: the start view (a session just created or prepared);
  sends every invitation due, then waits for each retry slot until none is pending. pending:
  invitations whose next attempt is due (links use SITE_URL then).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from avatars.models import AvatarSession
from classrooms.models import BreakoutRoom, ClassSession
from classrooms.services.ending import (
    class_session_resume,
    class_sessions_reap,
    class_sessions_resume,
)
from classrooms.services.invitations import room_invitations_deliver, room_invitations_due
from classrooms.services.meeting_bots import meeting_bots_reap
from classrooms.services.meeting_setup import MEETING_CREATING
from classrooms.services.starting import (
    breakout_room_deploy,
    breakout_room_restart_finish,
    class_session_launch,
)
from config import background


@background.at_start("classrooms.resume")
async def resume_all() -> None:
    await class_sessions_resume()


@background.periodic("classrooms.reap", every=lambda: settings.AVATAR_REAPER_INTERVAL)
async def reap() -> None:
    await class_sessions_reap()
    await meeting_bots_reap()


def sessions_waiting_for_launch() -> list[dict[str, Any]]:
    """Starting sessions whose meeting nobody claimed, or whose claim went stale (the process
    creating it died: the launch takes the claim over)."""
    stale = timezone.now() - timedelta(seconds=settings.CLASS_DEPLOY_STALE_SECONDS)
    unclaimed = Q(meeting_id="") | Q(meeting_id=MEETING_CREATING, started_at__lt=stale)
    return [
        {"session_id": pk}
        for pk in ClassSession.objects.filter(unclaimed, status=ClassSession.Status.STARTING)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]


@background.job("class_session.launch", pending=sessions_waiting_for_launch)
async def launch(*, session_id: int) -> None:
    session = await ClassSession.objects.filter(pk=session_id).afirst()
    if session is not None:
        await class_session_launch(session=session)


def sessions_left_unfinished() -> list[dict[str, Any]]:
    """Sessions a dead process left half-done: ending for longer than
    CLASS_DEPLOY_STALE_SECONDS, or starting/live with a room stuck deploying whose avatar is no
    longer live (a live process keeps its avatars' heartbeats fresh, so the reaper ends only
    the dead process's ones: rooms still being deployed are never taken from a live process)."""
    stale = timezone.now() - timedelta(seconds=settings.CLASS_DEPLOY_STALE_SECONDS)
    ending = Q(status=ClassSession.Status.ENDING, ending_at__lt=stale)
    stuck_rooms = BreakoutRoom.objects.filter(
        status=BreakoutRoom.Status.DEPLOYING, deploy_claimed_at__lt=stale
    ).exclude(avatar_session__status__in=AvatarSession.LIVE_STATUSES)
    stuck = Q(
        status__in=[ClassSession.Status.STARTING, ClassSession.Status.LIVE],
        pk__in=stuck_rooms.values("session_id"),
    )
    return [
        {"session_id": pk}
        for pk in ClassSession.objects.filter(ending | stuck)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]


@background.job("class_session.resume", pending=sessions_left_unfinished)
async def resume(*, session_id: int) -> None:
    session = await ClassSession.objects.filter(pk=session_id).afirst()
    if session is not None:
        await class_session_resume(session=session)


def rooms_waiting_for_tutor() -> list[dict[str, Any]]:
    return [
        {"room_id": pk}
        for pk in BreakoutRoom.objects.filter(
            status=BreakoutRoom.Status.PENDING, session__status=ClassSession.Status.LIVE
        ).values_list("pk", flat=True)
    ]


@background.job("breakout_room.deploy", pending=rooms_waiting_for_tutor)
async def deploy(*, room_id: int) -> None:
    await breakout_room_deploy(room_id=room_id)


@background.job("breakout_room.restart")
async def restart(*, room_id: int, old_avatar_id: int | None = None) -> None:
    """After `breakout_room_restart_begin` (the room is already pending): stop the old avatar,
    deploy a fresh one."""
    await breakout_room_restart_finish(room_id=room_id, old_avatar_id=old_avatar_id)


def invitations_waiting() -> list[dict[str, Any]]:
    return [{"base_url": ""}] if room_invitations_due() else []


@background.job("room_invitations.send", pending=invitations_waiting)
async def send_invitations(*, base_url: str = "") -> None:
    await room_invitations_deliver(base_url=base_url)
