"""ASGI entry point: HTTP first (so apps are loaded), then the WebSocket routes of each app,
wrapped so the process's background work starts with the server (config/background.py)."""

import os

from django.core.asgi import get_asgi_application

from config.env_select import settings_module

os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.background import BackgroundMiddleware  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402

# The first event of any kind starts this process's background registry on the server's loop.
application = BackgroundMiddleware(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
        }
    )
)
