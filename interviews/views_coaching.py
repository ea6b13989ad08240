"""Coaching pages: the report's extra context, share links, the story bank, avatar preferences."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from asgiref.sync import async_to_sync
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from avatars.providers.base import CatalogItem, ProviderError
from avatars.providers.registry import get_avatar_provider
from interviews import selectors, selectors_coaching, services, services_coaching
from interviews.charts import bar_chart
from interviews.models import BankQuestion, MockInterview, Story

CATALOG_TTL = 3600


# --- Report -----------------------------------------------------------------------------------


def report_context(
    request: HttpRequest, interview: MockInterview, *, shared: bool = False
) -> dict[str, Any]:
    """What the report template needs beyond the interview itself (used by the owner's report
    and by the read-only shared page)."""
    report = selectors_coaching.session_report(interview)
    context: dict[str, Any] = {
        "coaching": report,
        "shared": shared,
        "charts": {
            "wpm": bar_chart(
                report.delivery_labels,
                report.wpm,
                title="Words per minute per answer",
                series_name="Words per minute",
                band=(120, 165),
            ),
            "fillers": bar_chart(
                report.delivery_labels,
                report.fillers_per_minute,
                title="Filler words per minute per answer",
                series_name="Fillers per minute",
                band=(0, 4),
            ),
            "pauses": bar_chart(
                report.delivery_labels,
                report.long_pauses,
                title="Pauses longer than 2.5 s per answer",
                series_name="Long pauses",
                band=(0, 2),
            ),
        },
    }
    if not shared:
        share = selectors_coaching.active_share(interview=interview)
        context["share"] = share
        context["share_url"] = (
            request.build_absolute_uri(reverse("interviews:shared", args=[share.token]))
            if share
            else ""
        )
        context["saved_attempt_ids"] = selectors_coaching.saved_story_attempt_ids(
            user=request.user, interview=interview
        )
    return context


def shared_report(request: HttpRequest, token: str) -> HttpResponse:
    """Read-only report for whoever holds the link: no account data, no controls."""
    interview = selectors_coaching.interview_for_share(token=token)
    context = {"interview": interview, **report_context(request, interview, shared=True)}
    response = render(request, "interviews/report.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_POST
def share_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    interview = selectors.interview_for_owner(public_id=public_id, user=request.user)
    services_coaching.share_create(interview=interview)
    messages.success(request, "Share link created. Anyone with the link can read this report.")
    return redirect(reverse("interviews:report", args=[interview.public_id]) + "#share")


@login_required
@require_POST
def share_revoke(request: HttpRequest, public_id: UUID) -> HttpResponse:
    interview = selectors.interview_for_owner(public_id=public_id, user=request.user)
    services_coaching.share_revoke(interview=interview)
    messages.success(request, "Share link revoked. It no longer opens the report.")
    return redirect(reverse("interviews:report", args=[interview.public_id]) + "#share")


# --- Story bank -------------------------------------------------------------------------------


class StoryForm(forms.Form):
    title = forms.CharField(label="Title", max_length=120)
    competency = forms.ChoiceField(
        label="Competency",
        choices=[("", "Any"), *BankQuestion.Competency.choices],
        required=False,
    )
    situation = forms.CharField(
        label="Situation", required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )
    task = forms.CharField(
        label="Task", required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )
    action = forms.CharField(
        label="Action", required=False, max_length=4000, widget=forms.Textarea({"rows": 4})
    )
    result = forms.CharField(
        label="Result", required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )
    notes = forms.CharField(
        label="Notes", required=False, max_length=4000, widget=forms.Textarea({"rows": 2})
    )


@login_required
def story_bank(request: HttpRequest) -> HttpResponse:
    competency = request.GET.get("competency", "")
    stories = selectors_coaching.stories_for_owner(user=request.user)
    if competency:
        stories = stories.filter(competency=competency)
    return render(
        request,
        "interviews/stories.html",
        {
            "stories": list(stories),
            "competency": competency,
            "competencies": BankQuestion.Competency.choices,
            "overused": Story.OVERUSED_SESSIONS,
        },
    )


@login_required
@require_POST
def story_save(request: HttpRequest) -> HttpResponse:
    saved = services_coaching.story_save_from_attempt(
        user=request.user, attempt_public_id=request.POST.get("attempt", "")
    )
    if saved.created:
        messages.success(request, f"Saved “{saved.story.title}” to your story bank.")
    else:
        messages.info(
            request,
            f"This answer retells “{saved.story.title}”: recorded as another use of it.",
        )
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("interviews:stories")


@login_required
def story_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    story = selectors_coaching.story_for_owner(public_id=public_id, user=request.user)
    initial = {
        field: getattr(story, field)
        for field in ("title", "competency", "situation", "task", "action", "result", "notes")
    }
    form = StoryForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services_coaching.story_update(story=story, **form.cleaned_data)
        messages.success(request, "Story updated.")
        return redirect("interviews:stories")
    return render(request, "interviews/story_edit.html", {"story": story, "form": form})


@login_required
@require_POST
def story_delete(request: HttpRequest, public_id: UUID) -> HttpResponse:
    story = selectors_coaching.story_for_owner(public_id=public_id, user=request.user)
    services_coaching.story_delete(story=story)
    messages.success(request, "Story deleted.")
    return redirect("interviews:stories")


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
        self.fields["avatar_id"].choices = [("", "Default")] + [(a.id, a.name) for a in avatars]
        self.voice_ids = {v.id for v in voices}
        self.fields["quality"].choices = [(q, q.capitalize()) for q in qualities]
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
def account_settings(request: HttpRequest) -> HttpResponse:
    profile = services.candidate_profile_ensure(user=request.user)
    avatars, avatar_error = _catalog("avatars")
    voices, voice_error = _catalog("voices")
    qualities = services_coaching.allowed_qualities(profile)
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
        services_coaching.preferences_update(
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
            "browser_voices": not voices,
            "catalog_error": avatar_error or voice_error,
            "max_quality": profile.max_quality,
            "sample_sentence": "Hello, I'll be your interviewer today. Tell me about a project "
            "you are proud of.",
        },
    )
