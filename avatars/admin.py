from django.contrib import admin

from avatars.models import AvatarSession, AvatarSessionEvent


class AvatarSessionEventInline(admin.TabularInline):
    model = AvatarSessionEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "from_status", "to_status", "reason", "data")

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(AvatarSession)
class AvatarSessionAdmin(admin.ModelAdmin):
    list_display = (
        "public_id",
        "provider",
        "purpose",
        "subject",
        "status",
        "requested_at",
        "ready_at",
        "ended_at",
        "seconds_spoken",
        "estimated_cost",
    )
    list_filter = ("provider", "status", "purpose")
    search_fields = ("public_id", "provider_session_id", "subject")
    readonly_fields = ("public_id", "connection")
    inlines = (AvatarSessionEventInline,)
