"""Which implementation serves each capability, chosen by settings. Instances are cached."""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import Any, cast

from django.conf import settings

from avatars.providers.base import AvatarProvider, LanguageModel, Transcriber

AVATARS = {
    "local": "avatars.providers.local.LocalAvatarProvider",
    "heygen": "avatars.providers.heygen.HeyGenStreamingProvider",
    "liveavatar": "avatars.providers.liveavatar.LiveAvatarProvider",
}
# What a user reads for each avatar provider (never the setting's key).
AVATAR_LABELS = {
    "local": "the built-in animated avatar, speaking with your browser's voices",
    "heygen": "HeyGen streaming avatars",
    "liveavatar": "LiveAvatar streaming avatars",
}


def avatar_provider_label(name: str | None = None) -> str:
    key = name or settings.AVATAR_PROVIDER
    return AVATAR_LABELS.get(key, key.replace("_", " ").title())


TRANSCRIBERS = {
    "local": "avatars.providers.local.LocalTranscriber",
    "deepgram": "avatars.providers.deepgram.DeepgramTranscriber",
}
LANGUAGE_MODELS = {
    "openai": "avatars.providers.openai.OpenAILanguageModel",
}


def _load(path: str) -> Any:
    module, _, name = path.rpartition(".")
    return getattr(import_module(module), name)


@cache
def _avatar(name: str) -> AvatarProvider:
    return cast(AvatarProvider, _load(AVATARS[name])())


@cache
def _transcriber(name: str) -> Transcriber:
    return cast(Transcriber, _load(TRANSCRIBERS[name])())


@cache
def _language_model(name: str) -> LanguageModel:
    return cast(LanguageModel, _load(LANGUAGE_MODELS[name])())


def get_avatar_provider(name: str | None = None) -> AvatarProvider:
    return _avatar(name or settings.AVATAR_PROVIDER)


def get_transcriber(name: str | None = None) -> Transcriber:
    return _transcriber(name or settings.TRANSCRIBER)


def get_language_model() -> LanguageModel | None:
    """The configured model, or None when LLM_PROVIDER=local (callers use their rule engine)."""
    if settings.LLM_PROVIDER == "local":
        return None
    return _language_model(settings.LLM_PROVIDER)


def reset_providers() -> None:
    """Forget cached instances (tests that change provider settings call this)."""
    _avatar.cache_clear()
    _transcriber.cache_clear()
    _language_model.cache_clear()
