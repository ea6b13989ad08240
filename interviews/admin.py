from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html, format_html_join

from interviews.coaching.schema import DIMENSIONS, dimension_label, engine_label
from interviews.exports import write_feedback_csv
from interviews.models import (
    Attempt,
    AttemptEvent,
    BankQuestion,
    CandidateProfile,
    FollowUp,
    InterviewEvent,
    InterviewQuestion,
    MockInterview,
    ReportShare,
    Story,
    StoryUse,
)
from interviews.selectors.reports import competency_label


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


class InterviewQuestionInline(admin.TabularInline):
    model = InterviewQuestion
    extra = 0

    @admin.display(description="Competency")
    def competency_name(self, question: InterviewQuestion) -> str:
        return competency_label(question.competency)

    fields = ("order", "text", "competency_name", "source")
    readonly_fields = fields
    can_delete = False


class InterviewEventInline(admin.TabularInline):
    model = InterviewEvent
    extra = 0
    fields = ("created_at", "from_status", "to_status", "reason")
    readonly_fields = fields
    can_delete = False


@admin.register(MockInterview)
class MockInterviewAdmin(admin.ModelAdmin):
    list_display = ("target_role", "owner", "status", "question_count", "created_at")
    list_filter = ("status", "interview_type", "persona")
    search_fields = ("target_role", "company", "owner__username", "public_id")
    list_select_related = ("owner",)
    readonly_fields = ("public_id", "status", "current_attempt", "current_follow_up")
    raw_id_fields = ("owner", "avatar_session")
    inlines = (InterviewQuestionInline, InterviewEventInline)


class AttemptEventInline(admin.TabularInline):
    model = AttemptEvent
    extra = 0
    fields = ("created_at", "from_status", "to_status", "reason")
    readonly_fields = fields
    can_delete = False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("question", "kind", "number", "status", "overall", "is_best", "created_at")
    list_filter = ("status", "kind", "is_best")
    search_fields = ("public_id", "question__interview__public_id")
    list_select_related = ("question",)
    readonly_fields = ("public_id", "status", "feedback_scores")
    raw_id_fields = ("question", "follow_up")
    inlines = (AttemptEventInline,)
    actions = ("export_feedback",)

    @admin.display(description="Feedback scores")
    def feedback_scores(self, attempt: Attempt) -> str:
        """The coach's scores under their human labels (the raw JSON stays editable below)."""
        dims = (attempt.feedback or {}).get("dimensions") if attempt.feedback else None
        if not isinstance(dims, dict):
            return "-"
        rows = [
            (
                dims[name].get("label") or dimension_label(name),
                dims[name].get("score", "-"),
                "" if dims[name].get("supported", True) else " (not counted)",
            )
            for name in DIMENSIONS
            if isinstance(dims.get(name), dict)
        ]
        return format_html(
            "<p>{}</p><ul>{}</ul>",
            engine_label(str((attempt.feedback or {}).get("engine", ""))),
            format_html_join("", "<li>{}: {}/5{}</li>", rows),
        )

    @admin.action(description="Export feedback to CSV")
    def export_feedback(self, request: HttpRequest, queryset: QuerySet[Attempt]) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="interview-feedback.csv"'
        write_feedback_csv(response, queryset)
        return response


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ("text", "question", "created_at")
    raw_id_fields = ("question", "prompted_by")


@admin.register(ReportShare)
class ReportShareAdmin(admin.ModelAdmin):
    """Share links: staff can see and revoke them, never read the token (it is a credential)."""

    list_display = ("interview", "created_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("interview__public_id", "interview__owner__username")
    list_select_related = ("interview",)
    exclude = ("token",)
    readonly_fields = ("interview", "created_at")

    def has_add_permission(self, request: Any) -> bool:
        return False


class StoryUseInline(admin.TabularInline):
    model = StoryUse
    extra = 0
    fields = ("interview", "attempt", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "competency", "created_at", "updated_at")
    list_filter = ("competency",)
    search_fields = ("title", "owner__username", "situation", "action", "result")
    list_select_related = ("owner",)
    raw_id_fields = ("owner", "source_attempt")
    inlines = (StoryUseInline,)
