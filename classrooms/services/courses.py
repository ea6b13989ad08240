"""Professors, courses, rosters and course material (writes)."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from classrooms.models import (
    Course,
    CourseMaterial,
    MaterialChunk,
    ProfessorProfile,
    RosterStudent,
)
from classrooms.retrieval import chunk_text
from config.textinput import text_fields_check
from config.wsinput import clean_text

MATERIAL_TYPES = {".txt": "text/plain", ".md": "text/markdown", ".markdown": "text/markdown"}


# --- Professors and courses --------------------------------------------------------------------


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
    text_fields_check(display_name=display_name, teaching_style=teaching_style)
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


def professor_consent_set(*, professor: ProfessorProfile, consent: bool) -> ProfessorProfile:
    """Record (or withdraw) consent to use the professor's likeness and voice for a clone."""
    professor.likeness_consent_at = timezone.now() if consent else None
    professor.save(update_fields=["likeness_consent_at"])
    return professor


@transaction.atomic
def course_create(*, professor: ProfessorProfile, title: str, description: str = "") -> Course:
    text_fields_check(title=title, description=description)
    course, _ = Course.objects.get_or_create(
        professor=professor, title=title, defaults={"description": description}
    )
    return course


@transaction.atomic
def course_update(*, course: Course, title: str, description: str) -> Course:
    course.title = title
    course.description = description
    course.save(update_fields=["title", "description"])
    return course


@transaction.atomic
def course_edit_apply(
    *,
    course: Course,
    title: str,
    description: str,
    rows: list[tuple[RosterStudent | None, dict[str, Any]]],
) -> Course:
    """The course edit page in one transaction: title and description, then each changed
    roster row (None: a new student; DELETE: remove). A refused removal undoes everything."""
    course_update(course=course, title=title, description=description)
    for student, data in rows:
        fields = {
            "name": data["name"].strip(),
            "email": data.get("email") or "",
            "background": data.get("background") or "",
        }
        if student is None:
            if not data.get("DELETE") and fields["name"]:
                roster_student_add(course=course, **fields)
        elif data.get("DELETE"):
            roster_student_remove(student=student)
        else:
            roster_student_update(student=student, **fields)
    return course


class RosterStudentInUse(ValidationError):
    """A student who took part in a session stays on the roster: their report needs them."""


@transaction.atomic
def roster_student_update(
    *, student: RosterStudent, name: str, email: str = "", background: str = ""
) -> RosterStudent:
    student.name = name
    student.email = email
    student.background = background
    student.save(update_fields=["name", "email", "background"])
    return student


@transaction.atomic
def roster_student_remove(*, student: RosterStudent) -> None:
    """Remove a student who never had a breakout room (one who did is kept: session reports
    list every student of every room)."""
    if student.breakout_rooms.exists():
        raise RosterStudentInUse(
            f"{student.name} took part in a session, so they stay on the roster "
            "(the session's report lists them)."
        )
    student.delete()


def roster_student_add(
    *, course: Course, name: str, email: str = "", background: str = ""
) -> RosterStudent:
    text_fields_check(name=name, email=email, background=background)
    student, _ = RosterStudent.objects.update_or_create(
        course=course, name=name, defaults={"email": email, "background": background}
    )
    return student


def material_validate(*, filename: str, raw: bytes) -> tuple[str, str]:
    """Return (content_type, text) or raise ValidationError with a sentence for the user."""
    lower = filename.lower()
    ext = next((e for e in MATERIAL_TYPES if lower.endswith(e)), "")
    if not ext:
        raise ValidationError("Upload a text (.txt) or Markdown (.md) file.")
    if len(raw) > settings.CLASS_MATERIAL_MAX_BYTES:
        raise ValidationError(
            f"The file is too large (limit {settings.CLASS_MATERIAL_MAX_BYTES // 1000} kB)."
        )
    if b"\x00" in raw:  # anywhere: PostgreSQL cannot store it, and text has none
        raise ValidationError("That file is not plain text (it contains NUL bytes).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError("The file must be UTF-8 text.") from exc
    if not text.strip():
        raise ValidationError("The file is empty.")
    return MATERIAL_TYPES[ext], text


@transaction.atomic
def course_material_add(
    *, course: Course, filename: str, raw: bytes, title: str = ""
) -> CourseMaterial:
    content_type, text = material_validate(filename=filename, raw=raw)
    text_fields_check(title=title)
    material = CourseMaterial(
        course=course,
        title=clean_text(title or filename.rsplit("/", 1)[-1])[:200],
        content_type=content_type,
        size=len(raw),
        text=text,
    )
    safe_name = f"{secrets.token_hex(8)}{'.md' if content_type == 'text/markdown' else '.txt'}"
    material.file.save(safe_name, ContentFile(raw), save=False)
    material.save()
    MaterialChunk.objects.bulk_create(
        MaterialChunk(material=material, course=course, position=i, heading=h, text=t)
        for i, (h, t) in enumerate(chunk_text(text))
    )
    return material


@transaction.atomic
def course_material_delete(*, material: CourseMaterial) -> None:
    if material.file:
        material.file.delete(save=False)
    material.delete()
