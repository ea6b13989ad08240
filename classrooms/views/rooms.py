"""The student's room (no account: the join token or short code is the credential)."""

from __future__ import annotations

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render

from classrooms.forms import JoinForm
from classrooms.models import BreakoutRoom
from classrooms.selectors import (
    room_by_short_code,
    room_by_token,
)
from classrooms.views.join import refuse, wrong_code_counted
from config.ratelimit import RateLimited

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
    """The short link opens its room only while the session is open (the code is short). Wrong
    codes count against the join form's limit (one limit per client for both ways in)."""
    breakout = room_by_short_code(code=code)
    if breakout is None:
        try:
            wrong_code_counted(request)
        except RateLimited as exc:
            return refuse(request, JoinForm(), exc.message, status=429)
        raise Http404("This room link is not valid.")
    session = breakout.session
    if breakout.status == BreakoutRoom.Status.COMPLETED or not session.is_open:
        return render(
            request,
            "classrooms/room_ended.html",
            {"room": breakout, "session": session},
            status=410,
        )
    return redirect("classrooms:room", token=breakout.join_token)
