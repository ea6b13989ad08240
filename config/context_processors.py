from django.conf import settings
from django.http import HttpRequest

from config.roles import is_professor


def site(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "is_professor": bool(user and user.is_authenticated and is_professor(user)),
    }
