"""Share links: create and revoke."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.roles import AuthenticatedHttpRequest
from interviews import selectors, services


@login_required
@require_POST
def share_create(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    interview = selectors.interview_for_owner(public_id=public_id, user=request.user)
    services.share_create(interview=interview)
    messages.success(request, "Share link created. Anyone with the link can read this report.")
    return redirect(reverse("interviews:report", args=[interview.public_id]) + "#share")


@login_required
@require_POST
def share_revoke(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    interview = selectors.interview_for_owner(public_id=public_id, user=request.user)
    services.share_revoke(interview=interview)
    messages.success(request, "Share link revoked. It no longer opens the report.")
    return redirect(reverse("interviews:report", args=[interview.public_id]) + "#share")
