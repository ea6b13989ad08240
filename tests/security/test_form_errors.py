"""Refusals that say what is wrong: form errors name the field and the problem; every free-text
field has a length limit; NUL characters are refused everywhere (in form fields, the whole of an
uploaded material, URLs) with a clear answer and nothing saved, on SQLite and PostgreSQL alike
(CI runs this on PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from classrooms import services
from classrooms.models import CourseMaterial, ProfessorProfile, RosterStudent
from tests.security.conftest import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def _shown(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def _material(world: World, name: str, raw: bytes, title: str = "") -> Any:
    client = world.client("professor_owner")
    return client.post(
        f"/classrooms/courses/{world.course.public_id}/materials/",
        {"file": SimpleUploadedFile(name, raw, content_type="text/markdown"), "title": title},
        follow=True,
    )


MATERIAL_CASES = {
    "a 5,000-character title": (
        "notes.md",
        b"# Notes\n\nSome text.\n",
        "T" * 5000,
        "Title: Ensure this value has at most 200 characters (it has 5000).",
    ),
    "a NUL byte after the first 4 KiB": (
        "notes.md",
        b"# Notes\n\n" + b"a" * 5000 + b"\x00 more\n",
        "",
        "That file is not plain text (it contains NUL bytes).",
    ),
    "a NUL in the title": (
        "notes.md",
        b"# Notes\n\nSome text.\n",
        "Week\x003",
        "Title: Null characters are not allowed.",
    ),
}


@pytest.mark.parametrize("case", MATERIAL_CASES)
def test_material_refusals_name_the_problem(world: World, record: Any, case: str) -> None:
    name, raw, title, expected = MATERIAL_CASES[case]
    before = CourseMaterial.objects.count()
    response = _material(world, name, raw, title)
    shown = _shown(response)
    record("form errors", f"course material with {case}", "professor_owner", expected, shown)
    assert response.status_code == 200
    assert expected in shown
    assert CourseMaterial.objects.count() == before


STUDENT_CASES = {
    "a bad email": (
        {"name": "Ann Lee", "email": "not-an-email"},
        "Email: Enter a valid email address.",
    ),
    "a 5,000-character name": (
        {"name": "N" * 5000},
        "Name: Ensure this value has at most 120 characters (it has 5000).",
    ),
    "a NUL byte in the name": ({"name": "Ann\x00Lee"}, "Name: Null characters are not allowed."),
    "a 2 MB background": (
        {"name": "Ann Lee", "background": "b" * 2_000_000},
        "Background: Ensure this value has at most 2000 characters (it has 2000000).",
    ),
    "a NUL byte in the background": (
        {"name": "Ann Lee", "background": "likes\x00stats"},
        "Background: Null characters are not allowed.",
    ),
    "no name": ({"name": "  "}, "Name: Give the student a name."),
}


@pytest.mark.parametrize("case", STUDENT_CASES)
def test_roster_refusals_name_the_field_and_the_problem(
    world: World, record: Any, case: str
) -> None:
    data, expected = STUDENT_CASES[case]
    before = RosterStudent.objects.count()
    response = world.client("professor_owner").post(
        f"/classrooms/courses/{world.course.public_id}/students/", data, follow=True
    )
    shown = _shown(response)
    record("form errors", f"roster student with {case}", "professor_owner", expected, shown)
    assert response.status_code == 200
    assert expected in shown
    assert RosterStudent.objects.count() == before


def test_the_teaching_style_is_bounded(world: World, record: Any) -> None:
    response = world.client("professor_owner").post(
        "/classrooms/profile/", {"display_name": "Dr Rivera", "teaching_style": "s" * 5000}
    )
    html = response.content.decode()
    expected = "Ensure this value has at most 2000 characters (it has 5000)."
    record(
        "form errors",
        "teaching style of 5,000 characters",
        "professor_owner",
        "refused with the limit",
        "refused with the limit" if expected in html else f"status {response.status_code}",
    )
    assert expected in html
    assert ProfessorProfile.objects.get(pk=world.professor.pk).teaching_style != "s" * 5000


@pytest.mark.parametrize(
    "url",
    [
        "/r/abcd%00efgh",
        "/rooms/{token}%00/",
        "/interviews/shared/{token}%00/",
        "/join/?code=%00",
        "/?q=a%00b",
    ],
)
def test_a_nul_in_a_url_is_a_clear_400(world: World, record: Any, url: str) -> None:
    path = url.format(token=world.room1.join_token)
    response = Client().get(path)
    record(
        "NUL bytes",
        url.replace("{token}", "<token>"),
        "anonymous",
        400,
        response.status_code,
    )
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_services_refuse_nul_whoever_calls_them(world: World, record: Any) -> None:
    """The admin, commands and sockets reach the services without a form."""
    refused = []
    calls = {
        "roster_student_add": lambda: services.roster_student_add(
            course=world.course, name="Ann\x00"
        ),
        "course_create": lambda: services.course_create(
            professor=world.professor, title="Stats\x00"
        ),
        "course_material_add": lambda: services.course_material_add(
            course=world.course, filename="a.md", raw=b"# A\n\ntext\n", title="A\x00"
        ),
    }
    for name, call in calls.items():
        with pytest.raises(ValidationError):
            call()
        refused.append(name)
    record("NUL bytes", "services called with NUL text", "-", len(calls), len(refused))


def test_a_course_description_and_a_roster_rows_background_are_bounded(
    world: World, record: Any
) -> None:
    client = world.client("professor_owner")
    created = client.post(
        "/classrooms/courses/new/", {"title": "Zq bounded", "description": "d" * 5000}
    )
    prefix = "roster"
    edited = client.post(
        f"/classrooms/courses/{world.course.public_id}/edit/",
        {
            "title": world.course.title,
            "description": "",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "500",
            f"{prefix}-0-name": "Ann Lee",
            f"{prefix}-0-background": "b" * 2_000_000,
        },
    )
    limit = "Ensure this value has at most 2000 characters"
    for case, response in (
        ("new course with a 5,000-character description", created),
        ("roster row with a 2 MB background", edited),
    ):
        shown = limit in response.content.decode()
        record(
            "form errors",
            case,
            "professor_owner",
            "refused with the limit",
            "refused with the limit" if shown else f"status {response.status_code}",
        )
        assert response.status_code == 200
        assert shown
    assert not RosterStudent.objects.filter(name="Ann Lee").exists()
