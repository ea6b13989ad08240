"""Avatar preferences (the settings page)."""

from __future__ import annotations

from typing import Any, cast

from asgiref.sync import async_to_sync
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render

from avatars.providers.base import CatalogItem, ProviderError
from avatars.providers.registry import avatar_provider_label, get_avatar_provider
from config.roles import AuthenticatedHttpRequest
from interviews import services

CATALOG_TTL = 3600


# --- Avatar preferences -----------------------------------------------------------------------


def _catalog(kind: str) -> tuple[list[CatalogItem], str]:
    """The configured avatar provider's avatars or voices, cached; ('', error) on failure."""
    provider_name = settings.AVATAR_PROVIDER
    key = f"avatar-catalog:{provider_name}:{kind}"
    cached = cache.get(key)
    if cached is not None:
        return [CatalogItem(**item) for item in cached], ""
    provider = get_avatar_provider()
    try:
        items = async_to_sync(
            provider.list_avatars if kind == "avatars" else provider.list_voices
        )()
    except ProviderError as exc:
        return [], exc.user_message
    cache.set(key, [item.__dict__ for item in items], CATALOG_TTL)
    return items, ""


class PreferencesForm(forms.Form):
    avatar_id = forms.ChoiceField(label="Avatar", required=False)
    voice_id = forms.CharField(label="Voice", required=False, max_length=128)
    quality = forms.ChoiceField(label="Video quality")
    speaking_rate = forms.FloatField(
        label="Speaking rate",
        min_value=0.5,
        max_value=1.5,
        widget=forms.NumberInput({"type": "range", "step": "0.05", "min": "0.5", "max": "1.5"}),
        help_text="1.0 is a normal pace; slower gives you more time to follow.",
    )

    def __init__(
        self,
        *args: Any,
        avatars: list[CatalogItem],
        voices: list[CatalogItem],
        qualities: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["avatar_id"]).choices = [("", "Default")] + [
            (a.id, a.name) for a in avatars
        ]
        self.voice_ids = {v.id for v in voices}
        cast(forms.ChoiceField, self.fields["quality"]).choices = [
            (q, q.capitalize()) for q in qualities
        ]
        if voices:
            self.fields["voice_id"].widget = forms.Select(
                choices=[("", "Default")] + [(v.id, f"{v.name} ({v.language})") for v in voices]
            )

    def clean_voice_id(self) -> str:
        value = self.cleaned_data.get("voice_id", "")
        # With a server catalog the voice must come from it; the local provider's voices are
        # the browser's own (any name it reports).
        if value and self.voice_ids and value not in self.voice_ids:
            raise forms.ValidationError("Choose a voice from the list.")
        return value


@login_required
def account_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = services.candidate_profile_ensure(user=request.user)
    avatars, avatar_error = _catalog("avatars")
    voices, voice_error = _catalog("voices")
    qualities = services.allowed_qualities(profile)
    initial = {
        "avatar_id": profile.mock_avatar_id,
        "voice_id": profile.mock_voice_id,
        "quality": profile.mock_avatar_quality
        if profile.mock_avatar_quality in qualities
        else qualities[-1],
        "speaking_rate": profile.speaking_rate,
    }
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        avatars=avatars,
        voices=voices,
        qualities=qualities,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.preferences_update(
            profile=profile,
            avatar_id=data["avatar_id"],
            voice_id=data["voice_id"],
            quality=data["quality"],
            speaking_rate=data["speaking_rate"],
        )
        messages.success(request, "Preferences saved. New interviews will use them.")
        return redirect("interviews:settings")
    return render(
        request,
        "interviews/settings.html",
        {
            "form": form,
            "profile": profile,
            "provider": settings.AVATAR_PROVIDER,
            "provider_label": avatar_provider_label(),
            "browser_voices": not voices,
            "catalog_error": avatar_error or voice_error,
            "max_quality": profile.get_max_quality_display().lower(),
            "sample_sentence": "Hello, I'll be your interviewer today. Tell me about a project "
            "you are proud of.",
        },
    )
