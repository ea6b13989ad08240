"""Start (or reuse) the interview's avatar session, retrying with backoff, and tell the page
how it is going (connecting, retrying, ready, or failed with the voice-only fallback)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from avatars.models import AvatarSession
from avatars.providers.base import ProviderError
from avatars.services import avatar_session_create, avatar_session_start, avatar_session_stop
from interviews import services
from interviews.models import MockInterview
from interviews.selectors.live import avatar_options, current_avatar_session

logger = logging.getLogger(__name__)
db = database_sync_to_async

AVATAR_START_ATTEMPTS = 3

Send = Callable[[dict[str, Any]], Awaitable[None]]


def connection_frame(session: AvatarSession) -> dict[str, Any]:
    return {
        "type": "avatar.connection",
        "status": "ready",
        "provider": session.provider,
        "connection": session.connection,
    }


async def interview_avatar_start(
    *, interview_id: int, public_id: str, user_id: int, send: Send
) -> AvatarSession | None:
    """The interview's ready avatar session (the page is told), or None after the last
    attempt failed (the page is told to fall back to voice)."""
    session = await db(current_avatar_session)(interview_id)
    if session is not None and session.status == AvatarSession.Status.READY:
        await send(connection_frame(session))
        return session
    if session is not None and session.is_live:  # left half-started by a dropped connection
        try:
            await avatar_session_stop(session=session, reason="restarting")
        except ProviderError:
            logger.info("Stopping a stale avatar session failed")
    options = await db(avatar_options)(user_id)
    error = ""
    for attempt in range(1, AVATAR_START_ATTEMPTS + 1):
        await send(
            {
                "type": "avatar.connection",
                "status": "connecting",
                "attempt": attempt,
                "provider": settings.AVATAR_PROVIDER,
            }
        )
        session = await db(avatar_session_create)(
            purpose=AvatarSession.Purpose.INTERVIEW, subject=public_id, options=options
        )
        await db(services.interview_attach_avatar)(
            interview=await MockInterview.objects.aget(pk=interview_id), session_id=session.pk
        )
        session = await avatar_session_start(session=session)
        if session.status == AvatarSession.Status.READY:
            await send(connection_frame(session))
            return session
        error = session.error or "The avatar did not start."
        if attempt < AVATAR_START_ATTEMPTS:
            delays = settings.INTERVIEW_AVATAR_RETRY_DELAYS
            delay = delays[min(attempt - 1, len(delays) - 1)]
            await send(
                {
                    "type": "avatar.connection",
                    "status": "retrying",
                    "attempt": attempt,
                    "retry_in": delay,
                    "message": error,
                }
            )
            await asyncio.sleep(delay)
    await send(
        {"type": "avatar.connection", "status": "failed", "message": error, "fallback": "voice"}
    )
    return None
