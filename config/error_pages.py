"""The product's own error pages (400, 403, 404, 500), in every mode, each with a way back.

Django's handlers only run with DEBUG off; the middleware below also turns a view's expected
refusal (Http404, PermissionDenied) into these pages when DEBUG is on, so a bad room link or a
revoked share link never shows the technical page with the URL list. Unmatched URLs and crashes
keep Django's debug pages under DEBUG: that mode is an explicit developer opt-in.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader


def _user_message(exception: BaseException | None) -> str:
    """A view's own sentence ("This room link is not valid."), never Django's internals: the
    resolver's dict of tried patterns or "No Course matches the given query."."""
    text = str(exception or "").strip()
    if not text or "{" in text or "matches the given query" in text or len(text) > 200:
        return ""
    return text


def bad_request(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return render(request, "403.html", {"message": _user_message(exception)}, status=403)


def page_not_found(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return render(request, "404.html", {"message": _user_message(exception)}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the database or a context processor may be what failed.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    message = (
        "The form had expired or your browser did not send its security cookie. Go back, reload "
        "the page and try again (cookies must be allowed for this site)."
    )
    return render(request, "403.html", {"message": message}, status=403)


class ErrorPagesMiddleware:
    """Expected refusals raised by views become the product's pages in every mode."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return permission_denied(request, exception)
        return None
