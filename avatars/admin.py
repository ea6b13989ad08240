from typing import Any

from asgiref.sync import async_to_sync
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db.models import QuerySet
from django.http import HttpRequest

from avatars.models import AvatarProviderGate, AvatarSession, AvatarSessionEvent
from avatars.services import avatar_session_stop
from avatars.subjects import subject_labels


class AvatarSessionEventInline(admin.TabularInline):
    model = AvatarSessionEvent
    extra = 0
    can_delete = False
    ordering = ("created_at", "id")
    readonly_fields = ("created_at", "from_status", "to_status", "reason", "data")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AvatarSession)
class AvatarSessionAdmin(admin.ModelAdmin):
    change_list_template = "admin/avatars/avatarsession/change_list.html"
    list_display = (
        "served",
        "provider",
        "purpose",
        "status",
        "requested_at",
        "ready_at",
        "ended_at",
        "seconds_spoken",
        "estimated_cost",
    )
    list_filter = ("provider", "status", "purpose", "requested_at")
    search_fields = ("public_id", "provider_session_id", "subject", "avatar_id", "error")
    date_hierarchy = "requested_at"
    readonly_fields = (
        "public_id",
        "purpose",
        "served",
        "subject",
        "provider",
        "provider_session_id",
        "status",
        "connection",
        "error",
        "requested_at",
        "queued_at",
        "ready_at",
        "first_speech_at",
        "last_activity_at",
        "last_heartbeat_at",
        "keepalive_at",
        "ended_at",
        "seconds_spoken",
        "estimated_cost",
    )
    inlines = (AvatarSessionEventInline,)
    actions = ("stop_now",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        """Label the page's sessions in one query per purpose (the list shows what each
        serves, not a raw public id)."""
        changelist = super().get_changelist_instance(request)
        rows = list(changelist.result_list)  # evaluated once; the template reuses this cache
        labels = subject_labels((row.purpose, row.subject) for row in rows)
        for row in rows:
            row.served_label = labels.get((row.purpose, row.subject), "")
        return changelist

    @admin.display(description="Serves", ordering="subject")
    def served(self, obj: AvatarSession) -> str:
        label = getattr(obj, "served_label", None)
        if label is None:  # the change page: one session
            label = subject_labels([(obj.purpose, obj.subject)]).get((obj.purpose, obj.subject))
        return label or f"{obj.get_purpose_display()} (no longer exists)"

    @admin.action(description="Stop now (ends the vendor session too)")
    def stop_now(self, request: HttpRequest, queryset: QuerySet[AvatarSession]) -> None:
        stopped = 0
        for session in queryset.filter(status__in=AvatarSession.LIVE_STATUSES):
            async_to_sync(avatar_session_stop)(
                session=session, reason=f"stopped by {request.user} in the admin"
            )
            stopped += 1
        self.message_user(request, f"Stopped {stopped} live session(s).", level=messages.SUCCESS)


@admin.register(AvatarProviderGate)
class AvatarProviderGateAdmin(admin.ModelAdmin):
    list_display = ("provider", "updated_at")
    readonly_fields = ("provider", "updated_at")


# Link the staff provider health page from the admin index (unless a project template already
# customises the index).
if admin.site.index_template is None:
    admin.site.index_template = "avatars/admin_index.html"
