from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import error_pages, views

admin.site.site_header = "Mockingbird administration"
admin.site.site_title = "Mockingbird admin"
admin.site.index_title = "Interviews, classrooms and avatar sessions"

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/signup/", views.signup, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("interviews/", include("interviews.urls")),
    path("", include("classrooms.urls")),
    path("avatars/", include("avatars.urls")),
]

handler400 = error_pages.bad_request
handler403 = error_pages.permission_denied
handler404 = error_pages.page_not_found
handler500 = error_pages.server_error
