from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from avatars.providers.registry import get_transcriber
from config.ratelimit import RateLimited
from config.roles import AuthenticatedHttpRequest
from interviews import selectors, services
from interviews.forms import NewInterviewForm


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    interviews = selectors.interviews_for_dashboard(user=request.user)
    return render(request, "interviews/dashboard.html", {"interviews": interviews})


@login_required
def new(request: AuthenticatedHttpRequest) -> HttpResponse:
    # GET parameters prefill the form (the report's "practise again" links).
    initial: dict[str, Any] = {
        k: v for k, v in request.GET.items() if k in NewInterviewForm.base_fields
    }
    if request.GET.getlist("competencies"):
        initial["competencies"] = request.GET.getlist("competencies")
    form = NewInterviewForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            interview = services.interview_create(owner=request.user, spec=form.spec())
        except RateLimited as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("interviews:interview", public_id=interview.public_id)
    return render(request, "interviews/new.html", {"form": form})


@login_required
def interview(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    obj = selectors.interview_for_owner(public_id=public_id, user=request.user)
    if obj.is_finished:
        return redirect("interviews:report", public_id=obj.public_id)
    config = {
        "ws_path": f"/ws/interviews/{obj.public_id}/",
        "question_count": obj.question_count,
        "avatar_provider": settings.AVATAR_PROVIDER,
        "live_audio": bool(get_transcriber().supports_live_audio),
        "max_audio_chunk_bytes": settings.WS_MAX_AUDIO_CHUNK_BYTES,
        "report_url": reverse("interviews:report", args=[obj.public_id]),
        "persona": obj.persona,
    }
    return render(request, "interviews/interview.html", {"interview": obj, "config": config})


@login_required
def report(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    obj = selectors.interview_with_questions(public_id=public_id, user=request.user)
    from interviews.views.reports import report_context  # coaching: summary, plan, charts

    context = {"interview": obj, **report_context(request, obj)}
    return render(request, "interviews/report.html", context)
