"""Nothing leaks: the reaper ends abandoned sessions and stops vendor sessions we do not know.

`reap_once()` (also `python manage.py reap_avatar_sessions`, and every AVATAR_REAPER_INTERVAL
seconds in each process that runs background loops: avatars/background.py) does three things,
each safe to run in several processes at once (conditional updates, and a stop is claimed by
moving the row to `stopping`, so only one process calls the vendor):

1. Ends our live sessions whose heartbeat stopped (AVATAR_HEARTBEAT_TIMEOUT), that were idle
   (no speech for AVATAR_IDLE_TIMEOUT) or that ran past AVATAR_MAX_DURATION; stopping the
   vendor session too and recording the estimated cost.
2. Stops vendor sessions that are open at the vendor (its list, where it has one) but that our
   database does not consider live: leaks from crashes, lost stop calls, ended rows whose vendor
   stop failed. A provider with a start in flight that has no vendor id yet is skipped this
   round (that start may own one of the unknown ids).
3. `keepalive_once()`: sends the vendor keep-alive for sessions in use, at most once per
   AVATAR_KEEPALIVE_INTERVAL across all processes (claimed with a conditional update).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from avatars.models import AvatarSession
from avatars.providers.base import ProviderError
from avatars.providers.registry import AVATARS, get_avatar_provider
from avatars.services import avatar_session_stop

logger = logging.getLogger(__name__)


@dataclass
class ReapReport:
    ended: dict[str, str] = field(default_factory=dict)  # public id -> reason
    vendor_stopped: list[str] = field(default_factory=list)
    keepalives: int = 0
    errors: list[str] = field(default_factory=list)


def abandoned_sessions() -> list[tuple[AvatarSession, str]]:
    """Our live sessions that should end now, with the reason."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.AVATAR_HEARTBEAT_TIMEOUT)
    idle = now - timedelta(seconds=settings.AVATAR_IDLE_TIMEOUT)
    too_old = now - timedelta(seconds=settings.AVATAR_MAX_DURATION)
    out: list[tuple[AvatarSession, str]] = []
    live = AvatarSession.objects.filter(status__in=AvatarSession.LIVE_STATUSES)
    for session in live.filter(
        Q(last_heartbeat_at__lt=stale)
        | Q(last_heartbeat_at__isnull=True, requested_at__lt=stale)
        | Q(ready_at__lt=too_old)
        | Q(status=AvatarSession.Status.READY, last_activity_at__lt=idle)
    ).order_by("requested_at"):
        if session.ready_at and session.ready_at < too_old:
            reason = "max duration reached"
        elif (
            session.status == AvatarSession.Status.READY
            and session.last_activity_at
            and session.last_activity_at < idle
        ):
            reason = "idle timeout"
        else:
            reason = "heartbeat stopped (reaped)"
        out.append((session, reason))
    return out


def _live_vendor_ids(provider: str) -> tuple[set[str], bool]:
    """(vendor ids our live rows own, whether a start without a vendor id is in flight)."""
    live = AvatarSession.objects.filter(provider=provider, status__in=AvatarSession.LIVE_STATUSES)
    ids = set(live.exclude(provider_session_id="").values_list("provider_session_id", flat=True))
    pending = live.filter(status=AvatarSession.Status.STARTING, provider_session_id="").exists()
    return ids, pending


def _providers_to_check() -> list[str]:
    names = {settings.AVATAR_PROVIDER}
    names |= set(
        AvatarSession.objects.filter(requested_at__gte=timezone.now() - timedelta(days=2))
        .values_list("provider", flat=True)
        .distinct()
    )
    return sorted(n for n in names if n in AVATARS and n != "local")


async def reap_once() -> ReapReport:
    report = ReapReport()
    for session, reason in await sync_to_async(abandoned_sessions)():
        await avatar_session_stop(session=session, reason=reason)
        report.ended[str(session.public_id)] = reason
    for name in await sync_to_async(_providers_to_check)():
        provider = get_avatar_provider(name)
        try:
            open_ids = await provider.list_open_sessions()
        except ProviderError as exc:
            report.errors.append(f"{name}: {exc.message}")
            continue
        if open_ids is None:
            continue
        # Read our side after the vendor's list: a session created in between is ours.
        known, pending = await sync_to_async(_live_vendor_ids)(name)
        if pending:
            continue
        for vendor_id in open_ids:
            if vendor_id in known:
                continue
            try:
                await provider.stop(vendor_id, "ZOMBIE_SESSION_REAP")
            except ProviderError as exc:
                report.errors.append(f"{name} {vendor_id}: {exc.message}")
                continue
            logger.warning("Stopped leaked %s session %s", name, vendor_id)
            report.vendor_stopped.append(vendor_id)
    report.keepalives = await keepalive_once()
    return report


def avatar_session_keepalive_due() -> list[AvatarSession]:
    """Ready sessions in use (fresh heartbeat) whose last keep-alive is older than the interval,
    each claimed for this process with a conditional update."""
    now = timezone.now()
    due = now - timedelta(seconds=settings.AVATAR_KEEPALIVE_INTERVAL)
    fresh = now - timedelta(seconds=settings.AVATAR_HEARTBEAT_TIMEOUT)
    candidates = AvatarSession.objects.filter(
        status=AvatarSession.Status.READY, last_heartbeat_at__gte=fresh
    ).filter(Q(keepalive_at__lt=due) | Q(keepalive_at__isnull=True))
    claimed = []
    for session in candidates.exclude(provider="local"):
        if AvatarSession.objects.filter(pk=session.pk, keepalive_at=session.keepalive_at).update(
            keepalive_at=now
        ):
            claimed.append(session)
    return claimed


async def keepalive_once() -> int:
    sent = 0
    for session in await sync_to_async(avatar_session_keepalive_due)():
        provider = get_avatar_provider(session.provider)
        try:
            await provider.keep_alive(session.provider_session_id)
            sent += 1
        except ProviderError as exc:
            if exc.code in ("session_not_found", "session_closed"):
                await avatar_session_stop(session=session, reason="the vendor closed the session")
            else:
                logger.warning("keep-alive for %s failed: %s", session.public_id, exc.message)
    return sent
