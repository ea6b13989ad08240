from django.urls import path

from interviews.consumers import InterviewConsumer

websocket_urlpatterns = [
    path("ws/interviews/<uuid:public_id>/", InterviewConsumer.as_asgi()),
]
