from django.contrib import admin

from interviews.models import BankQuestion, CandidateProfile


@admin.register(CandidateProfile)
class CandidateProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "mock_avatar_id", "mock_voice_id", "mock_avatar_quality", "max_quality")
    list_filter = ("mock_avatar_quality", "max_quality")
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)


@admin.register(BankQuestion)
class BankQuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "competency", "interview_type", "is_active")
    list_filter = ("competency", "interview_type", "is_active")
    search_fields = ("text",)
