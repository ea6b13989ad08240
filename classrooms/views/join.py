"""Joining a room by its short code (the home page's form, and the `/r/<code>` link): no
account; wrong codes, typed or in a link, count against one limit per client address
(REMOTE_ADDR: behind a proxy, have it set the client's address)."""

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


def wrong_code_counted(request: HttpRequest) -> None:
    """Count one wrong code from this client; raises RateLimited over the limit. Only failures
    count: a class behind one campus address all typing right codes is never locked out,
    while guessing (hopeless against 31**10 codes) is slowed to a crawl."""
    rate_limit_hit(user_id=f"ip-{request.META.get('REMOTE_ADDR') or 'unknown'}", action="room_join")


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """GET shows the form; POST opens the room the code belongs to, or says what is wrong."""
    if request.method == "GET":
        return render(request, "classrooms/join.html", {"form": JoinForm(), "errors": []})
    form = JoinForm(request.POST)
    room = room_by_short_code(code=form.cleaned_data["code"]) if form.is_valid() else None
    if room is None:
        try:
            wrong_code_counted(request)
        except RateLimited as exc:
            return refuse(request, form, exc.message, status=429)
        if not form.is_valid():
            return refuse(request, form, None, status=400)
        return refuse(request, form, WRONG_CODE, status=404)
    if room.status == BreakoutRoom.Status.COMPLETED or not room.session.is_open:
        return refuse(request, form, ENDED, status=410)
    return redirect("classrooms:room", token=room.join_token)


def refuse(request: HttpRequest, form: JoinForm, message: str | None, status: int) -> HttpResponse:
    errors = [message] if message else [str(e) for e in form.errors.get("code", [])]
    context = {"form": form, "errors": errors, "typed": request.POST.get("code", "")[:64]}
    return render(request, "classrooms/join.html", context, status=status)
