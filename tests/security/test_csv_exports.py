"""Every CSV the product writes, with a spreadsheet formula in every text a user controls: no
cell of any column may start like a formula (one writer, `config.csv_export`, serves them all).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from classrooms import services as class_services
from classrooms.models import BreakoutRoom, ClassSession, MisconceptionHit, RoomTranscriptLine
from config.csv_export import FORMULA_STARTS
from interviews.models import Attempt, InterviewQuestion
from tests import factories

pytestmark = pytest.mark.django_db

FORMULAS = ('=HYPERLINK("http://x","y")', "+SUM(1,2)", "-2+3", "@SUM(1)", " =1+1", "\t=1")


def formula(n: int) -> str:
    return FORMULAS[n % len(FORMULAS)]


def _world() -> dict[str, Any]:
    professor = factories.make_professor("prof_rivera")
    course = class_services.course_create(professor=professor, title=formula(0))
    for n, email in enumerate(("-2+3@example.com", "=x@example.com", "")):
        class_services.roster_student_add(
            course=course, name=formula(n) + f" {n}", email=email, background=formula(n + 1)
        )
    session = class_services.class_session_create(
        professor=professor,
        course=course,
        student_ids=list(course.students.values_list("pk", flat=True)),
        group_size=1,
    )
    for n, room in enumerate(BreakoutRoom.objects.filter(session=session)):
        BreakoutRoom.objects.filter(pk=room.pk).update(name=formula(n + 2))
        student = class_services.room_line_add(
            room=room, speaker=RoomTranscriptLine.Speaker.STUDENT, text=formula(n)
        )
        RoomTranscriptLine.objects.create(
            room=room,
            speaker=RoomTranscriptLine.Speaker.TUTOR,
            text=formula(n + 1),
            source=formula(n + 3),
            sources=[{"heading": formula(n + 4)}],
            grounded=False,
        )
        MisconceptionHit.objects.create(
            room=room, line=student, key=f"k{n}", misconception=formula(n + 5)
        )
    candidate = factories.make_user("alice")
    from tests.interviews.conftest import create_interview

    interview = create_interview(candidate, count=1)
    question = InterviewQuestion.objects.filter(interview=interview).first()
    InterviewQuestion.objects.filter(pk=question.pk).update(text=formula(0), competency=formula(1))
    Attempt.objects.create(question=question, number=1, transcript=formula(2))
    return {"professor": professor, "session": session}


def _cells(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))


def _exports(world: dict[str, Any]) -> dict[str, bytes]:
    session: ClassSession = world["session"]
    owner = Client()
    owner.force_login(world["professor"].user)
    staff = Client()
    operator = factories.make_user("staffer", staff=True)
    operator.is_superuser = True
    operator.save(update_fields=["is_superuser"])
    staff.force_login(operator)
    base = f"/classrooms/sessions/{session.public_id}"
    return {
        "monitor transcript CSV": owner.get(f"{base}/transcript.csv").content,
        "student links CSV": owner.get(f"{base}/links.csv").content,
        "session report CSV": owner.get(f"{base}/report.csv").content,
        "admin transcript export": staff.post(
            "/admin/classrooms/classsession/",
            {"action": "export_transcripts", "_selected_action": [session.pk]},
        ).content,
        "admin feedback export": staff.post(
            "/admin/interviews/attempt/",
            {
                "action": "export_feedback",
                "_selected_action": list(Attempt.objects.values_list("pk", flat=True)),
            },
        ).content,
    }


def test_no_export_has_a_formula_cell_in_any_column(record: Any) -> None:
    world = _world()
    for name, body in _exports(world).items():
        rows = _cells(body)
        header, data = rows[0], rows[1:]
        assert data, name
        live = [
            (header[i] if i < len(header) else str(i), cell)
            for row in data
            for i, cell in enumerate(row)
            if cell.lstrip(" ").startswith(FORMULA_STARTS)
        ]
        neutralised = sum(cell.startswith("'") for row in data for cell in row)
        record(
            "csv exports",
            f"{name}: {len(header)} columns x {len(data)} rows, formulas in every user text",
            "owner" if "admin" not in name else "staff",
            "no formula cell",
            "no formula cell" if not live else f"formulas in {sorted({c for c, _ in live})}",
        )
        assert not live, (name, live)
        assert neutralised, name  # the payloads did reach the file, as text
