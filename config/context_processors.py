from django.conf import settings
from django.http import HttpRequest

from config.roles import is_professor


def site(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "is_professor": bool(user and user.is_authenticated and is_professor(user)),
    }


def livekit_client(request: HttpRequest) -> dict[str, object]:
    """Where avatar.js loads the LiveKit client from (a <meta> in base.html; loaded on demand)."""
    from avatars.livekit import livekit_client_source

    return {"livekit_client": livekit_client_source()}
