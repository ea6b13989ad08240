from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from classrooms import services
from classrooms.models import (
    BreakoutRoom,
    ClassSession,
    ClassSessionEvent,
    Course,
    CourseMaterial,
    MeetingBot,
    MeetingBotEvent,
    MisconceptionHit,
    ProfessorProfile,
    RoomInvitation,
    RoomPresenceSpan,
    RoomTranscriptLine,
    RosterStudent,
)
from config import background
from config.errors import as_application_error

logger = logging.getLogger(__name__)


@admin.register(ProfessorProfile)
class ProfessorProfileAdmin(admin.ModelAdmin):
    list_display = ("display_name", "user", "avatar_id", "voice_id", "likeness_consent_at")
    search_fields = ("display_name", "user__username", "user__email")
    list_filter = ("likeness_consent_at",)
    list_select_related = ("user",)


class RosterStudentInline(admin.TabularInline):
    model = RosterStudent
    extra = 0


class CourseMaterialInline(admin.TabularInline):
    model = CourseMaterial
    extra = 0
    fields = ("title", "content_type", "size", "uploaded_at")
    readonly_fields = ("title", "content_type", "size", "uploaded_at")
    can_delete = True
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # uploads go through the course page (validated and chunked)


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "professor", "created_at")
    search_fields = ("title", "professor__display_name")
    list_select_related = ("professor",)
    inlines = (RosterStudentInline, CourseMaterialInline)


@admin.register(RosterStudent)
class RosterStudentAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "course")
    search_fields = ("name", "email")
    list_filter = ("course",)
    list_select_related = ("course",)


class BreakoutRoomInline(admin.TabularInline):
    model = BreakoutRoom
    extra = 0
    can_delete = False
    fields = (
        "name",
        "status",
        "error",
        "avatar_session",
        "student_present",
        "professor_present",
        "help_requested_at",
        "last_activity_at",
    )
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ClassSessionEventInline(admin.TabularInline):
    model = ClassSessionEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "reason", "data", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ClassSession)
class ClassSessionAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "professor", "status", "meeting_provider", "started_at")
    list_filter = ("status", "meeting_provider")
    search_fields = ("title", "course__title", "professor__display_name", "meeting_id")
    list_select_related = ("course", "professor")
    readonly_fields = (
        "public_id",
        "status",
        "meeting_id",
        "meeting_uuid",
        "join_url",
        "start_url",
        "summary",
        "started_at",
        "live_at",
        "ended_at",
    )
    inlines = (BreakoutRoomInline, ClassSessionEventInline)
    actions = ("end_sessions", "export_transcripts")

    @admin.action(description="End the selected sessions (stop every avatar)")
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[ClassSession]) -> None:
        ended = 0
        for session in queryset:
            async_to_sync(services.class_session_end)(session=session, reason="ended by staff")
            ended += 1
        self.message_user(request, f"Ended {ended} session(s).", messages.SUCCESS)

    @admin.action(description="Export transcripts to CSV")
    def export_transcripts(
        self, request: HttpRequest, queryset: QuerySet[ClassSession]
    ) -> HttpResponse:
        from classrooms.exports import write_transcript_csv

        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="class-transcripts.csv"'
        write_transcript_csv(response, list(queryset.values_list("pk", flat=True)))
        return response


@admin.register(BreakoutRoom)
class BreakoutRoomAdmin(admin.ModelAdmin):
    list_display = ("name", "session", "status", "error", "avatar_session", "last_activity_at")
    list_filter = ("status",)
    search_fields = ("name", "session__title")
    list_select_related = ("session", "avatar_session")
    exclude = ("join_token",)  # the student's credential is never shown
    readonly_fields = (
        "public_id",
        "session",
        "status",
        "error",
        "avatar_session",
        "short_code",
        "meeting_room_id",
        "student_seconds",
        "tutor_seconds",
    )
    actions = ("restart_avatars",)

    @admin.action(description="Restart the avatar of the selected rooms")
    def restart_avatars(self, request: HttpRequest, queryset: QuerySet[BreakoutRoom]) -> None:
        done, refused = 0, 0
        for room in queryset.select_related("session"):
            try:
                async_to_sync(services.breakout_room_restart)(room=room)
                done += 1
            except Exception as exc:
                refused += 1
                error = as_application_error(exc)
                if error is None:
                    logger.exception("Restarting the avatar of %s failed", room)
                reason = error.message if error else "the restart failed (see the server log)"
                self.message_user(request, f"{room}: {reason}", messages.WARNING)
        self.message_user(request, f"Restarted {done} room avatar(s).", messages.SUCCESS)


@admin.register(RoomTranscriptLine)
class RoomTranscriptLineAdmin(admin.ModelAdmin):
    """The transcript is a record of what was said: readable and searchable, never edited."""

    list_display = ("created_at", "room", "speaker", "text", "source")
    list_filter = ("speaker", "source")
    search_fields = ("text", "room__name", "room__session__public_id")
    list_select_related = ("room",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _RecordAdmin(admin.ModelAdmin):
    """Records written by the product (who was invited, who was there, what was heard): staff
    read and search them, never type them in."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RoomInvitation)
class RoomInvitationAdmin(_RecordAdmin):
    list_display = ("email", "student", "room", "status", "attempts", "sent_at", "error")
    list_filter = ("status",)
    search_fields = ("email", "student__name", "room__name", "room__session__title")
    list_select_related = ("student", "room")
    date_hierarchy = "created_at"
    actions = ("resend",)

    @admin.action(description="Send the selected failed invitations again")
    def resend(self, request: HttpRequest, queryset: QuerySet[RoomInvitation]) -> None:
        queued = services.room_invitations_resend(
            invitation_ids=queryset.values_list("pk", flat=True)
        )
        if queued:
            background.spawn("room_invitations.send", base_url=request.build_absolute_uri("/"))
        self.message_user(
            request,
            f"Queued {queued} invitation(s) again (only failed ones of open sessions).",
            messages.SUCCESS,
        )


@admin.register(RoomPresenceSpan)
class RoomPresenceSpanAdmin(_RecordAdmin):
    list_display = ("room", "started_at", "ended_at")
    search_fields = ("room__name", "room__session__title")
    list_select_related = ("room",)
    date_hierarchy = "started_at"


@admin.register(MisconceptionHit)
class MisconceptionHitAdmin(_RecordAdmin):
    list_display = ("misconception", "key", "room", "created_at")
    list_filter = ("key",)
    search_fields = ("misconception", "key", "room__name", "room__session__title")
    list_select_related = ("room",)
    raw_id_fields = ("line",)


class MeetingBotEventInline(admin.TabularInline):
    model = MeetingBotEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "reason", "data", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MeetingBot)
class MeetingBotAdmin(_RecordAdmin):
    """Zoom tutor bots: read-only (runners and the reaper move them; a room restart requeues a
    failed one)."""

    list_display = ("display_name", "status", "launches", "runner", "pid", "heartbeat_at")
    list_filter = ("status",)
    search_fields = ("display_name", "room__name", "room__session__title", "runner")
    list_select_related = ("room",)
    inlines = (MeetingBotEventInline,)
