"""Start-path writes that concurrent avatar starts share: a wave of starts is saved in a few
statements, not one per session, because every write of an async start waits its turn on the
process's one database thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

from asgiref.sync import sync_to_async
from django.db import transaction
from django.utils import timezone

from avatars.models import AvatarSession
from avatars.providers.base import AvatarConnection
from config.lifecycle import transition_many

#: The ready fields every session of a batch shares (the others come from its connection).
READY_SHARED = ("ready_at", "last_heartbeat_at", "last_activity_at", "keepalive_at")


def ready_fields(connection: AvatarConnection, now: datetime) -> dict[str, Any]:
    return {
        "provider_session_id": connection.session_id,
        "connection": connection.for_browser(),
        **dict.fromkeys(READY_SHARED, now),
    }


def mark_ready_many(
    started: list[tuple[AvatarSession, AvatarConnection]],
) -> list[tuple[AvatarSession, AvatarConnection]]:
    """starting -> ready for many sessions in one transaction: one conditional UPDATE for the
    move and the shared timestamps, one bulk update of each row's vendor id and browser
    connection, one bulk insert of events. Returns those stopped meanwhile (their vendor
    session must be stopped)."""
    now = timezone.now()
    by_pk = {session.pk: (session, connection) for session, connection in started}
    with transaction.atomic():
        moved = set(
            transition_many(
                AvatarSession,
                AvatarSession.Status.READY,
                pks=list(by_pk),
                fields=dict.fromkeys(READY_SHARED, now),
                sources=[AvatarSession.Status.STARTING],
            )
        )
        ready: list[AvatarSession] = []
        for pk in moved:
            session, connection = by_pk[pk]
            for name, value in ready_fields(connection, now).items():
                setattr(session, name, value)
            session.status = AvatarSession.Status.READY
            ready.append(session)
        if ready:
            AvatarSession.objects.bulk_update(ready, ["provider_session_id", "connection"])
    return [(s, c) for s, c in started if s.pk not in moved]


#: A caller's hook on sessions just marked ready (run in the database thread); returns those
#: it no longer wants, each with the reason it is stopped.
OnReady = Callable[[list[AvatarSession]], list[tuple[AvatarSession, str]]]


def mark_ready_then(
    started: list[tuple[AvatarSession, AvatarConnection]], on_ready: OnReady | None
) -> tuple[list[tuple[AvatarSession, AvatarConnection]], list[tuple[AvatarSession, str]]]:
    """`mark_ready_many`, then the caller's hook on the sessions that moved, in one trip to the
    database thread (the hook's own writes commit on their own), so the caller's rows (a class
    start's rooms) move with their avatars. Returns (stopped meanwhile, unwanted)."""
    stale = mark_ready_many(started)
    stale_pks = {s.pk for s, _ in stale}
    ready = [s for s, _ in started if s.pk not in stale_pks]
    unwanted = on_ready(ready) if on_ready is not None and ready else []
    return stale, unwanted


class VendorIdWriter:
    """Saves the vendor session ids of concurrent starts together: every id handed in while a
    save is running goes into the next one (one bulk update for all of them), so a wave of
    starts does not queue one single-row write per start on the database thread. Each caller still
    waits until its own id is saved: no start goes on to `streaming.start` with an unsaved
    vendor session."""

    def __init__(self) -> None:
        self.pending: list[tuple[AvatarSession, str, asyncio.Future[None]]] = []
        self.drainer: asyncio.Task[None] | None = None

    async def save(self, session: AvatarSession, provider_session_id: str) -> None:
        saved: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.pending.append((session, provider_session_id, saved))
        if self.drainer is None or self.drainer.done():
            self.drainer = asyncio.create_task(self._drain())
        await saved

    async def _drain(self) -> None:
        while self.pending:
            batch, self.pending = self.pending, []
            try:
                await sync_to_async(save_provider_ids)([(s, i) for s, i, _ in batch])
            except asyncio.CancelledError:
                for *_, saved in batch:
                    saved.cancel()
                raise
            except Exception as exc:
                for *_, saved in batch:
                    if not saved.done():
                        saved.set_exception(exc)
                continue
            for *_, saved in batch:
                if not saved.done():
                    saved.set_result(None)


def save_provider_ids(items: list[tuple[AvatarSession, str]]) -> None:
    for session, provider_session_id in items:
        session.provider_session_id = provider_session_id
    AvatarSession.objects.bulk_update([s for s, _ in items], ["provider_session_id"])
