from django.apps import AppConfig

from avatars.subjects import subject_uuids


def _room_labels(subjects: list[str]) -> dict[str, str]:
    """The admin's words for a breakout room's avatar session: course, session and room."""
    from classrooms.models import BreakoutRoom

    rows = BreakoutRoom.objects.filter(public_id__in=subject_uuids(subjects)).values_list(
        "public_id", "name", "session__title", "session__course__title"
    )
    return {str(pid): f"{title or course}, {room}" for pid, room, title, course in rows}


class ClassroomsConfig(AppConfig):
    name = "classrooms"
    verbose_name = "Classroom breakout sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from avatars import subjects

        subjects.register("classroom", _room_labels)
