"""All WebSocket routes, gathered from each app's routing module."""

from avatars.routing import websocket_urlpatterns as avatar_routes
from classrooms.routing import websocket_urlpatterns as classroom_routes
from interviews.routing import websocket_urlpatterns as interview_routes

websocket_urlpatterns = [*interview_routes, *classroom_routes, *avatar_routes]
