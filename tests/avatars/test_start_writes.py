"""The start path's shared writes: a wave of concurrent starts saves its vendor ids and its
ready moves in a few statements, and no start goes on before its own id is saved."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from avatars.models import AvatarSession, AvatarSessionEvent
from avatars.providers.base import AvatarConnection
from avatars.start_writes import VendorIdWriter, mark_ready_many

S = AvatarSession.Status


def _sessions(count: int, status: str = S.STARTING) -> list[AvatarSession]:
    return [
        AvatarSession.objects.create(
            purpose="classroom", subject=f"room-{i}", provider="heygen", status=status
        )
        for i in range(count)
    ]


@pytest.mark.django_db
def test_ids_handed_in_together_are_saved_together_before_anyone_goes_on():
    sessions = _sessions(6)
    seen_saved: list[bool] = []

    async def start(writer: VendorIdWriter, session: AvatarSession, vendor_id: str) -> None:
        await writer.save(session, vendor_id)
        # What a crash right now would leave behind: the id must already be in the row.
        row = await sync_to_async(AvatarSession.objects.get)(pk=session.pk)
        seen_saved.append(row.provider_session_id == vendor_id)

    async def wave() -> None:
        writer = VendorIdWriter()
        await asyncio.gather(*(start(writer, s, f"v-{s.pk}") for s in sessions))

    # The database work runs in this thread (sync_to_async under async_to_sync), so the
    # queries are captured on this thread's connection.
    with CaptureQueriesContext(connection) as queries:
        async_to_sync(wave)()
    assert seen_saved == [True] * 6
    updates = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    # The first id is saved at once; the five handed in meanwhile share the next UPDATE.
    assert len(updates) <= 2


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 25])
def test_a_ready_batch_costs_the_same_statements_whatever_its_size(count):
    sessions = _sessions(count)
    started = [(s, AvatarConnection(provider="heygen", session_id=f"v{s.pk}")) for s in sessions]
    with CaptureQueriesContext(connection) as queries:
        stale = mark_ready_many(started)
    assert stale == []
    writes = [q for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RE"))]
    assert len(writes) <= 6  # read + move + connections + events (+ transaction bookkeeping)
    rows = {s.pk: s for s in AvatarSession.objects.all()}
    assert {r.status for r in rows.values()} == {S.READY}
    assert all(rows[s.pk].connection["session_id"] == f"v{s.pk}" for s in sessions)
    assert AvatarSessionEvent.objects.filter(to_status=S.READY).count() == count


@pytest.mark.django_db
def test_a_session_stopped_meanwhile_is_not_marked_ready_and_comes_back_to_be_stopped():
    moving, stopped = _sessions(2)
    AvatarSession.objects.filter(pk=stopped.pk).update(status=S.STOPPING)
    started = [
        (s, AvatarConnection(provider="heygen", session_id=f"v{s.pk}")) for s in (moving, stopped)
    ]
    stale = mark_ready_many(started)
    assert [s.pk for s, _ in stale] == [stopped.pk]
    assert AvatarSession.objects.get(pk=stopped.pk).status == S.STOPPING
    assert AvatarSession.objects.get(pk=moving.pk).status == S.READY
