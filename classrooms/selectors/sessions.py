"""Classroom reads: courses, sessions and rooms of a professor, rooms by token or short code."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from classrooms.models import (
    BreakoutRoom,
    ClassSession,
    Course,
    CourseMaterial,
    ProfessorProfile,
    RosterStudent,
)


def course_list_for_professor(*, professor: ProfessorProfile) -> QuerySet[Course]:
    return Course.objects.filter(professor=professor).annotate(
        student_count=Count("students", distinct=True),
        material_count=Count("materials", distinct=True),
    )


def course_for_owner(*, public_id: Any, professor: ProfessorProfile) -> Course | None:
    return (
        Course.objects.filter(public_id=public_id, professor=professor)
        .prefetch_related(
            "students", Prefetch("materials", queryset=CourseMaterial.objects.defer("text"))
        )
        .first()
    )


def sessions_for_professor(*, professor: ProfessorProfile, limit: int = 20) -> QuerySet:
    return (
        ClassSession.objects.filter(professor=professor)
        .select_related("course")
        .annotate(room_count=Count("rooms"))[:limit]
    )


def class_session_for_owner(*, public_id: Any, user: Any) -> ClassSession | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        ClassSession.objects.select_related("course", "professor")
        .filter(public_id=public_id, professor__user=user)
        .first()
    )


def session_rooms(*, session: ClassSession) -> list[BreakoutRoom]:
    return list(
        BreakoutRoom.objects.filter(session=session)
        .select_related("avatar_session")
        .prefetch_related(Prefetch("students", queryset=RosterStudent.objects.only("id", "name")))
        .order_by("position")
    )


def room_with_relations(*, pk: int) -> BreakoutRoom:
    return (
        BreakoutRoom.objects.select_related(
            "avatar_session", "session__course", "session__professor"
        )
        .prefetch_related("students")
        .get(pk=pk)
    )


def room_by_token(*, token: str) -> BreakoutRoom | None:
    if not token or len(token) > 64:
        return None
    return (
        BreakoutRoom.objects.select_related(
            "avatar_session", "session__course", "session__professor__user"
        )
        .prefetch_related("students")
        .filter(join_token=token)
        .first()
    )


def room_by_short_code(*, code: str) -> BreakoutRoom | None:
    if not code or len(code) > 32:
        return None
    return BreakoutRoom.objects.filter(short_code=code.lower()).only("join_token").first()
