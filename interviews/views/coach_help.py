"""What the built-in coach is and how to run a model instead (the README's section)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from interviews.selectors.help import readme_section


@require_GET
def coach_help(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "interviews/coach_help.html",
        {
            "section": readme_section(),
            "model_configured": settings.LLM_PROVIDER != "local",
        },
    )
