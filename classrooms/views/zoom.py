"""The Zoom webhook (signed; URL validation challenge; participant events)."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from classrooms import services
from classrooms.meetings.zoom import (
    WebhookRejected,
    url_validation_response,
    verify_webhook,
)

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def zoom_webhook(request: HttpRequest) -> HttpResponse:
    """Zoom's event notifications: URL validation and breakout-room presence. Every request,
    the validation one included, must carry a valid, fresh, unseen signature."""
    raw = request.body
    try:
        verify_webhook(
            raw,
            timestamp=request.headers.get("x-zm-request-timestamp", ""),
            signature=request.headers.get("x-zm-signature", ""),
            secret=settings.ZOOM_WEBHOOK_SECRET,
            window=settings.ZOOM_WEBHOOK_WINDOW,
        )
    except WebhookRejected as exc:
        logger.warning("Zoom webhook rejected: %s", exc.reason)
        return JsonResponse({"error": exc.reason}, status=401)
    try:
        event = json.loads(raw)
    except ValueError:
        return JsonResponse({"error": "bad json"}, status=400)
    if not isinstance(event, dict):
        return JsonResponse({"error": "bad event"}, status=400)
    if event.get("event") == "endpoint.url_validation":
        payload = event.get("payload")
        plain = str(payload.get("plainToken", "")) if isinstance(payload, dict) else ""
        if not plain or len(plain) > 256:
            return JsonResponse({"error": "missing plainToken"}, status=400)
        return JsonResponse(url_validation_response(plain, settings.ZOOM_WEBHOOK_SECRET))
    services.zoom_event_apply(event=event)
    return JsonResponse({"ok": True})
