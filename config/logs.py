"""Logging that means something: every line carries the request or socket id it belongs to, and
an expected refusal (a 4xx: 403, 404, 400, a body too large, a disallowed host) is one line
without a traceback; only unexpected errors keep theirs.

`request_id` is set per HTTP request (config.middleware.RequestIdMiddleware) and per socket
(avatars.voice.consumer, config.routing); tasks and threads started from there inherit it.
"""

from __future__ import annotations

import logging
import secrets
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="-")

#: Django's loggers for refusals it logs itself: the request logger and the security loggers
#: (one per SuspiciousOperation class, named after it; filters do not reach child loggers).
REFUSAL_LOGGERS = (
    "django.request",
    "django.security.csrf",
    "django.security.DisallowedHost",
    "django.security.DisallowedRedirect",
    "django.security.RequestDataTooBig",
    "django.security.TooManyFieldsSent",
    "django.security.TooManyFilesSent",
    "django.security.SuspiciousFileOperation",
    "django.security.SuspiciousMultipartForm",
    "django.security.SuspiciousOperation",
    "django.security.SuspiciousSession",
    "django.security.InvalidSessionKey",
)


def new_id(prefix: str = "") -> str:
    return prefix + secrets.token_hex(4)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record a handler formats."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class ExpectedRefusalFilter(logging.Filter):
    """On Django's request and security loggers: a refusal with a 4xx status is a WARNING line
    without a traceback, and a request whose refusal the security logger already explained
    ("Request body exceeded ...") gets no second, generic "Bad Request" line."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or status >= 500:
            return True
        request = getattr(record, "request", None)
        if record.name == "django.request":
            if getattr(request, "_refusal_logged", False):
                return False
        elif request is not None:
            request._refusal_logged = True
        record.exc_info = None
        record.exc_text = None
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
