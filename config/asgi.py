"""ASGI entry point: HTTP first (so apps are loaded), then the WebSocket routes of each app,
wrapped so the process's background work starts and stops with the server
(config/background.py)."""

import asyncio
import contextlib
import os
import sys
from typing import Any

from django.core.asgi import get_asgi_application

from config.env_select import settings_module

os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config import background  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402


class BackgroundMiddleware:
    """ASGI wrapper: the first event of any kind starts this process's registry on the
    server's loop (daphne sends no lifespan events); lifespan startup/shutdown, where a server
    sends them, start and stop it."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.started = False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    background.start()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await background.stop()
                    await send({"type": "lifespan.shutdown.complete"})
                    return None
        if not self.started or background.current() is None:
            background.start()
            if not self.started:
                _stop_with_twisted()
            self.started = True
        return await self.inner(scope, receive, send)


def _stop_with_twisted() -> None:
    """Under daphne (Twisted's asyncio reactor) stop the runner before the reactor stops, the
    way daphne stops its own application instances, so SIGTERM cancels our tasks too."""
    reactor = sys.modules.get("twisted.internet.reactor")
    if reactor is None or not hasattr(reactor, "addSystemEventTrigger"):
        return
    from twisted.internet.defer import Deferred

    async def stop_soon() -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(5):
                await background.stop()

    reactor.addSystemEventTrigger(
        "before", "shutdown", lambda: Deferred.fromFuture(asyncio.ensure_future(stop_soon()))
    )


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
