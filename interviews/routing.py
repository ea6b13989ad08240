from django.urls import path

from interviews.consumers import InterviewConsumer

# Channels routes ASGI apps with Django's path(); the stubs type path() for views only.
websocket_urlpatterns = [
    path("ws/interviews/<uuid:public_id>/", InterviewConsumer.as_asgi()),  # type: ignore[arg-type]
]
