"""Startup checks: a selected real provider without its key is a clear error, never a 500 later."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

REQUIRED_KEYS: dict[tuple[str, str], tuple[str, ...]] = {
    ("AVATAR_PROVIDER", "heygen"): ("HEYGEN_API_KEY",),
    ("AVATAR_PROVIDER", "liveavatar"): ("LIVEAVATAR_API_KEY",),
    ("TRANSCRIBER", "deepgram"): ("DEEPGRAM_API_KEY",),
    ("LLM_PROVIDER", "openai"): ("OPENAI_API_KEY",),
    ("MEETING_PROVIDER", "zoom"): ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"),
}
KNOWN = {
    "AVATAR_PROVIDER": {"local", "heygen", "liveavatar"},
    "TRANSCRIBER": {"local", "deepgram"},
    "LLM_PROVIDER": {"local", "openai"},
    "MEETING_PROVIDER": {"local", "zoom"},
}


@register()
def provider_settings_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    for setting, allowed in KNOWN.items():
        value = getattr(settings, setting)
        if value not in allowed:
            errors.append(
                Error(
                    f"{setting}={value!r} is not a known provider.",
                    hint=f"Use one of: {', '.join(sorted(allowed))}.",
                    id="mockingbird.E001",
                )
            )
    for (setting, value), keys in REQUIRED_KEYS.items():
        if getattr(settings, setting) != value:
            continue
        missing = [key for key in keys if not getattr(settings, key)]
        if missing:
            errors.append(
                Error(
                    f"{setting}={value} is selected but {', '.join(missing)} is not set.",
                    hint=f"Set {', '.join(missing)} in the environment, or set {setting}=local.",
                    id="mockingbird.E002",
                )
            )
    return errors
