from django.urls import path

from classrooms.consumers import MonitorConsumer, RoomConsumer

websocket_urlpatterns = [
    path("ws/classrooms/<uuid:public_id>/monitor/", MonitorConsumer.as_asgi()),
    path("ws/rooms/<str:token>/", RoomConsumer.as_asgi()),
]
