"""The avatar background loop also runs the other apps' recovery and reaping hooks."""

from __future__ import annotations

from django.conf import settings

from avatars.reaper import _run_hooks

CALLS: list[str] = []


async def ok_hook() -> None:
    CALLS.append("ok")


async def broken_hook() -> None:
    CALLS.append("broken")
    raise RuntimeError("boom")


def test_classroom_recovery_and_reaping_are_wired() -> None:
    assert "classrooms.services.class_sessions_resume" in settings.BACKGROUND_STARTUP_HOOKS
    assert "classrooms.services.class_sessions_reap" in settings.BACKGROUND_PERIODIC_HOOKS


async def test_a_failing_hook_does_not_stop_the_others(settings) -> None:
    CALLS.clear()
    settings.BACKGROUND_PERIODIC_HOOKS = [
        f"{__name__}.broken_hook",
        f"{__name__}.ok_hook",
    ]
    await _run_hooks("BACKGROUND_PERIODIC_HOOKS")
    assert CALLS == ["broken", "ok"]
