"""The after-class session report (page and CSV): the session's professor and staff only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from classrooms.charts import hbar_chart
from classrooms.selectors.report import TOP, session_report
from classrooms.views.links import readable_session
from config.csv_export import csv_writer


@login_required
def session_report_page(request: HttpRequest, session_id: Any) -> HttpResponse:
    session = readable_session(request, session_id)
    report = session_report(session=session)
    charts = {
        "misconceptions": hbar_chart(
            [t.label for t in report.misconceptions],
            [t.count for t in report.misconceptions],
            title="Most common misconceptions",
            series_name="Times heard",
            extra=[("Rooms", [t.rooms for t in report.misconceptions])],
            top=TOP,
        ),
        "sections": hbar_chart(
            [t.label for t in report.sections],
            [t.count for t in report.sections],
            title="Material sections the tutors drew on",
            series_name="Tutor replies",
            extra=[("Rooms", [t.rooms for t in report.sections])],
            top=TOP,
        ),
    }
    return render(
        request, "classrooms/report.html", {"session": session, "report": report, "charts": charts}
    )


@login_required
def session_report_csv(request: HttpRequest, session_id: Any) -> HttpResponse:
    session = readable_session(request, session_id)
    report = session_report(session=session)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="report-{session.public_id}.csv"'
    writer = csv_writer(response)
    writer.writerow(
        [
            "student",
            "room",
            "joined",
            "minutes_in_room",
            "student_talk_seconds",
            "tutor_talk_seconds",
            "turns",
            "help_requests",
            "misconceptions",
            "sections",
            "ungrounded_questions",
            "check_questions_right",
            "hints_used",
        ]
    )
    for name, room in report.students:
        writer.writerow(
            [
                name,
                room.name,
                "yes" if room.joined else "no",
                room.minutes if room.joined else "",
                room.student_seconds,
                room.tutor_seconds,
                room.turns,
                room.help_requests,
                " | ".join(room.misconceptions),
                " | ".join(room.sections),
                " | ".join(room.ungrounded),
                room.checks_right,
                room.hints,
            ]
        )
    return response
