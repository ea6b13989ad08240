"""Avatar session services: the only code that starts, drives and stops vendor sessions.

Sync functions write rows (call them from async code through `sync_to_async`); async functions
talk to the provider. Start and stop are idempotent. The vendor session id is saved the moment
the vendor assigns it, before anything else can fail.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from avatars.models import AvatarSession
from avatars.providers.base import AvatarConnection, AvatarStartOptions, ProviderError
from avatars.providers.registry import get_avatar_provider
from avatars.start_writes import OnReady, VendorIdWriter, mark_ready_then
from config.lifecycle import (
    InvalidTransition,
    record_created,
    record_note,
    transition,
)

logger = logging.getLogger(__name__)


def avatar_session_create(
    *,
    purpose: str,
    subject: str,
    options: AvatarStartOptions | None = None,
    provider: str | None = None,
) -> AvatarSession:
    [session] = avatar_sessions_create(
        purpose=purpose, items=[(subject, options)], provider=provider
    )
    return session


def avatar_sessions_create(
    *,
    purpose: str,
    items: list[tuple[str, AvatarStartOptions | None]],
    provider: str | None = None,
) -> list[AvatarSession]:
    """One requested session per (subject, options), in list order (two queries: sessions,
    events). Start them with `avatar_sessions_start`; sessions never started are ended by the
    reaper once their heartbeat is stale."""
    now = timezone.now()
    chosen = provider or settings.AVATAR_PROVIDER
    rows = []
    for subject, options in items:
        options = options or AvatarStartOptions()
        rows.append(
            AvatarSession(
                purpose=purpose,
                subject=subject,
                provider=chosen,
                avatar_id=options.avatar_id or settings.AVATAR_DEFAULT_ID,
                voice_id=options.voice_id or settings.AVATAR_DEFAULT_VOICE,
                quality=options.quality,
                requested_at=now,
                last_heartbeat_at=now,
            )
        )
    with transaction.atomic():
        sessions = AvatarSession.objects.bulk_create(rows)
        record_created(sessions)
    return sessions


async def avatar_session_start(*, session: AvatarSession) -> AvatarSession:
    """Start one session (`avatar_sessions_start` with one session)."""
    [started] = await avatar_sessions_start(sessions=[session])
    return started


async def avatar_sessions_start(
    *,
    sessions: list[AvatarSession],
    on_done: Callable[[AvatarSession], None] | None = None,
    on_ready: OnReady | None = None,
) -> list[AvatarSession]:
    """Start requested sessions. Repeated or concurrent calls for a session are no-ops: only
    the call that puts it in its provider's queue starts it; the others report it as it is.

    Starts wait their turn in the provider's queue (at most AVATAR_MAX_CONCURRENT in flight per
    provider, across processes, FIFO), one admission transaction per round for all of this
    call's sessions. Each admitted start calls the vendor at once, retrying retryable errors
    with jittered backoff; a vendor session created by a failed attempt is stopped before the
    next attempt, and its id is saved the moment the vendor assigns it. `on_done(session)` runs
    as each start ends (ready, failed or stopped meanwhile). `on_ready(sessions)` runs in the
    database thread right after a batch is marked ready (before `on_done`), for the caller's
    own rows; the sessions it returns are stopped with the reason it gives. Returns the
    sessions in their final state."""
    from avatars.start_queue import start_queue_join, start_queue_wait, start_slot_released

    def report(session: AvatarSession) -> None:
        if on_done is not None:
            on_done(session)

    tasks: list[asyncio.Task[None]] = []
    # Vendor starts that succeeded are marked ready in batches (one transaction for all that
    # finished meanwhile), so a wave's slots free up together instead of one commit at a time.
    started: asyncio.Queue[tuple[AvatarSession, AvatarConnection] | None] = asyncio.Queue()
    id_writer = VendorIdWriter()

    async def mark_ready() -> None:
        done = False
        while not done:
            batch: list[tuple[AvatarSession, AvatarConnection]] = []
            item = await started.get()
            while True:
                if item is None:  # every vendor call has ended
                    done = True
                    break
                batch.append(item)
                if started.empty():
                    break
                item = started.get_nowait()
            if not batch:
                continue
            stale, unwanted = await sync_to_async(mark_ready_then)(batch, on_ready)
            for session, connection in stale:
                session.provider_session_id = connection.session_id
                await _stop_vendor_quietly(session, "stopped while starting")
                await session.arefresh_from_db()
            for session, reason in unwanted:
                await avatar_session_stop(session=session, reason=reason)
            for session, _ in batch:
                start_slot_released(provider=session.provider)
                report(session)

    async def run(session: AvatarSession) -> None:
        try:
            connection = await _vendor_start(session, id_writer)
        except BaseException:
            start_slot_released(provider=session.provider)
            raise
        if connection is None:
            start_slot_released(provider=session.provider)
            report(session)
        else:
            started.put_nowait((session, connection))

    async def left(session: AvatarSession) -> None:
        await session.arefresh_from_db()
        report(session)

    def admitted(session: AvatarSession) -> None:
        tasks.append(asyncio.create_task(run(session)))

    def gone(session: AvatarSession) -> None:
        tasks.append(asyncio.create_task(left(session)))

    by_provider: dict[str, list[AvatarSession]] = {}
    for session in sessions:
        by_provider.setdefault(session.provider, []).append(session)
    queued: dict[str, list[AvatarSession]] = {}
    for provider, group in by_provider.items():
        queued[provider] = await sync_to_async(start_queue_join)(provider=provider, sessions=group)
        joined = {s.pk for s in queued[provider]}
        for session in group:
            if session.pk not in joined:
                gone(session)  # started by another call, or over: report it as it is
    marker = asyncio.create_task(mark_ready())
    try:
        leftovers = await asyncio.gather(
            *(
                start_queue_wait(
                    provider=provider, sessions=group, on_admitted=admitted, on_left=gone
                )
                for provider, group in queued.items()
                if group
            )
        )
        for session in (s for group in leftovers for s in group):
            await sync_to_async(_fail_quietly)(
                session,
                "start queue timeout",
                {"code": "queue_timeout"},
                "All avatar slots stayed busy; please try again in a minute.",
            )
            report(session)
        await asyncio.gather(*tasks)
        started.put_nowait(None)
        await marker
    except BaseException:
        for task in [*tasks, marker]:
            task.cancel()
        raise
    return sessions


def _options(session: AvatarSession) -> AvatarStartOptions:
    return AvatarStartOptions(
        avatar_id=session.avatar_id, voice_id=session.voice_id, quality=session.quality
    )


def _save_provider_id(session: AvatarSession, provider_session_id: str) -> None:
    AvatarSession.objects.filter(pk=session.pk).update(provider_session_id=provider_session_id)
    session.provider_session_id = provider_session_id


def _cost(session: AvatarSession, ended_at: Any) -> Decimal:
    if not session.ready_at:
        return Decimal("0")
    minutes = max(0.0, (ended_at - session.ready_at).total_seconds() / 60)
    return Decimal(str(round(minutes * settings.AVATAR_PRICE_PER_MINUTE, 4)))


async def _vendor_start(
    session: AvatarSession, id_writer: VendorIdWriter
) -> AvatarConnection | None:
    """Call the vendor for an admitted start (retrying retryable errors). Returns the
    connection, or None when the start failed (the session is then failed). `id_writer`
    saves the vendor session id together with those of concurrent starts."""
    from avatars.retries import backoff_delay

    provider = get_avatar_provider(session.provider)

    async def on_created(provider_session_id: str) -> None:
        await id_writer.save(session, provider_session_id)

    attempt = 0
    while True:
        try:
            connection = await provider.start(_options(session), on_created=on_created)
            break
        except ProviderError as exc:
            if session.provider_session_id:
                await _stop_vendor_quietly(session, "start failed")
                await sync_to_async(_save_provider_id)(session, "")
            if exc.permanent or attempt >= settings.PROVIDER_MAX_RETRIES:
                await sync_to_async(_fail_quietly)(
                    session,
                    exc.message,
                    {"code": exc.code, "status": exc.status, "permanent": exc.permanent},
                    exc.user_message,
                )
                return None
            await sync_to_async(record_note)(
                session, "retry", {"code": exc.code, "attempt": attempt + 1}
            )
            await asyncio.sleep(backoff_delay(attempt, exc))
            attempt += 1
            await sync_to_async(avatar_session_heartbeat)(session=session)
    return connection


def _fail_quietly(
    session: AvatarSession, reason: str, data: dict[str, Any], user_message: str
) -> None:
    try:
        transition(
            session,
            AvatarSession.Status.FAILED,
            reason=reason,
            data=data,
            fields={"error": user_message, "ended_at": timezone.now()},
        )
    except InvalidTransition:
        session.refresh_from_db()


async def _stop_vendor_quietly(session: AvatarSession, reason: str = "") -> bool:
    from avatars.retries import with_retries

    provider = get_avatar_provider(session.provider)
    session_id = session.provider_session_id
    try:
        await with_retries(lambda: provider.stop(session_id, reason), max_retries=2)
    except ProviderError as exc:
        logger.warning("Stopping %s failed: %s", session.provider_session_id, exc)
        return False
    return True


async def avatar_session_speak(*, session: AvatarSession, text: str) -> str:
    """Have the avatar say `text` (retrying retryable errors); returns the task id."""
    from avatars.retries import with_retries

    provider = get_avatar_provider(session.provider)
    task_id = await with_retries(lambda: provider.speak(session.provider_session_id, text))
    await sync_to_async(_touch_activity)(session)
    return task_id


async def avatar_session_interrupt(*, session: AvatarSession) -> None:
    from avatars.retries import with_retries

    provider = get_avatar_provider(session.provider)
    await with_retries(lambda: provider.interrupt(session.provider_session_id), max_retries=1)


def _touch_activity(session: AvatarSession) -> None:
    now = timezone.now()
    AvatarSession.objects.filter(pk=session.pk).update(last_activity_at=now, last_heartbeat_at=now)


def avatar_session_record_speech(
    *, session: AvatarSession, event: str, seconds: float = 0.0
) -> None:
    """Browser-reported speech events: the first one stamps first_speech_at; ends add time."""
    now = timezone.now()
    qs = AvatarSession.objects.filter(pk=session.pk)
    if event in ("speak_started", "speak_ended"):
        qs.update(last_activity_at=now)
    if event == "speak_started":
        qs.filter(first_speech_at__isnull=True).update(first_speech_at=now)
    elif event == "speak_ended" and 0 < seconds < 600:
        from django.db.models import F

        qs.update(seconds_spoken=F("seconds_spoken") + seconds)
    qs.update(last_heartbeat_at=now)


def avatar_session_heartbeat(*, session: AvatarSession) -> None:
    AvatarSession.objects.filter(pk=session.pk).update(last_heartbeat_at=timezone.now())


def avatar_session_in_use(*, session_id: int) -> bool:
    """Someone is using the session (a socket is connected): refresh its heartbeat, only while
    it is ready (a stopped session must not look alive). True when it was refreshed."""
    return bool(
        AvatarSession.objects.filter(pk=session_id, status=AvatarSession.Status.READY).update(
            last_heartbeat_at=timezone.now()
        )
    )


def _stop_take_over(session: AvatarSession) -> bool:
    """Claim a `stopping` row whose stopper went quiet (conditional update: one winner)."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.AVATAR_HEARTBEAT_TIMEOUT)
    return bool(
        AvatarSession.objects.filter(pk=session.pk, status=AvatarSession.Status.STOPPING)
        .filter(Q(last_heartbeat_at__lt=stale) | Q(last_heartbeat_at__isnull=True))
        .update(last_heartbeat_at=now)
    )


