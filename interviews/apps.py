from django.apps import AppConfig

from avatars.subjects import subject_uuids


def _interview_labels(subjects: list[str]) -> dict[str, str]:
    """The admin's words for an interview's avatar session: the role and the candidate."""
    from interviews.models import MockInterview

    rows = MockInterview.objects.filter(public_id__in=subject_uuids(subjects)).values_list(
        "public_id", "target_role", "owner__username"
    )
    return {str(pid): f"Mock interview: {role} ({user})" for pid, role, user in rows}


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = "Mock interviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from avatars import subjects

        subjects.register("interview", _interview_labels)
