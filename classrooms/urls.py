from django.urls import path

from classrooms.views import courses, join, links, reports, rooms, sessions, zoom

app_name = "classrooms"
urlpatterns = [
    path("classrooms/", courses.dashboard, name="dashboard"),
    path("classrooms/profile/", courses.profile, name="profile"),
    path("classrooms/courses/new/", courses.course_new, name="course_new"),
    path("classrooms/courses/<uuid:course_id>/", courses.course_detail, name="course"),
    path("classrooms/courses/<uuid:course_id>/edit/", courses.course_edit, name="course_edit"),
    path(
        "classrooms/courses/<uuid:course_id>/materials/",
        courses.material_upload,
        name="material_upload",
    ),
    path(
        "classrooms/courses/<uuid:course_id>/materials/<uuid:material_id>/delete/",
        courses.material_delete,
        name="material_delete",
    ),
    path("classrooms/courses/<uuid:course_id>/students/", courses.student_add, name="student_add"),
    path(
        "classrooms/courses/<uuid:course_id>/sessions/",
        sessions.session_start,
        name="session_start",
    ),
    path("classrooms/sessions/<uuid:session_id>/", sessions.monitor, name="monitor"),
    path(
        "classrooms/sessions/<uuid:session_id>/start/",
        sessions.session_start_prepared,
        name="session_start_prepared",
    ),
    path(
        "classrooms/sessions/<uuid:session_id>/links/",
        links.session_links_page,
        name="session_links",
    ),
    path(
        "classrooms/sessions/<uuid:session_id>/links.csv",
        links.session_links_csv,
        name="session_links_csv",
    ),
    path(
        "classrooms/sessions/<uuid:session_id>/invitations/",
        links.session_invitations,
        name="session_invitations",
    ),
    path(
        "classrooms/sessions/<uuid:session_id>/invitations/resend/",
        links.session_invitations_resend,
        name="session_invitations_resend",
    ),
    path(
        "classrooms/sessions/<uuid:session_id>/report/",
        reports.session_report_page,
        name="session_report",
    ),
    path(
        "classrooms/sessions/<uuid:session_id>/report.csv",
        reports.session_report_csv,
        name="session_report_csv",
    ),
    path(
        "classrooms/sessions/<uuid:session_id>/transcript.csv",
        sessions.transcript_csv,
        name="transcript_csv",
    ),
    path(
        "classrooms/sessions/<uuid:session_id>/zoom/signature/",
        sessions.session_zoom_signature,
        name="session_zoom_signature",
    ),
    path("classrooms/zoom/webhook/", zoom.zoom_webhook, name="zoom_webhook"),
    path("join/", join.join, name="join"),
    path("rooms/<str:token>/", rooms.room, name="room"),
    path("r/<str:code>", rooms.short, name="short"),
]
