"""Who is asking: roles derived from profiles, and view decorators that enforce them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.models import User as AccountUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

User = AbstractBaseUser | AnonymousUser


class AuthenticatedHttpRequest(HttpRequest):
    """The request a `login_required` (or `professor_required`) view gets: its user is signed
    in (the annotation django-stubs recommends; nothing at run time)."""

    user: AccountUser


def is_professor(user: Any) -> bool:
    return bool(user.is_authenticated and hasattr(user, "professor_profile"))


def professor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous users go to the login page; signed-in non-professors get 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_professor(request.user):
            raise PermissionDenied("This page is for professors.")
        return view(request, *args, **kwargs)

    return wrapper
