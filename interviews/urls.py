from django.urls import path

from interviews import views

app_name = "interviews"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.new, name="new"),
    path("settings/", views.account_settings, name="settings"),
    path("<uuid:public_id>/", views.interview, name="interview"),
    path("<uuid:public_id>/report/", views.report, name="report"),
]
