"""Professors create and edit their own courses (title, description, roster) without staff."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from classrooms import services
from classrooms.models import Course
from tests import factories

pytestmark = pytest.mark.django_db


def _roster_post(course: Course, rows: list[dict[str, Any]], **course_fields: str) -> dict:
    """The edit page's POST: the course fields and one formset row per existing student (in
    the page's order) plus the new rows."""
    existing = list(course.students.order_by("name"))
    data: dict[str, Any] = {
        "title": course_fields.get("title", course.title),
        "description": course_fields.get("description", course.description),
        "roster-TOTAL_FORMS": str(len(rows)),
        "roster-INITIAL_FORMS": str(len(existing)),
        "roster-MIN_NUM_FORMS": "0",
        "roster-MAX_NUM_FORMS": "500",
    }
    for index, row in enumerate(rows):
        if index < len(existing):
            data[f"roster-{index}-id"] = str(existing[index].pk)
            data[f"roster-{index}-course"] = str(course.pk)
        for key, value in row.items():
            data[f"roster-{index}-{key}"] = value
    return data


def test_a_professor_creates_a_course_from_the_dashboard(client_for: Any, professor: Any) -> None:
    client = client_for(professor)
    dashboard = client.get(reverse("classrooms:dashboard")).content.decode()
    assert "Ask an administrator" not in dashboard
    assert reverse("classrooms:course_new") in dashboard
    response = client.post(
        reverse("classrooms:course_new"),
        {"title": "PHIL 210: Logic", "description": "Arguments and their forms."},
    )
    course = Course.objects.get(title="PHIL 210: Logic")
    assert course.professor == professor
    assert response["Location"] == reverse("classrooms:course", args=[course.public_id])
    page = client.get(response["Location"]).content.decode()
    assert "Arguments and their forms." in page
    assert reverse("classrooms:course_edit", args=[course.public_id]) in page


def test_a_second_course_with_the_same_title_is_refused(client_for: Any, professor: Any) -> None:
    factories.make_course(professor, title="STAT 101")
    response = client_for(professor).post(reverse("classrooms:course_new"), {"title": "stat 101"})
    assert response.status_code == 200
    assert "You already have a course with this title." in response.content.decode()
    assert Course.objects.filter(professor=professor).count() == 1


def test_the_edit_page_renames_adds_and_removes_students(client_for: Any, professor: Any) -> None:
    course = factories.make_course(professor, students=0, title="STAT 101")
    for name in ("Ada", "Ben"):
        factories.make_student(course, name=name)
    client = client_for(professor)
    url = reverse("classrooms:course_edit", args=[course.public_id])
    assert client.get(url).status_code == 200
    rows = [
        {"name": "Ada Lovelace", "email": "ada@example.edu", "background": "Maths"},
        {"name": "Ben", "email": "", "background": "", "DELETE": "on"},
        {"name": "Chen", "email": "chen@example.edu", "background": ""},
        {"name": "", "email": "", "background": ""},
    ]
    response = client.post(url, _roster_post(course, rows, title="STAT 101: Inference"))
    assert response.status_code == 302, response.content.decode()[:2000]
    course.refresh_from_db()
    assert course.title == "STAT 101: Inference"
    assert sorted(course.students.values_list("name", "email")) == [
        ("Ada Lovelace", "ada@example.edu"),
        ("Chen", "chen@example.edu"),
    ]


def test_a_student_who_took_part_in_a_session_stays_on_the_roster(
    client_for: Any, professor: Any
) -> None:
    course = factories.make_course(professor, students=0, title="STAT 101")
    ada = factories.make_student(course, name="Ada")
    services.class_session_create(professor=professor, course=course, student_ids=[ada.pk])
    response = client_for(professor).post(
        reverse("classrooms:course_edit", args=[course.public_id]),
        _roster_post(
            course,
            [{"name": "Ada", "email": "", "background": "", "DELETE": "on"}],
            title="Renamed",
        ),
    )
    assert response.status_code == 200
    assert "Ada took part in a session" in response.content.decode()
    course.refresh_from_db()
    assert course.title == "STAT 101"  # nothing saved
    assert course.students.filter(pk=ada.pk).exists()


@pytest.mark.parametrize("persona", ["other_professor", "candidate", "anonymous"], indirect=True)
def test_only_the_owner_edits_a_course(client_for: Any, professor: Any, persona: Any) -> None:
    course = factories.make_course(professor, title="STAT 101")
    url = reverse("classrooms:course_edit", args=[course.public_id])
    client = client_for(persona)
    assert client.get(url).status_code in (302, 403, 404)
    client.post(url, {"title": "Taken over"})
    course.refresh_from_db()
    assert course.title == "STAT 101"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"title": "x" * 5000},
        {"title": "\x00"},
        {"title": "T", "roster-TOTAL_FORMS": "abc"},
        {"title": "T", "roster-TOTAL_FORMS": "99999", "roster-INITIAL_FORMS": "0"},
        {
            "title": "T",
            "roster-TOTAL_FORMS": "1",
            "roster-INITIAL_FORMS": "1",
            "roster-0-id": "9" * 30,
        },
        {
            "title": "T",
            "roster-TOTAL_FORMS": "1",
            "roster-INITIAL_FORMS": "0",
            "roster-0-email": "no",
        },
    ],
    ids=["empty", "long", "nul", "bad-count", "huge-count", "bad-id", "bad-email"],
)
def test_any_course_form_gets_a_clear_answer_never_a_500(
    client_for: Any, professor: Any, data: dict
) -> None:
    course = factories.make_course(professor, title="STAT 101")
    client = client_for(professor)
    for url in (
        reverse("classrooms:course_new"),
        reverse("classrooms:course_edit", args=[course.public_id]),
    ):
        response = client.post(url, data)
        assert response.status_code in (200, 302, 400), (url, response.status_code)
