from django.urls import path

from interviews import views

app_name = "interviews"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.new, name="new"),
    path("settings/", views.account_settings, name="settings"),
]
