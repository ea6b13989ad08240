from django.urls import path

from classrooms import views

app_name = "classrooms"
urlpatterns = [
    path("classrooms/", views.dashboard, name="dashboard"),
    path("classrooms/profile/", views.profile, name="profile"),
    path("classrooms/courses/<uuid:course_id>/", views.course_detail, name="course"),
    path(
        "classrooms/courses/<uuid:course_id>/materials/",
        views.material_upload,
        name="material_upload",
    ),
    path(
        "classrooms/courses/<uuid:course_id>/materials/<uuid:material_id>/delete/",
        views.material_delete,
        name="material_delete",
    ),
    path("classrooms/courses/<uuid:course_id>/students/", views.student_add, name="student_add"),
    path(
        "classrooms/courses/<uuid:course_id>/sessions/", views.session_start, name="session_start"
    ),
    path("classrooms/sessions/<uuid:session_id>/", views.monitor, name="monitor"),
    path(
        "classrooms/sessions/<uuid:session_id>/transcript.csv",
        views.transcript_csv,
        name="transcript_csv",
    ),
    path(
        "classrooms/sessions/<uuid:session_id>/zoom/signature/",
        views.session_zoom_signature,
        name="session_zoom_signature",
    ),
    path("classrooms/zoom/webhook/", views.zoom_webhook, name="zoom_webhook"),
    path("rooms/<str:token>/", views.room, name="room"),
    path("r/<str:code>", views.short, name="short"),
]
