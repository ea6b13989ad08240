from django.urls import path

from interviews import views, views_coaching

app_name = "interviews"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.new, name="new"),
    path("settings/", views_coaching.account_settings, name="settings"),
    path("<uuid:public_id>/", views.interview, name="interview"),
    path("<uuid:public_id>/report/", views.report, name="report"),
    # coaching (issue 3): share links, story bank
    path("<uuid:public_id>/share/", views_coaching.share_create, name="share_create"),
    path("<uuid:public_id>/share/revoke/", views_coaching.share_revoke, name="share_revoke"),
    path("shared/<str:token>/", views_coaching.shared_report, name="shared"),
    path("stories/", views_coaching.story_bank, name="stories"),
    path("stories/save/", views_coaching.story_save, name="story_save"),
    path("stories/<uuid:public_id>/", views_coaching.story_edit, name="story_edit"),
    path("stories/<uuid:public_id>/delete/", views_coaching.story_delete, name="story_delete"),
]
