"""Avatar sessions as data: lifecycle, idempotent start/stop, the cross-process start cap."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from asgiref.sync import sync_to_async

from avatars.models import AvatarSession, AvatarSessionEvent
from avatars.services import (
    avatar_session_create,
    avatar_session_record_speech,
    avatar_session_speak,
    avatar_session_start,
    avatar_session_stop,
)
from config.lifecycle import InvalidTransition, transition

S = AvatarSession.Status
ALL = [choice.value for choice in S]


def _make(status: str) -> AvatarSession:
    return AvatarSession.objects.create(
        purpose="interview", subject="x", provider="local", status=status
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "target"), list(itertools.product(ALL, ALL)))
def test_every_status_transition_is_allowed_or_refused_by_the_table(current, target) -> None:
    session = _make(current)
    if current == target:
        assert transition(session, target) is False
        assert not AvatarSessionEvent.objects.filter(session=session).exists()
    elif current in AvatarSession.TRANSITIONS.get(target, ()):
        assert transition(session, target, reason="test") is True
        session.refresh_from_db()
        assert session.status == target
        event = AvatarSessionEvent.objects.get(session=session)
        assert (event.from_status, event.to_status, event.reason) == (current, target, "test")
    else:
        with pytest.raises(InvalidTransition):
            transition(session, target)
        session.refresh_from_db()
        assert session.status == current


def test_ended_and_failed_are_final() -> None:
    for target, sources in AvatarSession.TRANSITIONS.items():
        assert S.ENDED not in sources, target
        assert S.FAILED not in sources, target


async def _create(n: int = 1, **kw) -> list[AvatarSession]:
    return [
        await sync_to_async(avatar_session_create)(purpose="interview", subject=f"s{i}", **kw)
        for i in range(n)
    ]


@pytest.mark.django_db(transaction=True)
async def test_local_session_start_speak_stop(settings) -> None:
    [session] = await _create()
    session = await avatar_session_start(session=session)
    assert session.status == S.READY
    assert session.connection["provider"] == "local"
    assert await avatar_session_speak(session=session, text="Hello")
    await sync_to_async(avatar_session_record_speech)(session=session, event="speak_started")
    await sync_to_async(avatar_session_record_speech)(
        session=session, event="speak_ended", seconds=2.5
    )
    session = await avatar_session_stop(session=session, reason="done")
    assert session.status == S.ENDED
    assert session.first_speech_at is not None
    assert session.seconds_spoken == 2.5
    statuses = [e.to_status async for e in AvatarSessionEvent.objects.filter(session=session)]
    assert statuses == ["requested", "starting", "ready", "stopping", "ended"]


@pytest.mark.django_db(transaction=True)
async def test_repeated_and_concurrent_starts_and_stops_are_no_ops(fake_providers, settings):
    fake_providers.configure(settings, avatar="heygen")
    fake_providers.knobs(heygen_start={"latency": 0.1})
    [session] = await _create()
    twin = await AvatarSession.objects.aget(pk=session.pk)
    first, second = await asyncio.gather(
        avatar_session_start(session=session), avatar_session_start(session=twin)
    )
    await first.arefresh_from_db()
    assert first.status == S.READY
    again = await avatar_session_start(session=first)
    assert again.status == S.READY
    assert again.provider_session_id == first.provider_session_id
    assert fake_providers.state()["requests"]["heygen.new"] == 1
    await avatar_session_stop(session=first, reason="done")
    await avatar_session_stop(session=first, reason="done again")
    await avatar_session_stop(session=second, reason="from the twin")
    state = fake_providers.state()
    assert state["requests"]["heygen.stop"] == 1
    assert state["open_sessions"]["heygen"] == 0
    await first.arefresh_from_db()
    assert first.status == S.ENDED
    assert first.estimated_cost >= 0


@pytest.mark.django_db(transaction=True)
async def test_a_retryable_failure_is_retried_without_leaking_the_first_vendor_session(
    fake_providers, settings
):
    fake_providers.configure(settings, avatar="heygen")
    fake_providers.knobs(heygen_start={"fail": "500", "fail_times": 1})
    [session] = await _create()
    session = await avatar_session_start(session=session)
    assert session.status == S.READY
    state = fake_providers.state()
    assert state["open_sessions"]["heygen"] == 1
    assert [s["status"] for s in state["sessions"]["heygen"]] == ["closed", "connected"]
    assert session.provider_session_id == state["sessions"]["heygen"][1]["session_id"]
    reasons = [e.reason async for e in AvatarSessionEvent.objects.filter(session=session)]
    assert "retry" in reasons


@pytest.mark.django_db(transaction=True)
async def test_a_permanent_failure_fails_the_session_with_a_clear_message(fake_providers, settings):
    fake_providers.configure(settings, avatar="heygen")
    [session] = await _create(options=None)
    await AvatarSession.objects.filter(pk=session.pk).aupdate(avatar_id="Nobody_public")
    await session.arefresh_from_db()
    session = await avatar_session_start(session=session)
    assert session.status == S.FAILED
    assert "heygen" in session.error
    assert fake_providers.state()["requests"].get("heygen.start") is None
    assert fake_providers.state()["open_sessions"]["heygen"] == 0


@pytest.mark.django_db(transaction=True)
async def test_thirty_simultaneous_starts_never_exceed_the_cap_and_all_end_ready(
    fake_providers, settings
):
    fake_providers.configure(settings, avatar="heygen")
    settings.AVATAR_MAX_CONCURRENT = 5
    fake_providers.knobs(heygen_new={"latency": 0.03}, heygen_start={"latency": 0.05})
    sessions = await _create(30)
    results = await asyncio.gather(*(avatar_session_start(session=s) for s in sessions))
    assert [r.status for r in results] == [S.READY] * 30
    state = fake_providers.state()
    assert state["max_starting"]["heygen"] <= 5
    assert state["max_in_flight"]["heygen"] <= 5
    assert state["open_sessions"]["heygen"] == 30
    # The rest waited in order: sessions reached "starting" in the order they queued.
    by_queue = [
        pk
        async for pk in AvatarSession.objects.order_by("queued_at", "pk").values_list(
            "pk", flat=True
        )
    ]
    by_start = [
        pk
        async for pk in AvatarSessionEvent.objects.filter(to_status="starting")
        .order_by("created_at", "pk")
        .values_list("session_id", flat=True)
    ]
    assert by_start == by_queue
    await asyncio.gather(*(avatar_session_stop(session=s, reason="class over") for s in results))
    assert fake_providers.state()["open_sessions"]["heygen"] == 0


@pytest.mark.django_db(transaction=True)
async def test_a_start_stopped_while_waiting_for_a_slot_never_reaches_the_vendor(
    fake_providers, settings
):
    fake_providers.configure(settings, avatar="heygen")
    settings.AVATAR_MAX_CONCURRENT = 1
    fake_providers.knobs(heygen_start={"latency": 0.5})
    first, second = await _create(2)
    first_start = asyncio.create_task(avatar_session_start(session=first))
    while not await AvatarSession.objects.filter(pk=first.pk, status=S.STARTING).aexists():
        await asyncio.sleep(0.02)
    second_start = asyncio.create_task(avatar_session_start(session=second))
    while not await AvatarSession.objects.filter(pk=second.pk, queued_at__isnull=False).aexists():
        await asyncio.sleep(0.02)
    stopped = await avatar_session_stop(session=await AvatarSession.objects.aget(pk=second.pk))
    assert stopped.status == S.ENDED
    second_result = await second_start
    assert second_result.status == S.ENDED
    assert (await first_start).status == S.READY
    assert fake_providers.state()["requests"]["heygen.new"] == 1
