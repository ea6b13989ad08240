"""Small security headers Django does not set itself."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class PermissionsPolicyMiddleware:
    """Allow the microphone on our own origin only; deny other powerful features."""

    header = "camera=(), geolocation=(), payment=(), usb=(), microphone=(self)"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
