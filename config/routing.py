"""All WebSocket routes, gathered from each app's routing module, then a catch-all that refuses
any other path cleanly (without it the router raises, and the server answers 500 with a
traceback in the log)."""

import logging

from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import re_path

from avatars.routing import websocket_urlpatterns as avatar_routes
from classrooms.routing import websocket_urlpatterns as classroom_routes
from config.logs import new_id, request_id
from interviews.routing import websocket_urlpatterns as interview_routes

logger = logging.getLogger(__name__)

CLOSE_NO_ROUTE = 4404


class NoRouteConsumer(AsyncWebsocketConsumer):
    """Refuses the handshake: close code 4404 (the sockets' "no such thing"), one log line."""

    async def connect(self) -> None:
        request_id.set(new_id("ws-"))
        logger.info("WebSocket refused: no route for %s", self.scope.get("path", "")[:200])
        await self.close(code=CLOSE_NO_ROUTE)


websocket_urlpatterns = [
    *interview_routes,
    *classroom_routes,
    *avatar_routes,
    # Channels routes ASGI apps with Django's re_path(); the stubs type it for views only.
    re_path(r"", NoRouteConsumer.as_asgi()),  # type: ignore[arg-type]
]
