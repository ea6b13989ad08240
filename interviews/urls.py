from django.urls import path

from interviews.views import coach_help, interviews, preferences, reports, shares, stories

app_name = "interviews"
urlpatterns = [
    path("", interviews.dashboard, name="dashboard"),
    path("new/", interviews.new, name="new"),
    path("settings/", preferences.account_settings, name="settings"),
    path("coach/", coach_help.coach_help, name="coach_help"),
    path("<uuid:public_id>/", interviews.interview, name="interview"),
    path("<uuid:public_id>/report/", interviews.report, name="report"),
    path("<uuid:public_id>/share/", shares.share_create, name="share_create"),
    path("<uuid:public_id>/share/revoke/", shares.share_revoke, name="share_revoke"),
    path("shared/<str:token>/", reports.shared_report, name="shared"),
    path("stories/", stories.story_bank, name="stories"),
    path("stories/save/", stories.story_save, name="story_save"),
    path("stories/<uuid:public_id>/", stories.story_edit, name="story_edit"),
    path("stories/<uuid:public_id>/delete/", stories.story_delete, name="story_delete"),
]
