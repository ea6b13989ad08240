"""Classroom services (writes)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from classrooms.models import Course, ProfessorProfile, RosterStudent


@transaction.atomic
def professor_create(
    *,
    username: str,
    email: str,
    password: str,
    display_name: str,
    teaching_style: str = "",
    consent: bool = False,
) -> ProfessorProfile:
    """Create (or update) a professor account with its profile. Idempotent on username."""
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    profile, _ = ProfessorProfile.objects.update_or_create(
        user=user,
        defaults={"display_name": display_name, "teaching_style": teaching_style},
    )
    if consent and not profile.likeness_consent_at:
        profile.likeness_consent_at = timezone.now()
        profile.save(update_fields=["likeness_consent_at"])
    return profile


@transaction.atomic
def course_create(*, professor: ProfessorProfile, title: str, description: str = "") -> Course:
    course, _ = Course.objects.get_or_create(
        professor=professor, title=title, defaults={"description": description}
    )
    return course


def roster_student_add(
    *, course: Course, name: str, email: str = "", background: str = ""
) -> RosterStudent:
    student, _ = RosterStudent.objects.update_or_create(
        course=course, name=name, defaults={"email": email, "background": background}
    )
    return student
