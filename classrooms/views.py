"""Classroom pages: thin views over services and selectors."""

from __future__ import annotations

import csv
import json
import logging
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from avatars.providers.base import ProviderError
from classrooms import services
from classrooms.forms import (
    MaterialUploadForm,
    ProfessorProfileForm,
    SessionStartForm,
    StudentForm,
)
from classrooms.meetings.zoom import (
    WebhookRejected,
    meeting_sdk_signature,
    url_validation_response,
    verify_webhook,
)
from classrooms.models import BreakoutRoom, ClassSession, CourseMaterial, RoomTranscriptLine
from classrooms.selectors import (
    class_session_for_owner,
    course_for_owner,
    course_list_for_professor,
    room_by_short_code,
    room_by_token,
    session_snapshot,
    sessions_for_professor,
)
from config.ratelimit import RateLimited
from config.roles import is_professor, professor_required

logger = logging.getLogger(__name__)


@professor_required
def dashboard(request: HttpRequest) -> HttpResponse:
    professor = request.user.professor_profile
    return render(
        request,
        "classrooms/dashboard.html",
        {
            "courses": course_list_for_professor(professor=professor),
            "sessions": sessions_for_professor(professor=professor),
            "professor": professor,
        },
    )


@professor_required
def profile(request: HttpRequest) -> HttpResponse:
    professor = request.user.professor_profile
    form = ProfessorProfileForm(
        request.POST if request.method == "POST" else None, instance=professor
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        if form.cleaned_data["consent"] != professor.has_consent:
            services.professor_consent_set(
                professor=professor, consent=form.cleaned_data["consent"]
            )
        messages.success(request, "Your tutor profile is saved.")
        return redirect("classrooms:dashboard")
    return render(request, "classrooms/profile.html", {"form": form})


def _course(request: HttpRequest, course_id: Any) -> Any:
    course = course_for_owner(public_id=course_id, professor=request.user.professor_profile)
    if course is None:
        raise Http404("No such course.")
    return course


@professor_required
def course_detail(request: HttpRequest, course_id: Any) -> HttpResponse:
    course = _course(request, course_id)
    return render(
        request,
        "classrooms/course.html",
        {
            "course": course,
            "start_form": SessionStartForm(course=course),
            "upload_form": MaterialUploadForm(),
            "student_form": StudentForm(),
        },
    )


@require_POST
@professor_required
def material_upload(request: HttpRequest, course_id: Any) -> HttpResponse:
    course = _course(request, course_id)
    form = MaterialUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            material = services.course_material_add(
                course=course,
                filename=upload.name,
                raw=upload.read(),
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, f"Added “{material.title}” ({material.chunks.count()} passages)."
            )
    else:
        messages.error(
            request, " ".join(str(e) for e in form.errors.get("file", ["Invalid file."]))
        )
    return redirect("classrooms:course", course_id=course.public_id)


@require_POST
@professor_required
def material_delete(request: HttpRequest, course_id: Any, material_id: Any) -> HttpResponse:
    course = _course(request, course_id)
    material = CourseMaterial.objects.filter(course=course, public_id=material_id).first()
    if material is None:
        raise Http404("No such material.")
    services.course_material_delete(material=material)
    messages.success(request, "Material removed.")
    return redirect("classrooms:course", course_id=course.public_id)


@require_POST
@professor_required
def student_add(request: HttpRequest, course_id: Any) -> HttpResponse:
    course = _course(request, course_id)
    form = StudentForm(request.POST)
    if form.is_valid():
        services.roster_student_add(course=course, **form.cleaned_data)
        messages.success(request, f"Added {form.cleaned_data['name']}.")
    else:
        messages.error(request, "Give the student a name.")
    return redirect("classrooms:course", course_id=course.public_id)


def _start_session(request: HttpRequest, course_id: Any) -> tuple[Any, Any, str]:
    """(session, form, error) — sync part of the start view."""
    if not is_professor(request.user):
        raise PermissionDenied("This page is for professors.")
    course = _course(request, course_id)
    form = SessionStartForm(request.POST, course=course)
    if not form.is_valid():
        return None, form, "Pick at least one student."
    try:
        session = services.class_session_create(
            professor=request.user.professor_profile,
            course=course,
            student_ids=[s.pk for s in form.cleaned_data["students"]],
            group_size=form.cleaned_data["group_size"],
            meeting_provider=form.cleaned_data["meeting_provider"],
        )
    except (ValidationError, RateLimited) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return None, form, text
    return session, form, ""


async def session_start(request: HttpRequest, course_id: Any) -> HttpResponse:
    """Create the session, then deploy its tutors in the background on this server's loop
    (resumable from the database if this process dies)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = await request.auser()
    if not user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    request.user = user

    session, _form, error = await sync_to_async(_start_session)(request, course_id)
    if session is None:
        await sync_to_async(messages.error)(request, error)
        return redirect("classrooms:course", course_id=course_id)
    services.spawn(
        f"classrooms:launch:{session.pk}", services.class_session_launch(session=session)
    )
    return redirect("classrooms:monitor", session_id=session.public_id)


def _owned_session(request: HttpRequest, session_id: Any) -> ClassSession:
    session = class_session_for_owner(public_id=session_id, user=request.user)
    if session is None:
        raise Http404("No such session.")
    return session


@professor_required
def monitor(request: HttpRequest, session_id: Any) -> HttpResponse:
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
        },
    )


@professor_required
def transcript_csv(request: HttpRequest, session_id: Any) -> HttpResponse:
    session = _owned_session(request, session_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.public_id}.csv"'
    write_transcript_csv(response, [session.pk])
    return response


def write_transcript_csv(out: Any, session_ids: list[int]) -> None:
    writer = csv.writer(out)
    writer.writerow(["session", "room", "students", "time", "speaker", "source", "text"])
    lines = (
        RoomTranscriptLine.objects.filter(room__session_id__in=session_ids)
        .select_related("room__session")
        .order_by("room__session_id", "room__position", "created_at", "id")
    )
    students: dict[int, str] = {}
    for room in BreakoutRoom.objects.filter(session_id__in=session_ids).prefetch_related(
        "students"
    ):
        students[room.pk] = "; ".join(s.name for s in room.students.all())
    for line in lines.iterator():
        writer.writerow(
            [
                str(line.room.session.public_id),
                line.room.name,
                students.get(line.room_id, ""),
                line.created_at.isoformat(),
                line.speaker,
                line.source,
                # Neutralise spreadsheet formulas in user-provided text.
                ("'" + line.text) if line.text[:1] in "=+-@" else line.text,
            ]
        )


@require_POST
@professor_required
def session_zoom_signature(request: HttpRequest, session_id: Any) -> JsonResponse:
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


# --- The student's room (no account: the token is the credential) ----------------------------


def room(request: HttpRequest, token: str) -> HttpResponse:
    breakout = room_by_token(token=token)
    if breakout is None:
        raise Http404("This room link is not valid.")
    session = breakout.session
    if breakout.status == BreakoutRoom.Status.COMPLETED or not session.is_open:
        return render(
            request,
            "classrooms/room_ended.html",
            {"room": breakout, "session": session},
            status=410,
        )
    response = render(
        request,
        "classrooms/room.html",
        {
            "room": breakout,
            "session": session,
            "students": [s.name for s in breakout.students.all()],
            "ws_path": f"/ws/rooms/{breakout.join_token}/",
            "ice_servers": settings.WEBRTC_ICE_SERVERS,
        },
    )
    response["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    response["Cache-Control"] = "no-store"
    return response


def short(request: HttpRequest, code: str) -> HttpResponse:
    breakout = room_by_short_code(code=code)
    if breakout is None:
        raise Http404("This room link is not valid.")
    return redirect("classrooms:room", token=breakout.join_token)
