"""Avatar session services: the only code that starts, drives and stops vendor sessions.

Sync functions write rows (call them from async code through `sync_to_async`); async functions
talk to the provider. Start and stop are idempotent. The vendor session id is saved the moment
the vendor assigns it, before anything else can fail.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from avatars.models import AvatarSession, AvatarSessionEvent
from avatars.providers.base import AvatarStartOptions, ProviderError
from avatars.providers.registry import get_avatar_provider
from config.lifecycle import transition

logger = logging.getLogger(__name__)


def avatar_session_transition(
    *,
    session: AvatarSession,
    to: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
) -> bool:
    return transition(
        session,
        to,
        transitions=AvatarSession.TRANSITIONS,
        event_model=AvatarSessionEvent,
        event_fk="session",
        reason=reason,
        data=data,
        fields=fields,
    )


def avatar_session_create(
    *,
    purpose: str,
    subject: str,
    options: AvatarStartOptions | None = None,
    provider: str | None = None,
) -> AvatarSession:
    options = options or AvatarStartOptions()
    with transaction.atomic():
        session = AvatarSession.objects.create(
            purpose=purpose,
            subject=subject,
            provider=provider or settings.AVATAR_PROVIDER,
            avatar_id=options.avatar_id or settings.AVATAR_DEFAULT_ID,
            voice_id=options.voice_id or settings.AVATAR_DEFAULT_VOICE,
            quality=options.quality,
        )
        AvatarSessionEvent.objects.create(session=session, to_status=session.status)
    return session


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


async def avatar_session_start(*, session: AvatarSession) -> AvatarSession:
    """Start the vendor session. Repeated calls on a starting/ready session are no-ops."""
    moved = await sync_to_async(avatar_session_transition)(session=session, to="starting")
    if not moved:
        await session.arefresh_from_db()
        return session
    provider = get_avatar_provider(session.provider)

    async def on_created(provider_session_id: str) -> None:
        await sync_to_async(_save_provider_id)(session, provider_session_id)

    try:
        connection = await provider.start(_options(session), on_created=on_created)
    except ProviderError as exc:
        await sync_to_async(avatar_session_transition)(
            session=session,
            to="failed",
            reason=exc.message,
            data={"code": exc.code, "status": exc.status, "permanent": exc.permanent},
            fields={"error": exc.user_message, "ended_at": timezone.now()},
        )
        if session.provider_session_id:
            await _stop_vendor_quietly(session)
        return session
    now = timezone.now()
    await sync_to_async(avatar_session_transition)(
        session=session,
        to="ready",
        fields={
            "provider_session_id": connection.session_id,
            "connection": connection.for_browser(),
            "ready_at": now,
            "last_heartbeat_at": now,
        },
    )
    return session


async def _stop_vendor_quietly(session: AvatarSession, reason: str = "") -> bool:
    try:
        await get_avatar_provider(session.provider).stop(session.provider_session_id, reason)
    except ProviderError as exc:
        logger.warning("Stopping %s failed: %s", session.provider_session_id, exc)
        return False
    return True


async def avatar_session_speak(*, session: AvatarSession, text: str) -> str:
    return await get_avatar_provider(session.provider).speak(session.provider_session_id, text)


async def avatar_session_interrupt(*, session: AvatarSession) -> None:
    await get_avatar_provider(session.provider).interrupt(session.provider_session_id)


def avatar_session_record_speech(
    *, session: AvatarSession, event: str, seconds: float = 0.0
) -> None:
    """Browser-reported speech events: the first one stamps first_speech_at; ends add time."""
    now = timezone.now()
    qs = AvatarSession.objects.filter(pk=session.pk)
    if event == "speak_started":
        qs.filter(first_speech_at__isnull=True).update(first_speech_at=now)
    elif event == "speak_ended" and 0 < seconds < 600:
        from django.db.models import F

        qs.update(seconds_spoken=F("seconds_spoken") + seconds)
    qs.update(last_heartbeat_at=now)


def avatar_session_heartbeat(*, session: AvatarSession) -> None:
    AvatarSession.objects.filter(pk=session.pk).update(last_heartbeat_at=timezone.now())


async def avatar_session_stop(*, session: AvatarSession, reason: str = "") -> AvatarSession:
    """Stop the vendor session and end the row. Idempotent: an ended session stays ended."""
    await session.arefresh_from_db()
    if not session.is_live:
        return session
    await sync_to_async(avatar_session_transition)(session=session, to="stopping", reason=reason)
    stopped = True
    if session.provider_session_id:
        stopped = await _stop_vendor_quietly(session, reason)
    now = timezone.now()
    await sync_to_async(avatar_session_transition)(
        session=session,
        to="ended",
        reason=reason if stopped else f"{reason} (vendor stop failed; the reaper will retry)",
        fields={"ended_at": now, "estimated_cost": _cost(session, now)},
    )
    return session