async def avatar_session_stop(*, session: AvatarSession, reason: str = "") -> AvatarSession:
    """Stop the vendor session and end the row. Idempotent: an ended session stays ended.

    Moving to `stopping` is the claim: when several processes stop the same session at once
    (two workers reaping, a professor ending the class while the reaper runs) only the one
    that moved it calls the vendor. A `stopping` row whose claim went stale (its process died
    mid-stop: no heartbeat for AVATAR_HEARTBEAT_TIMEOUT) is taken over by the next caller."""
    await session.arefresh_from_db()
    if not session.is_live:
        return session
    try:
        claimed = await sync_to_async(transition)(
            session,
            AvatarSession.Status.STOPPING,
            reason=reason,
            fields={"last_heartbeat_at": timezone.now()},
        )
    except InvalidTransition:  # another process ended it meanwhile
        await session.arefresh_from_db()
        return session
    if not claimed and not await sync_to_async(_stop_take_over)(session):
        return session  # another process is stopping it now
    await session.arefresh_from_db()  # the freshest provider session id
    stopped = True
    if session.provider_session_id:
        stopped = await _stop_vendor_quietly(session, reason)
    now = timezone.now()
    try:
        await sync_to_async(transition)(
            session,
            AvatarSession.Status.ENDED,
            reason=reason if stopped else f"{reason} (vendor stop failed; the reaper will retry)",
            fields={"ended_at": now, "estimated_cost": _cost(session, now)},
        )
    except InvalidTransition:
        await session.arefresh_from_db()
    return session
