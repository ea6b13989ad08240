"""Class sessions: start, the live monitor, the transcript export and the Zoom SDK signature."""

from __future__ import annotations

from typing import Any, cast

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from avatars.providers.base import ProviderError
from classrooms import services
from classrooms.exports import write_transcript_csv
from classrooms.forms import (
    SessionStartForm,
)
from classrooms.meetings.zoom import (
    meeting_sdk_signature,
)
from classrooms.models import ClassSession
from classrooms.selectors import (
    class_session_for_owner,
    invitation_counts,
    session_links,
    session_snapshot,
)
from classrooms.views.courses import course_owned
from config import background
from config.errors import ApplicationError
from config.roles import AuthenticatedHttpRequest, is_professor, professor_required


def _start_session(request: AuthenticatedHttpRequest, course_id: Any) -> tuple[Any, Any, str]:
    """(session, form, error) — sync part of the start view ("Start" or "Prepare")."""
    if not is_professor(request.user):
        raise PermissionDenied("This page is for professors.")
    course = course_owned(request, course_id)
    form = SessionStartForm(request.POST, course=course)
    if not form.is_valid():
        return None, form, form.error_text() or "Pick at least one student."
    create = services.class_session_prepare if form.prepare_only else services.class_session_create
    try:
        session = create(
            professor=request.user.professor_profile,
            course=course,
            student_ids=[s.pk for s in form.cleaned_data["students"]],
            group_size=form.cleaned_data["group_size"],
            meeting_provider=form.cleaned_data["meeting_provider"],
        )
    except ApplicationError as exc:
        return None, form, exc.message
    return session, form, ""


def _invitations_kick(request: HttpRequest) -> None:
    """Send the invitations just queued, off the request (retries follow their schedule);
    links in them use the address the professor is using."""
    background.spawn("room_invitations.send", base_url=request.build_absolute_uri("/"))


async def session_start(request: HttpRequest, course_id: Any) -> HttpResponse:
    """Create the session, then ask the background registry to launch it (at once in this
    process, or by a worker; the `starting` row is the request, so nothing is lost).
    "Prepare" creates the rooms and links only; the monitor's Start button launches later.
    Either way the invitations just queued are sent by the registry's job."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = await request.auser()
    if not user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    request.user = user

    session, _form, error = await sync_to_async(_start_session)(
        cast(AuthenticatedHttpRequest, request), course_id
    )
    if session is None:
        await sync_to_async(messages.error)(request, error)
        return redirect("classrooms:course", course_id=course_id)
    _invitations_kick(request)
    if session.status == ClassSession.Status.PREPARED:
        return redirect("classrooms:monitor", session_id=session.public_id)
    background.spawn("class_session.launch", session_id=session.pk)
    return redirect("classrooms:monitor", session_id=session.public_id)


def _start_prepared(request: AuthenticatedHttpRequest, session_id: Any) -> tuple[Any, str]:
    if not is_professor(request.user):
        raise PermissionDenied("This page is for professors.")
    session = _owned_session(request, session_id)
    try:
        services.class_session_start(session=session, professor=request.user.professor_profile)
    except ApplicationError as exc:
        return session, exc.message
    return session, ""


async def session_start_prepared(request: HttpRequest, session_id: Any) -> HttpResponse:
    """A prepared session's Start button: the tutors are deployed now."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = await request.auser()
    if not user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    request.user = user
    session, error = await sync_to_async(_start_prepared)(
        cast(AuthenticatedHttpRequest, request), session_id
    )
    if error:
        await sync_to_async(messages.error)(request, error)
        return redirect("classrooms:monitor", session_id=session.public_id)
    background.spawn("class_session.launch", session_id=session.pk)
    return redirect("classrooms:monitor", session_id=session.public_id)


def _owned_session(request: HttpRequest, session_id: Any) -> ClassSession:
    session = class_session_for_owner(public_id=session_id, user=request.user)
    if session is None:
        raise Http404("No such session.")
    return session


@professor_required
def monitor(request: AuthenticatedHttpRequest, session_id: Any) -> HttpResponse:
    session = _owned_session(request, session_id)
    snapshot = session_snapshot(session=session)
    return render(
        request,
        "classrooms/monitor.html",
        {
            "session": session,
            "snapshot": snapshot,
            "rooms": snapshot["rooms"],
            "figures": snapshot["figures"],
            "ice_servers": settings.WEBRTC_ICE_SERVERS,
            "silent_minutes": settings.CLASS_ROOM_SILENT_MINUTES,
            "links": session_links(session=session),
            "invitations": invitation_counts(session=session),
            "site": request.build_absolute_uri("/").rstrip("/"),
            "prepared": session.status == ClassSession.Status.PREPARED,
            "currency": settings.AVATAR_PRICE_CURRENCY,
        },
    )


@professor_required
def transcript_csv(request: AuthenticatedHttpRequest, session_id: Any) -> HttpResponse:
    session = _owned_session(request, session_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.public_id}.csv"'
    write_transcript_csv(response, [session.pk])
    return response


@require_POST
@professor_required
def session_zoom_signature(request: AuthenticatedHttpRequest, session_id: Any) -> JsonResponse:
    """A Meeting SDK JWT for a bot or web client joining this session's Zoom meeting."""
    session = _owned_session(request, session_id)
    if (
        session.meeting_provider != ClassSession.MeetingProvider.ZOOM
        or not session.meeting_id.isdigit()
    ):
        return JsonResponse({"error": "This session has no Zoom meeting."}, status=400)
    role = 1 if request.POST.get("role") == "1" else 0
    try:
        signature = meeting_sdk_signature(
            meeting_number=session.meeting_id,
            role=role,
            sdk_key=settings.ZOOM_SDK_KEY,
            sdk_secret=settings.ZOOM_SDK_SECRET,
        )
    except ProviderError as exc:
        return JsonResponse({"error": exc.user_message}, status=503)
    return JsonResponse(
        {
            "signature": signature,
            "sdkKey": settings.ZOOM_SDK_KEY,
            "meetingNumber": session.meeting_id,
            "role": role,
        }
    )
