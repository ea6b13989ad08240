"""The reaper: leaked vendor sessions are stopped, abandoned sessions end, keep-alives flow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.core.management import call_command
from django.utils import timezone

from avatars.models import AvatarSession
from avatars.reaper import keepalive_once, reap_once
from avatars.services import avatar_session_create, avatar_session_start

pytestmark = pytest.mark.django_db(transaction=True)
S = AvatarSession.Status


async def _ready(settings, fake_providers, avatar: str = "heygen") -> AvatarSession:
    fake_providers.configure(settings, avatar=avatar)
    session = await sync_to_async(avatar_session_create)(purpose="interview", subject="i1")
    session = await avatar_session_start(session=session)
    assert session.status == S.READY
    return session


async def test_a_leaked_vendor_session_is_stopped_by_the_reaper(fake_providers, settings):
    session = await _ready(settings, fake_providers)
    keep = await _ready(settings, fake_providers)
    # Our database ended the session but the vendor stop never happened (crash, lost call).
    await AvatarSession.objects.filter(pk=session.pk).aupdate(status=S.ENDED)
    assert fake_providers.state()["open_sessions"]["heygen"] == 2
    report = await reap_once()
    assert report.vendor_stopped == [session.provider_session_id]
    state = fake_providers.state()
    assert state["open_sessions"]["heygen"] == 1
    open_ids = [s["session_id"] for s in state["sessions"]["heygen"] if s["status"] != "closed"]
    assert open_ids == [keep.provider_session_id]  # a live session is never touched


async def test_liveavatar_leaks_are_stopped_with_the_zombie_reason(fake_providers, settings):
    session = await _ready(settings, fake_providers, avatar="liveavatar")
    await AvatarSession.objects.filter(pk=session.pk).aupdate(status=S.FAILED)
    await reap_once()
    [vendor] = fake_providers.state()["sessions"]["liveavatar"]
    assert vendor["close_reason"] == "ZOMBIE_SESSION_REAP"


@pytest.mark.parametrize(
    ("update", "reason"),
    [
        ({"last_heartbeat_at": timedelta(minutes=-10)}, "heartbeat stopped"),
        ({"last_activity_at": timedelta(minutes=-30)}, "idle timeout"),
        ({"ready_at": timedelta(hours=-2)}, "max duration reached"),
    ],
)
async def test_abandoned_sessions_are_ended_and_costed(fake_providers, settings, update, reason):
    session = await _ready(settings, fake_providers)
    now = timezone.now()
    await AvatarSession.objects.filter(pk=session.pk).aupdate(
        **{name: now + delta for name, delta in update.items()}
    )
    report = await reap_once()
    assert report.ended[str(session.public_id)].startswith(reason)
    await session.arefresh_from_db()
    assert session.status == S.ENDED
    assert fake_providers.state()["open_sessions"]["heygen"] == 0
    if reason == "max duration reached":
        assert float(session.estimated_cost) == pytest.approx(
            120 * settings.AVATAR_PRICE_PER_MINUTE, rel=0.01
        )


async def test_keepalives_are_sent_once_per_interval_for_sessions_in_use(fake_providers, settings):
    session = await _ready(settings, fake_providers)
    assert await keepalive_once() == 0  # just started: not due
    await AvatarSession.objects.filter(pk=session.pk).aupdate(
        keepalive_at=timezone.now() - timedelta(seconds=settings.AVATAR_KEEPALIVE_INTERVAL + 1)
    )
    assert await keepalive_once() == 1
    assert await keepalive_once() == 0  # claimed: another process would not send it again
    assert fake_providers.state()["requests"]["heygen.keep_alive"] == 1


async def test_a_session_the_vendor_closed_is_ended_on_keepalive(fake_providers, settings):
    session = await _ready(settings, fake_providers)
    fake_providers.knobs(heygen_keep_alive={"fail": "404"})
    await AvatarSession.objects.filter(pk=session.pk).aupdate(keepalive_at=None)
    await keepalive_once()
    await session.arefresh_from_db()
    assert session.status == S.ENDED


def test_reap_command_reports_what_it_did(fake_providers, settings, capsys):
    fake_providers.configure(settings, avatar="heygen")
    call_command("reap_avatar_sessions")
    assert "0 session(s) ended, 0 leaked vendor session(s) stopped" in capsys.readouterr().out
