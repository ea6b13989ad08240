"""The per-provider cap on avatar starts, enforced in the database so it holds across processes.

At most AVATAR_MAX_CONCURRENT starts per provider are in flight (status `starting`) at any
moment, counted in the database so every server process sees the same number. Starts join the
queue (`queued_at`) and are admitted in FIFO order: whenever slots are free, the oldest live
waiters are moved to `starting` together, so starts happen in arrival order. Every decision
runs in one transaction holding the provider's `AvatarProviderGate` row (see its docstring for
SQLite). Waiters refresh their heartbeat on every check, so a waiter whose process died is
skipped after AVATAR_HEARTBEAT_TIMEOUT (and ended by the reaper).

Within one process nobody waits for a poll: a start that ends wakes the oldest local waiter (it
admits the next batch at once), and a caller that admits others' sessions wakes their waiters;
the poll (QUEUE_POLL) only covers slots freed and admissions made by other processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from avatars.models import AvatarProviderGate, AvatarSession
from config.lifecycle import transition_many

logger = logging.getLogger(__name__)

QUEUE_POLL = (0.2, 0.6)  # seconds between queue checks without a local wake-up (uniform)


def _fresh_since() -> datetime:
    return timezone.now() - timedelta(seconds=settings.AVATAR_HEARTBEAT_TIMEOUT)


def start_queue_join(*, provider: str, sessions: list[AvatarSession]) -> list[AvatarSession]:
    """Put requested sessions of `provider` in its queue (among themselves in pk order).
    Returns those that joined: a session already queued (by a concurrent call), starting,
    ready or over is left alone, so repeated starts are no-ops."""
    now = timezone.now()
    with transaction.atomic():
        _gate_lock(provider, now)
        joining = set(
            AvatarSession.objects.filter(
                pk__in=[s.pk for s in sessions],
                provider=provider,
                status=AvatarSession.Status.REQUESTED,
                queued_at__isnull=True,
            ).values_list("pk", flat=True)
        )
        AvatarSession.objects.filter(pk__in=joining).update(queued_at=now, last_heartbeat_at=now)
    joined = [s for s in sessions if s.pk in joining]
    for session in joined:
        session.queued_at = session.last_heartbeat_at = now
    return joined


def _cap_for(provider: str, cap: int | None) -> int:
    if provider == "local":
        return 1_000_000  # the browser renders local avatars: no vendor slot to protect
    return max(1, cap or settings.AVATAR_MAX_CONCURRENT)


def _admit_locked(provider: str, cap: int, now: datetime) -> list[int]:
    """Inside the gate transaction: move the oldest live waiters into the free slots (one
    conditional UPDATE and one bulk insert of their events). Returns the admitted pks."""
    fresh = _fresh_since()
    same = AvatarSession.objects.filter(provider=provider)
    in_flight = same.filter(
        status=AvatarSession.Status.STARTING, last_heartbeat_at__gte=fresh
    ).count()
    free = cap - in_flight
    if free <= 0:
        return []
    waiting = list(
        same.filter(
            status=AvatarSession.Status.REQUESTED,
            queued_at__isnull=False,
            last_heartbeat_at__gte=fresh,
        )
        .select_for_update()
        .order_by("queued_at", "pk")
        .values_list("pk", "queued_at")[:free]
    )
    if not waiting:
        return []
    # The gate (and on PostgreSQL the row locks) is held: every selected waiter moves.
    return transition_many(
        AvatarSession,
        AvatarSession.Status.STARTING,
        pks=[pk for pk, _ in waiting],
        fields={"last_heartbeat_at": now},
        current={pk: AvatarSession.Status.REQUESTED for pk, _ in waiting},
        row_data={
            pk: {"waited_s": round((now - queued_at).total_seconds(), 3) if queued_at else 0.0}
            for pk, queued_at in waiting
        },
    )


def _gate_lock(provider: str, now: datetime) -> None:
    AvatarProviderGate.objects.get_or_create(provider=provider)
    # The write makes SQLite take its write lock now; on PostgreSQL the row lock queues
    # concurrent deciders behind us until commit.
    AvatarProviderGate.objects.select_for_update().filter(provider=provider).update(updated_at=now)


def start_queue_admit(
    *, provider: str, pks: list[int], cap: int | None = None
) -> tuple[set[int], set[int]]:
    """One queue check for a caller's waiting sessions `pks`, in one transaction: refresh their
    heartbeats, admit the oldest waiters of the provider (from any process: FIFO is global)
    into the free slots, and report which of `pks` are now `starting` and which left the queue
    (stopped or failed meanwhile)."""
    cap = _cap_for(provider, cap)
    now = timezone.now()
    with transaction.atomic():
        _gate_lock(provider, now)
        statuses = dict(AvatarSession.objects.filter(pk__in=pks).values_list("pk", "status"))
        waiting = [pk for pk in pks if statuses.get(pk) == AvatarSession.Status.REQUESTED]
        starting = {pk for pk in pks if statuses.get(pk) == AvatarSession.Status.STARTING}
        gone = set(pks) - set(waiting) - starting
        admitted_pks: list[int] = []
        if waiting:
            AvatarSession.objects.filter(pk__in=waiting).update(last_heartbeat_at=now)
            admitted_pks = _admit_locked(provider, cap, now)
    ours = set(pks)
    starting |= ours.intersection(admitted_pks)
    _wake([pk for pk in admitted_pks if pk not in ours])  # after the commit
    return starting, gone


# Waiters in this process: session pk -> (loop, event, provider, queued_at). Wake-ups only
# shorten a wait; the database stays the only source of truth.
_LOCAL_WAITERS: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Event, str, datetime]] = {}


def _wake(pks: list[int]) -> None:
    for pk in pks:
        entry = _LOCAL_WAITERS.get(pk)
        if entry is not None:
            loop, event = entry[0], entry[1]
            if not loop.is_closed():
                loop.call_soon_threadsafe(event.set)


def start_slot_released(*, provider: str) -> None:
    """A start in this process ended (ready or failed): wake the oldest local waiter for the
    provider, which admits the next waiters now instead of at its next poll."""
    waiting = [
        (queued_at, pk) for pk, (_, _, p, queued_at) in _LOCAL_WAITERS.items() if p == provider
    ]
    if waiting:
        _wake([min(waiting)[1]])


async def start_queue_wait(
    *,
    provider: str,
    sessions: list[AvatarSession],
    on_admitted: Callable[[AvatarSession], None],
    on_left: Callable[[AvatarSession], None],
    max_wait: float | None = None,
) -> list[AvatarSession]:
    """Wait for start slots for queued sessions of one provider, one admission transaction per
    round for all of them. `on_admitted(session)` runs as each is admitted (in queue order),
    `on_left(session)` for those stopped meanwhile. Returns the
    sessions still waiting after `max_wait` seconds (empty when all were admitted or left).
    Local wake-ups (a start of this process ended, or another waiter admitted ours) end a
    round early; the poll only covers other processes."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + (
        max_wait if max_wait is not None else settings.AVATAR_START_QUEUE_TIMEOUT
    )
    woken = asyncio.Event()
    waiting = {s.pk: s for s in sessions}
    now = timezone.now()
    for s in sessions:
        _LOCAL_WAITERS[s.pk] = (loop, woken, provider, s.queued_at or now)
    try:
        while waiting:
            woken.clear()
            starting, gone = await sync_to_async(start_queue_admit)(
                provider=provider, pks=list(waiting)
            )
            for pk in list(waiting):
                if pk in starting:
                    session = waiting.pop(pk)
                    _LOCAL_WAITERS.pop(pk, None)
                    session.status = AvatarSession.Status.STARTING
                    on_admitted(session)
                elif pk in gone:
                    session = waiting.pop(pk)
                    _LOCAL_WAITERS.pop(pk, None)
                    on_left(session)
            if not waiting:
                break
            if loop.time() >= deadline:
                return list(waiting.values())
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(random.uniform(*QUEUE_POLL)):  # noqa: S311
                    await woken.wait()
        return []
    finally:
        for pk in waiting:
            _LOCAL_WAITERS.pop(pk, None)
