from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from avatars.selectors import provider_health_summary, voice_turn_timings


@staff_member_required
def provider_health(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "avatars/health.html",
        {
            "summary": provider_health_summary(),
            "turns": voice_turn_timings(),
            "now": timezone.localtime(),
            "price_per_minute": settings.AVATAR_PRICE_PER_MINUTE,
            "title": "Provider health",
        },
    )
