"""Small factories: plain functions with sensible defaults (no factory library needed)."""

from __future__ import annotations

import itertools

from django.contrib.auth.models import User

from classrooms.models import Course, ProfessorProfile, RosterStudent
from classrooms.services import course_create, professor_create, roster_student_add
from interviews.services import candidate_profile_ensure

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


def make_user(username: str | None = None, *, staff: bool = False, candidate: bool = True) -> User:
    n = next(_seq)
    username = username or f"user{n}"
    user = User.objects.create_user(
        username=username, email=f"{username}@example.com", password=PASSWORD, is_staff=staff
    )
    if candidate and not staff:
        candidate_profile_ensure(user=user)
    return user


def make_professor(username: str | None = None, *, consent: bool = True) -> ProfessorProfile:
    n = next(_seq)
    username = username or f"prof{n}"
    return professor_create(
        username=username,
        email=f"{username}@example.edu",
        password=PASSWORD,
        display_name=f"Professor {username.title()}",
        teaching_style="Socratic and patient.",
        consent=consent,
    )


def make_course(professor: ProfessorProfile, *, students: int = 3, title: str = "") -> Course:
    course = course_create(professor=professor, title=title or f"Course {next(_seq)}")
    for i in range(students):
        make_student(course, name=f"Student {i + 1}")
    return course


def make_student(course: Course, *, name: str = "") -> RosterStudent:
    return roster_student_add(
        course=course, name=name or f"Student {next(_seq)}", email="", background=""
    )
