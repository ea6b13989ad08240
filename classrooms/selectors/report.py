"""The after-class report: per student and per class, from a fixed handful of queries.

Every figure is computed from rows read in bulk (rooms with students, presence spans, transcript
lines, misconception hits), so the query count does not grow with the number of rooms.
Students who shared a room share its figures (the transcript does not say which of them spoke).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from classrooms.models import (
    BreakoutRoom,
    ClassSession,
    MisconceptionHit,
    RoomPresenceSpan,
    RoomTranscriptLine,
    RosterStudent,
)
from classrooms.tutor.context import TutorState

TOP = 8  # charts show the most common items; the tables list them all


@dataclass
class RoomFigures:
    name: str
    students: list[str]
    status: str
    minutes: float = 0.0
    # Whether anyone was ever in the room (a presence span or a student's line): an absent
    # student reads "did not join", not 0.0 minutes.
    joined: bool = False
    student_seconds: float = 0.0
    tutor_seconds: float = 0.0
    turns: int = 0
    help_requests: int = 0
    misconceptions: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    ungrounded: list[str] = field(default_factory=list)
    checks_right: int = 0  # the tutor's check questions answered right
    hints: int = 0  # hints the tutor gave


@dataclass
class Tally:
    label: str
    count: int
    rooms: int


@dataclass
class SessionReport:
    session: ClassSession
    rooms: list[RoomFigures]
    students: list[tuple[str, RoomFigures]]
    misconceptions: list[Tally]
    sections: list[Tally]
    totals: dict[str, Any]


def source_label(source: Any) -> str:
    """A tutor line's source as a section name: a heading string, or a dict with one."""
    if isinstance(source, str):
        return source.strip()[:200]
    if isinstance(source, dict):
        for key in ("heading", "section", "title"):
            value = source.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()[:200]
    return ""


def _merged_minutes(spans: list[tuple[datetime, datetime]]) -> float:
    """Minutes covered by the spans (two tabs open at once count once)."""
    total = 0.0
    current_start: datetime | None = None
    current_end: datetime | None = None
    for start, end in sorted(spans):
        if current_end is None or start > current_end:
            if current_start is not None and current_end is not None:
                total += (current_end - current_start).total_seconds()
            current_start, current_end = start, end
        elif end > current_end:
            current_end = end
    if current_start is not None and current_end is not None:
        total += (current_end - current_start).total_seconds()
    return round(total / 60, 1)


def _tallies(counter: Counter[str], rooms: dict[str, set[int]]) -> list[Tally]:
    return [
        Tally(label=label, count=count, rooms=len(rooms[label]))
        for label, count in sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    ]


def session_report(*, session: ClassSession) -> SessionReport:
    """Five queries whatever the number of rooms."""
    rooms = list(
        BreakoutRoom.objects.filter(session=session)
        .only(
            "id",
            "name",
            "position",
            "status",
            "student_seconds",
            "tutor_seconds",
            "help_requests",
            "session_id",
            "tutor_state",
        )
        .prefetch_related(
            Prefetch("students", queryset=RosterStudent.objects.only("id", "name").order_by("name"))
        )
        .order_by("position")
    )
    figures = {
        room.pk: RoomFigures(
            name=room.name,
            students=[s.name for s in room.students.all()],
            status=room.get_status_display(),
            student_seconds=round(room.student_seconds),
            tutor_seconds=round(room.tutor_seconds),
            help_requests=room.help_requests,
            checks_right=TutorState.from_json(room.tutor_state).right,
            hints=TutorState.from_json(room.tutor_state).hints_total,
        )
        for room in rooms
    }
    # An open span (a socket still connected, or a process that died) runs to the end.
    until = session.ended_at or timezone.now()
    spans: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for room_id, started_at, ended_at in RoomPresenceSpan.objects.filter(
        room__session=session
    ).values_list("room_id", "started_at", "ended_at"):
        end = min(ended_at or until, until)
        if end > started_at:
            spans[room_id].append((started_at, end))
    for room_id, room_spans in spans.items():
        if room_id in figures:
            figures[room_id].minutes = _merged_minutes(room_spans)
            figures[room_id].joined = True

    section_counts: Counter[str] = Counter()
    section_rooms: dict[str, set[int]] = defaultdict(set)
    last_student: dict[int, str] = {}
    lines = (
        RoomTranscriptLine.objects.filter(room__session=session)
        .order_by("room_id", "created_at", "id")
        .values_list("room_id", "speaker", "text", "sources", "grounded")
    )
    for room_id, speaker, text, sources, grounded in lines.iterator():
        room = figures.get(room_id)
        if room is None:
            continue
        if speaker == RoomTranscriptLine.Speaker.STUDENT:
            room.joined = True
            room.turns += 1
            last_student[room_id] = text
        elif speaker == RoomTranscriptLine.Speaker.TUTOR:
            for label in dict.fromkeys(source_label(s) for s in (sources or [])):
                if label:
                    section_counts[label] += 1
                    section_rooms[label].add(room_id)
                    if label not in room.sections:
                        room.sections.append(label)
            question = last_student.pop(room_id, None)
            if grounded is False and question and question not in room.ungrounded:
                room.ungrounded.append(question)
        else:
            last_student.pop(room_id, None)  # the professor answered it

    misconception_counts: Counter[str] = Counter()
    misconception_rooms: dict[str, set[int]] = defaultdict(set)
    labels: dict[str, str] = {}
    for room_id, key, text in (
        MisconceptionHit.objects.filter(room__session=session)
        .order_by("room_id", "created_at")
        .values_list("room_id", "key", "misconception")
    ):
        labels.setdefault(key, text)
        misconception_counts[key] += 1
        misconception_rooms[key].add(room_id)
        room = figures.get(room_id)
        if room is not None and labels[key] not in room.misconceptions:
            room.misconceptions.append(labels[key])
    misconceptions = [
        Tally(label=labels[t.label], count=t.count, rooms=t.rooms)
        for t in _tallies(misconception_counts, misconception_rooms)
    ]

    ordered = [figures[room.pk] for room in rooms]
    students = [(name, room) for room in ordered for name in room.students]
    totals = {
        "rooms": len(ordered),
        "students": len(students),
        "minutes": round(sum(r.minutes for r in ordered), 1),
        "turns": sum(r.turns for r in ordered),
        "help_requests": sum(r.help_requests for r in ordered),
        "misconceptions": sum(misconception_counts.values()),
        "ungrounded": sum(len(r.ungrounded) for r in ordered),
        "checks_right": sum(r.checks_right for r in ordered),
        "hints": sum(r.hints for r in ordered),
    }
    return SessionReport(
        session=session,
        rooms=ordered,
        students=students,
        misconceptions=misconceptions,
        sections=_tallies(section_counts, section_rooms),
        totals=totals,
    )
