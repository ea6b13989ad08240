"""Every loop that keeps the avatar layer and the classes clean is declared in the background
registry (config/background.py): one mechanism, no settings hooks, no middleware."""

from __future__ import annotations

from django.conf import settings

from config import background


def test_reaper_keepalives_and_class_recovery_are_declared() -> None:
    background.autodiscover()
    loops = background.REGISTRY.loops
    assert loops["avatars.reap"].every() == settings.AVATAR_REAPER_INTERVAL
    assert loops["avatars.keepalive"].every() <= settings.AVATAR_KEEPALIVE_INTERVAL
    assert loops["classrooms.resume"].every is None  # once, when a process starts its loops
    assert loops["classrooms.reap"].every() == settings.AVATAR_REAPER_INTERVAL
    jobs = background.REGISTRY.jobs
    assert jobs["class_session.launch"].pending is not None
    assert jobs["breakout_room.deploy"].pending is not None
    assert not hasattr(settings, "BACKGROUND_STARTUP_HOOKS")
    assert not hasattr(settings, "BACKGROUND_PERIODIC_HOOKS")
