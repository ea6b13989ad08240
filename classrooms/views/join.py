"""Joining a room by its short code (the home page's form): no account, rate limited per client."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from classrooms.forms import JoinForm
from classrooms.models import BreakoutRoom
from classrooms.selectors import room_by_short_code
from config.ratelimit import RateLimited, rate_limit_hit

WRONG_CODE = "No room has that code. Check it with your professor and try again."
ENDED = "That class session has ended: its room is closed."


def _client(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """GET shows the form; POST opens the room the code belongs to, or says what is wrong."""
    if request.method == "GET":
        return render(request, "classrooms/join.html", {"form": JoinForm(), "errors": []})
    form = JoinForm(request.POST)
    try:
        # Every attempt counts (right or wrong): a client cannot try codes in bulk.
        rate_limit_hit(user_id=f"ip-{_client(request)}", action="room_join")
    except RateLimited as exc:
        return _refuse(request, form, str(exc), status=429)
    if not form.is_valid():
        return _refuse(request, form, None, status=400)
    room = room_by_short_code(code=form.cleaned_data["code"])
    if room is None:
        return _refuse(request, form, WRONG_CODE, status=404)
    if room.status == BreakoutRoom.Status.COMPLETED or not room.session.is_open:
        return _refuse(request, form, ENDED, status=410)
    return redirect("classrooms:room", token=room.join_token)


def _refuse(request: HttpRequest, form: JoinForm, message: str | None, status: int) -> HttpResponse:
    errors = [message] if message else [str(e) for e in form.errors.get("code", [])]
    context = {"form": form, "errors": errors, "typed": request.POST.get("code", "")[:64]}
    return render(request, "classrooms/join.html", context, status=status)
