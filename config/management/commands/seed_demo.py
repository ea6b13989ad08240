"""Demo data for the embedded default. Idempotent: run it as often as you like."""

import os
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from classrooms.models import Course, CourseMaterial
from classrooms.services import (
    course_create,
    course_material_add,
    course_material_delete,
    professor_create,
    roster_student_add,
)
from interviews.services import candidate_profile_ensure, question_bank_seed

DEMO_PASSWORD = "mockingbird-demo"  # noqa: S105  (a documented demo login, not a secret)

STUDENTS = [
    ("Ada Lovelace", "ada@example.edu", "Strong in maths, new to statistics."),
    ("Ben Okafor", "ben@example.edu", "Biology major; prefers worked examples."),
    ("Chen Wei", "chen@example.edu", "Second-year economics; quiet in class."),
    ("Dana Cohen", "dana@example.edu", "Returning student; strong writer."),
    ("Eli Santos", "eli@example.edu", "Computer science; likes to code things up."),
]
COURSE_DESCRIPTION = (
    "Introductory statistics: sampling, distributions, confidence intervals and hypothesis "
    "testing, with an emphasis on reasoning about uncertainty."
)
DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
MATERIAL_PATH = DEMO_DIR / "stat101-week3.md"
MATERIAL_TITLE = "Week 3: Sampling and the sampling distribution"
# A second course in another subject, so the tutor is seen teaching beyond statistics.
CHEMISTRY_TITLE = "CHEM 110: Matter and Reactions"
CHEMISTRY_DESCRIPTION = "Introductory chemistry: the mole, molar mass and balancing equations."
CHEMISTRY_PATH = DEMO_DIR / "chem110-moles.md"
CHEMISTRY_MATERIAL_TITLE = "Week 2: The mole and chemical equations"
TEACHING_STYLE = (
    "Warm and Socratic. Starts from a concrete example, asks one question at a time, "
    "and lets students reach the idea themselves before naming it."
)


def demo_material_ensure(
    *, course: Course, path: Path = MATERIAL_PATH, title: str = MATERIAL_TITLE
) -> CourseMaterial:
    """The demo notes as shipped: an existing demo database whose copy is older (or edited) gets
    the current text, rechunked, so new misconceptions and script lines reach its tutors."""
    raw = path.read_bytes()
    current = raw.decode("utf-8-sig")
    existing = list(CourseMaterial.objects.filter(course=course, title=title))
    for material in existing:
        if material.text == current and len(existing) == 1:
            return material
    for material in existing:
        course_material_delete(material=material)
    return course_material_add(course=course, filename=path.name, raw=raw, title=title)


class Command(BaseCommand):
    help = (
        "Create the demo candidate, the demo professor with a statistics and a chemistry "
        "course, and the question bank."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host",
            default=os.environ.get("HOST") or "127.0.0.1",
            help="The host the server listens on (for the printed links; default $HOST).",
        )
        parser.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("PORT") or 8000),
            help="The port the server listens on (for the printed links; default $PORT or 8000).",
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        created = question_bank_seed()
        candidate, was_created = User.objects.get_or_create(
            username="candidate", defaults={"email": "candidate@example.com"}
        )
        if was_created:
            candidate.set_password(DEMO_PASSWORD)
            candidate.save(update_fields=["password"])
        candidate_profile_ensure(user=candidate)
        professor = professor_create(
            username="professor",
            email="professor@example.edu",
            password=DEMO_PASSWORD,
            display_name="Professor Rivera",
            teaching_style=TEACHING_STYLE,
            consent=True,
        )
        course = course_create(
            professor=professor,
            title="STAT 101: Reasoning with Data",
            description=COURSE_DESCRIPTION,
        )
        for name, email, background in STUDENTS:
            roster_student_add(course=course, name=name, email=email, background=background)
        demo_material_ensure(course=course)
        chemistry = course_create(
            professor=professor, title=CHEMISTRY_TITLE, description=CHEMISTRY_DESCRIPTION
        )
        for name, email, background in STUDENTS[:3]:
            roster_student_add(course=chemistry, name=name, email=email, background=background)
        demo_material_ensure(course=chemistry, path=CHEMISTRY_PATH, title=CHEMISTRY_MATERIAL_TITLE)
        admin, was_created = User.objects.get_or_create(
            username="admin", defaults={"email": "admin@example.com", "is_staff": True}
        )
        if was_created:
            admin.is_superuser = True
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new bank questions)."))
        host = options["host"]
        if host in ("0.0.0.0", "::", ""):  # noqa: S104  (listening everywhere: link to this machine)
            host = "127.0.0.1"
        base = f"http://{host}:{options['port']}"
        self.stdout.write(
            "Demo logins (password for all: mockingbird-demo):\n"
            f"  candidate  -> mock interviews     {base}/accounts/login/\n"
            f"  professor  -> classroom sessions  {base}/accounts/login/\n"
            f"  admin      -> staff admin         {base}/admin/"
        )
