"""Small middleware: the request id of the log lines, NUL characters in URLs refused,
security headers Django does not set itself, and the one place views' application errors
become a response."""

import re
from collections.abc import Callable

from django.contrib import messages
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from config.errors import ApplicationError, Forbidden, NotFound, RateLimited, as_application_error
from config.logs import new_id, request_id

_GIVEN_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Every log line of a request carries its id: the proxy's X-Request-ID when it sends a
    sane one, else a fresh one; the response says which."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        rid = given if _GIVEN_ID.match(given) else new_id("r-")
        # Not reset afterwards: Django logs a 4xx after the middleware returned, and each
        # request runs in its own task (ASGI), so the id does not leak to the next one.
        request_id.set(rid)
        response = self.get_response(request)
        response.headers.setdefault("X-Request-ID", rid)
        return response


class RefuseNulMiddleware:
    """A NUL character in the path or the query string is refused with 400 before any view
    looks anything up (PostgreSQL refuses NUL in a query: that was a 500 there, a miss on
    SQLite). Form fields refuse NUL themselves (Django's CharField)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                "A NUL character is not allowed in a web address.", content_type="text/plain"
            )
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Allow the microphone on our own origin only; deny other powerful features."""

    header = "camera=(), geolocation=(), payment=(), usb=(), microphone=(self)"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class ApplicationErrorMiddleware:
    """An `ApplicationError` (or what `as_application_error` translates) a view let through is
    answered with its message and status, never a 500: JSON for a script's request, the
    message and a redirect back for a submitted form, otherwise a page saying it. Views that
    show a form catch the error themselves to put `exc.message` on the form. Anything else
    is left to Django (a bug: logged, the 500 page)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        error = as_application_error(exception)
        if error is None:
            return None
        response = self.respond(request, error)
        if isinstance(error, RateLimited):
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    def respond(self, request: HttpRequest, error: ApplicationError) -> HttpResponse:
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"error": error.message, "code": error.code}, status=error.status)
        if isinstance(error, NotFound):
            return render(request, "404.html", {"exception": error.message}, status=404)
        if isinstance(error, Forbidden):
            return render(request, "403.html", {"exception": error.message}, status=403)
        back = request.headers.get("Referer", "")
        if request.method == "POST" and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            messages.error(request, error.message)
            return HttpResponseRedirect(back, status=303)
        return render(request, "error.html", {"message": error.message}, status=error.status)
