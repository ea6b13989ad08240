"""Student links of a session: the printable page, the CSV, invitation states and resending."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from classrooms import services
from classrooms.models import ClassSession
from classrooms.selectors import (
    class_session_for_owner,
    class_session_for_reader,
    invitation_counts,
    invitation_states,
    session_links,
)
from config import background
from config.csv_export import csv_writer
from config.roles import professor_required


def readable_session(request: HttpRequest, session_id: Any) -> ClassSession:
    session = class_session_for_reader(public_id=session_id, user=request.user)
    if session is None:
        raise Http404("No such session.")
    return session


def _no_store(response: HttpResponse) -> HttpResponse:
    # Every link on these pages opens a room: never cached, never sent on as a referrer.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def session_links_page(request: HttpRequest, session_id: Any) -> HttpResponse:
    session = readable_session(request, session_id)
    return _no_store(
        render(
            request,
            "classrooms/links.html",
            {
                "session": session,
                "links": session_links(session=session),
                "site": request.build_absolute_uri("/").rstrip("/"),
            },
        )
    )


@login_required
def session_links_csv(request: HttpRequest, session_id: Any) -> HttpResponse:
    session = readable_session(request, session_id)
    site = request.build_absolute_uri("/").rstrip("/")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="links-{session.public_id}.csv"'
    writer = csv_writer(response)
    writer.writerow(["room", "student", "email", "link", "short_link", "code", "invitation"])
    for room in session_links(session=session):
        for student in room["students"]:
            invitation = student["invitation"]
            writer.writerow(
                [
                    room["name"],
                    student["name"],
                    student["email"],
                    site + room["link"],
                    site + room["short_link"],
                    room["code"],
                    invitation.status if invitation else "no email",
                ]
            )
    return _no_store(response)


@login_required
def session_invitations(request: HttpRequest, session_id: Any) -> JsonResponse:
    """Invitation states for the monitor's links panel, which refreshes while some are sending."""
    session = readable_session(request, session_id)
    response = JsonResponse(
        {"counts": invitation_counts(session=session), "items": invitation_states(session=session)}
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@professor_required
def session_invitations_resend(request: HttpRequest, session_id: Any) -> HttpResponse:
    """The monitor's "Send failed invitations again" (the session's professor)."""
    session = class_session_for_owner(public_id=session_id, user=request.user)
    if session is None:
        raise Http404("No such session.")
    queued = services.room_invitations_resend(session=session)
    if queued:
        background.spawn("room_invitations.send", base_url=request.build_absolute_uri("/"))
        messages.success(request, f"Sending {queued} invitation{'s' if queued != 1 else ''} again.")
    else:
        messages.info(request, "No failed invitation to send again (or the session has ended).")
    return redirect("classrooms:monitor", session_id=session.public_id)
