"""Meeting providers: where the breakout rooms live (our own in-app rooms, or Zoom)."""

from __future__ import annotations

from django.conf import settings

from classrooms.meetings.base import MeetingProvider

PROVIDERS = ("local", "zoom")


def _provider(name: str) -> MeetingProvider:
    """A fresh client per call: it is cheap, holds no connection, and always reflects the
    current settings (its OAuth token lives in the shared cache)."""
    if name == "zoom":
        from classrooms.meetings.zoom import ZoomMeetingProvider

        return ZoomMeetingProvider.from_settings()
    if name == "local":
        from classrooms.meetings.local import LocalMeetingProvider

        return LocalMeetingProvider()
    raise ValueError(f"Unknown meeting provider {name!r}.")


def get_meeting_provider(name: str | None = None) -> MeetingProvider:
    return _provider(name or settings.MEETING_PROVIDER)
