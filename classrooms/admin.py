from django.contrib import admin

from classrooms.models import Course, ProfessorProfile, RosterStudent


@admin.register(ProfessorProfile)
class ProfessorProfileAdmin(admin.ModelAdmin):
    list_display = ("display_name", "user", "avatar_id", "voice_id", "likeness_consent_at")
    search_fields = ("display_name", "user__username", "user__email")
    list_filter = ("likeness_consent_at",)


class RosterStudentInline(admin.TabularInline):
    model = RosterStudent
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "professor", "created_at")
    search_fields = ("title", "professor__display_name")
    list_select_related = ("professor",)
    inlines = (RosterStudentInline,)


@admin.register(RosterStudent)
class RosterStudentAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "course")
    search_fields = ("name", "email")
    list_filter = ("course",)
    list_select_related = ("course",)
