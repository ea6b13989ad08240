from django.urls import path

from classrooms import views

app_name = "classrooms"
urlpatterns = [
    path("classrooms/", views.dashboard, name="dashboard"),
]
