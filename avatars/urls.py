from django.urls import path

from avatars import views

app_name = "avatars"
urlpatterns = [
    path("health/", views.provider_health, name="health"),
]
