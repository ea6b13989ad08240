"""Meeting bots as data: created with a Zoom meeting, claimed by runners, kept alive by their
processes' heartbeats, relaunched (bounded) or failed when a process dies, sent out at the end.

Every status move goes through `config.lifecycle` (the `MeetingBot.TRANSITIONS` table, a
conditional UPDATE, an event row, the room's card published on commit). A bot process owns its
row only while the row carries its launch number (`launches`): each of its writes is fenced by
it, so a process that was given up on cannot move a bot that has been launched again.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from datetime import timedelta
from decimal import Decimal
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from avatars.models import AvatarSession
from avatars.services import avatar_session_stop
from classrooms.models import BreakoutRoom, ClassSession, MeetingBot
from classrooms.services.lifecycle import publish_room
from config.lifecycle import InvalidTransition, record_created, transition, transition_many

logger = logging.getLogger(__name__)

BOT_NAME = "Tutor · {room}"


def meeting_bot_transition(
    *,
    bot: MeetingBot,
    to: str,
    reason: str = "",
    fields: dict[str, Any] | None = None,
    launch: int | None = None,
) -> bool:
    """Move `bot` to `to` (its room's card goes to the monitor on commit). With `launch`, only
    while the row still belongs to that launch: False (nothing written) when it does not."""
    with transaction.atomic():
        if launch is not None and not (
            MeetingBot.objects.select_for_update().filter(pk=bot.pk, launches=launch).exists()
        ):
            return False
        moved = transition(bot, to, reason=reason, fields=fields)
        if moved:
            publish_room(room_id=bot.room_id)
    return moved


def meeting_bots_create(*, session: ClassSession) -> list[MeetingBot]:
    """One requested bot per room of a session on Zoom that has none yet (the meeting exists:
    its id is what the bots join). Runs in the caller's transaction."""
    if session.meeting_provider != ClassSession.MeetingProvider.ZOOM:
        return []
    rooms = list(
        BreakoutRoom.objects.filter(session=session, bot__isnull=True)
        .order_by("position")
        .values_list("pk", "name")
    )
    bots = MeetingBot.objects.bulk_create(
        [MeetingBot(room_id=pk, display_name=BOT_NAME.format(room=name)) for pk, name in rooms]
    )
    if any(bot.pk is None for bot in bots):  # a backend without RETURNING
        bots = list(MeetingBot.objects.filter(room__session=session, status="requested"))
    record_created(bots)
    return bots


def meeting_bot_restart(*, room: BreakoutRoom) -> bool:
    """The professor restarts the room: its failed bot is requested again (one more launch
    than it had; a bot still running keeps its seat). False when there was nothing to do."""
    bot = MeetingBot.objects.filter(room=room, status=MeetingBot.Status.FAILED).first()
    if bot is None or not room.session.is_open:
        return False
    return meeting_bot_transition(
        bot=bot,
        to=MeetingBot.Status.REQUESTED,
        reason="restarted by the professor",
        fields={"error": "", "ended_at": None, "runner": "", "pid": None},
    )


# --- Runners ---------------------------------------------------------------------------------


def meeting_bots_claim(*, runner: str, limit: int) -> list[tuple[int, int]]:
    """Claim up to `limit` requested bots of live sessions for `runner`: requested -> launching
    with one conditional UPDATE (two runners never claim the same bot). Returns (bot id, its
    launch number) for each claimed bot."""
    if limit <= 0:
        return []
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            MeetingBot.objects.select_for_update()
            .filter(
                status=MeetingBot.Status.REQUESTED,
                room__session__status__in=[ClassSession.Status.STARTING, ClassSession.Status.LIVE],
            )
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        moved = transition_many(
            MeetingBot,
            MeetingBot.Status.LAUNCHING,
            pks=ids,
            reason=f"claimed by {runner}",
            fields={
                "runner": runner,
                "pid": None,
                "claimed_at": now,
                "heartbeat_at": now,
                "launches": F("launches") + 1,
                "error": "",
            },
        )
        claimed = list(
            MeetingBot.objects.filter(pk__in=moved).order_by("pk").values_list("pk", "launches")
        )
        for pk in moved:
            transaction.on_commit(functools.partial(_publish_bot_room, pk))
    return claimed


def _publish_bot_room(bot_id: int) -> None:
    room_id = MeetingBot.objects.filter(pk=bot_id).values_list("room_id", flat=True).first()
    if room_id is not None:
        publish_room(room_id=room_id)


def meeting_bot_started(*, bot_id: int, launch: int, pid: int) -> None:
    """The runner started the bot's process: its pid, for the operator and the reaper's log."""
    MeetingBot.objects.filter(pk=bot_id, launches=launch).update(pid=pid)


def meeting_bot_heartbeat(*, bot_id: int, launch: int) -> str | None:
    """The bot's process is alive. Returns the bot's status (the process leaves when it reads
    `leaving`), or None when the row is no longer this launch's (the process must stop)."""
    with transaction.atomic():
        updated = MeetingBot.objects.filter(
            pk=bot_id,
            launches=launch,
            status__in=[*MeetingBot.RUNNING, MeetingBot.Status.LEAVING],
        ).update(heartbeat_at=timezone.now())
        if not updated:
            return None
        return MeetingBot.objects.values_list("status", flat=True).get(pk=bot_id)


# --- The end of a session, dead processes ----------------------------------------------------


def meeting_bots_leave(*, session: ClassSession, reason: str) -> int:
    """The session ends: running bots are told to leave (their process reads `leaving` at its
    next heartbeat, leaves the meeting and ends); bots never launched end at once."""
    bots = list(
        MeetingBot.objects.filter(room__session=session, status__in=MeetingBot.OPEN_STATUSES)
    )
    count = 0
    for bot in bots:
        target = (
            MeetingBot.Status.ENDED
            if bot.status == MeetingBot.Status.REQUESTED
            else MeetingBot.Status.LEAVING
        )
        fields = {"ended_at": timezone.now()} if target == MeetingBot.Status.ENDED else {}
        with contextlib.suppress(InvalidTransition):
            count += meeting_bot_transition(bot=bot, to=target, reason=reason, fields=fields)
    return count


def meeting_bot_recover(*, bot_id: int, launch: int, reason: str) -> str | None:
    """The process of this launch is gone (it exited, or its heartbeat stopped): relaunch the
    bot (requested) while launches are left, else fail it. A bot that was leaving has ended.
    Returns the new status, or None when the row had moved on (nothing to do)."""
    bot = MeetingBot.objects.filter(pk=bot_id, launches=launch).first()
    if bot is None or bot.status not in (*MeetingBot.RUNNING, MeetingBot.Status.LEAVING):
        return None
    now = timezone.now()
    target: str
    fields: dict[str, Any]
    if bot.status == MeetingBot.Status.LEAVING:
        target, fields = MeetingBot.Status.ENDED, {"ended_at": now, "pid": None}
    elif not bot.room.session.is_open:
        target, fields = MeetingBot.Status.FAILED, {"ended_at": now, "pid": None}
    elif launch < settings.MEETING_BOT_MAX_LAUNCHES:
        target, fields = MeetingBot.Status.REQUESTED, {"pid": None, "runner": ""}
    else:
        target = MeetingBot.Status.FAILED
        fields = {
            "ended_at": now,
            "pid": None,
            "error": (
                f"The tutor bot stopped {launch} times and was not started again. "
                "Share the room's web link, or restart the room."
            ),
        }
    try:
        moved = meeting_bot_transition(
            bot=bot, to=target, reason=reason, fields=fields, launch=launch
        )
    except InvalidTransition:
        return None
    return target if moved else None


def _dead_bots() -> list[tuple[int, int]]:
    stale = timezone.now() - timedelta(seconds=settings.MEETING_BOT_HEARTBEAT_TIMEOUT)
    return list(
        MeetingBot.objects.filter(
            status__in=[*MeetingBot.RUNNING, MeetingBot.Status.LEAVING], heartbeat_at__lt=stale
        ).values_list("pk", "launches")
    )


def _bots_of_closed_sessions() -> list[MeetingBot]:
    return list(
        MeetingBot.objects.filter(status__in=MeetingBot.OPEN_STATUSES)
        .exclude(room__session__status__in=ClassSession.OPEN_STATUSES)
        .select_related("room__session")
    )


def _avatars_of_failed_bots(bot_ids: list[int]) -> list[AvatarSession]:
    """The live avatars of rooms whose bot failed and where no student uses the web page (the
    fallback keeps its tutor)."""
    return list(
        AvatarSession.objects.filter(
            breakout_rooms__bot__pk__in=bot_ids,
            breakout_rooms__bot__status=MeetingBot.Status.FAILED,
            breakout_rooms__student_present=False,
            status__in=AvatarSession.LIVE_STATUSES,
        ).distinct()
    )


async def meeting_bots_reap() -> dict[str, int]:
    """Bots whose process fell silent are relaunched or failed (a failed bot's avatar is
    stopped unless a student uses the room's web page); bots of sessions that closed are sent
    out. Safe to run in every process, as often as you like."""
    recovered: dict[str, int] = {}
    failed: list[int] = []
    for bot_id, launch in await sync_to_async(_dead_bots)():
        status = await sync_to_async(meeting_bot_recover)(
            bot_id=bot_id, launch=launch, reason="the bot's process stopped answering"
        )
        if status is not None:
            recovered[status] = recovered.get(status, 0) + 1
        if status == MeetingBot.Status.FAILED:
            failed.append(bot_id)
    sessions = {
        bot.room.session_id: bot.room.session
        for bot in await sync_to_async(_bots_of_closed_sessions)()
    }
    for session in sessions.values():
        await sync_to_async(meeting_bots_leave)(session=session, reason="the session is over")
    avatars = await sync_to_async(_avatars_of_failed_bots)(failed)
    await asyncio.gather(
        *(avatar_session_stop(session=a, reason="its meeting bot failed") for a in avatars)
    )
    return {**recovered, "avatars_stopped": len(avatars)}


# --- Cost -----------------------------------------------------------------------------------


def meeting_bots_cost(*, session: ClassSession) -> tuple[float, Decimal]:
    """Bot minutes of the session and what they cost at MEETING_BOT_PRICE_PER_HOUR."""
    minutes = sum(bot.minutes_billed for bot in MeetingBot.objects.filter(room__session=session))
    price = Decimal(str(settings.MEETING_BOT_PRICE_PER_HOUR))
    return round(minutes, 2), (Decimal(str(minutes)) / 60 * price).quantize(Decimal("0.01"))
