"""The story bank pages."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.roles import AuthenticatedHttpRequest
from interviews import selectors, services
from interviews.models import BankQuestion, Story

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
def story_bank(request: AuthenticatedHttpRequest) -> HttpResponse:
    competency = request.GET.get("competency", "")
    stories = selectors.stories_for_owner(user=request.user)
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
def story_save(request: AuthenticatedHttpRequest) -> HttpResponse:
    saved = services.story_save_from_attempt(
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
def story_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    story = selectors.story_for_owner(public_id=public_id, user=request.user)
    initial = {
        field: getattr(story, field)
        for field in ("title", "competency", "situation", "task", "action", "result", "notes")
    }
    form = StoryForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.story_update(story=story, **form.cleaned_data)
        messages.success(request, "Story updated.")
        return redirect("interviews:stories")
    return render(request, "interviews/story_edit.html", {"story": story, "form": form})


@login_required
@require_POST
def story_delete(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    story = selectors.story_for_owner(public_id=public_id, user=request.user)
    services.story_delete(story=story)
    messages.success(request, "Story deleted.")
    return redirect("interviews:stories")
