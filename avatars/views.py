from django.conf import settings
from django.contrib import admin
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
            # The admin's own header and title (not "Django administration"); each_context
            # would also build the app list, two permission queries this page does not show.
            "site_header": admin.site.site_header,
            "site_title": admin.site.site_title,
            "site_url": admin.site.site_url,
            "has_permission": True,
            "summary": provider_health_summary(),
            "turns": voice_turn_timings(),
            "now": timezone.localtime(),
            "price_per_minute": settings.AVATAR_PRICE_PER_MINUTE,
            "currency": settings.AVATAR_PRICE_CURRENCY,
            "title": "Provider health",
        },
    )
