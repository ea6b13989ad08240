from django.urls import path

from classrooms.consumers import MonitorConsumer, RoomConsumer

# Channels routes ASGI apps with Django's path(); the stubs type path() for views only.
websocket_urlpatterns = [
    path("ws/classrooms/<uuid:public_id>/monitor/", MonitorConsumer.as_asgi()),  # type: ignore[arg-type]
    path("ws/rooms/<str:token>/", RoomConsumer.as_asgi()),  # type: ignore[arg-type]
]
