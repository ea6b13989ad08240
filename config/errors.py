"""The application's errors: one family with a stable code, a sentence fit for the user, and
whether trying again later can help.

Services raise these; nothing else is shown to a user. They are turned into a reply in exactly
two places: the socket base class (`avatars.voice.consumer.VoiceConsumer`: an error frame with
`code` and `message`) and the view middleware (`config.middleware.ApplicationErrorMiddleware`:
a message and a redirect, a JSON error or an error page, with `status`). `as_application_error`
is the one translation both use: Django's `ValidationError` (whose messages we write, as forms
do) becomes `InvalidInput`, and an error of another layer that knows its user-fit form (the
provider layer's `ProviderError`) says so through `application_error()`. Anything else is a bug:
logged, and the user gets a generic sentence, never the exception's text.
"""

from __future__ import annotations

from typing import ClassVar, Protocol, runtime_checkable

from django.core.exceptions import ValidationError


class ApplicationError(Exception):
    """An expected refusal or failure, with what the user may be told about it."""

    code: ClassVar[str] = "error"
    status: ClassVar[int] = 400  # the HTTP status a view answers with
    default_message: ClassVar[str] = "That did not work; please try again."
    default_retryable: ClassVar[bool] = False

    def __init__(
        self, message: str | None = None, *, code: str | None = None, retryable: bool | None = None
    ) -> None:
        self.message = message or self.default_message
        if code is not None:
            self.code = code  # type: ignore[misc]  # an instance may refine the class's code
        self.retryable = self.default_retryable if retryable is None else retryable
        super().__init__(self.message)


class InvalidInput(ApplicationError):
    code = "invalid"
    default_message = "That input is not valid."


class NotFound(ApplicationError):
    code = "not_found"
    status = 404
    default_message = "There is no such thing here."


class Forbidden(ApplicationError):
    code = "forbidden"
    status = 403
    default_message = "You are not allowed to do that."


class Conflict(ApplicationError):
    """The action does not fit the object's current state (already started, already ended)."""

    code = "out_of_state"
    status = 409
    default_message = "That action is not possible right now."


class RateLimited(ApplicationError):
    code = "rate_limited"
    status = 429
    default_retryable = True

    def __init__(self, action: str, retry_after: int) -> None:
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            "You have reached the limit for this action. Please try again in about "
            f"{minutes} minute{'s' if minutes != 1 else ''}."
        )
        self.action = action
        self.retry_after = retry_after


class ProviderUnavailable(ApplicationError):
    """An outside service (avatar, speech, model, meetings) refused or did not answer."""

    code = "provider_unavailable"
    status = 503
    default_message = "An outside service is not answering right now; please try again."
    default_retryable = True


@runtime_checkable
class ConvertsToApplicationError(Protocol):
    """An error of a lower layer that knows how it should be told to a user."""

    def application_error(self) -> ApplicationError: ...


def as_application_error(exc: BaseException) -> ApplicationError | None:
    """The user-fit form of `exc`, or None when it is a bug (log it, say something generic)."""
    if isinstance(exc, ApplicationError):
        return exc
    if isinstance(exc, ValidationError):
        return InvalidInput(" ".join(exc.messages))
    if isinstance(exc, ConvertsToApplicationError):
        return exc.application_error()
    return None
