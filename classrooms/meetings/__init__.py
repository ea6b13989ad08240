"""Meeting providers: where the breakout rooms live (our own in-app rooms, or Zoom)."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from classrooms.meetings.base import MeetingProvider

PROVIDERS = ("local", "zoom")


@cache
def _provider(name: str) -> MeetingProvider:
    if name == "zoom":
        from classrooms.meetings.zoom import ZoomMeetingProvider

        return ZoomMeetingProvider.from_settings()
    if name == "local":
        from classrooms.meetings.local import LocalMeetingProvider

        return LocalMeetingProvider()
    raise ValueError(f"Unknown meeting provider {name!r}.")


def get_meeting_provider(name: str | None = None) -> MeetingProvider:
    return _provider(name or settings.MEETING_PROVIDER)


def reset_meeting_providers() -> None:
    _provider.cache_clear()
