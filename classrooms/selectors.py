"""Classroom reads: sessions, rooms and the payloads the monitor and room pages render."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from avatars.models import AvatarSession
from classrooms.models import (
    BreakoutRoom,
    ClassSession,
    Course,
    CourseMaterial,
    MaterialChunk,
    ProfessorProfile,
    RoomTranscriptLine,
    RosterStudent,
)
from classrooms.retrieval import rank
from classrooms.tutor import TutorContext

TRANSCRIPT_TAIL = 30


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


# --- Payloads ---------------------------------------------------------------------------------


def room_colour(room: BreakoutRoom) -> str:
    if room.status == BreakoutRoom.Status.COMPLETED:
        return "grey"
    if room.status == BreakoutRoom.Status.ERROR:
        return "red"
    if room.status == BreakoutRoom.Status.ACTIVE and avatar_connected(room):
        return "green"
    return "yellow"


def avatar_connected(room: BreakoutRoom) -> bool:
    avatar = room.avatar_session
    return avatar is not None and avatar.status == AvatarSession.Status.READY


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def room_card(room: BreakoutRoom, *, now: datetime | None = None) -> dict[str, Any]:
    """Everything the monitor grid shows for one room (no extra queries when prefetched)."""
    now = now or timezone.now()
    silent_minutes = 0
    if room.status == BreakoutRoom.Status.ACTIVE:
        since = room.last_activity_at or room.student_seen_at
        if since and room.student_present:
            silent_minutes = int((now - since).total_seconds() // 60)
    avatar = room.avatar_session
    return {
        "id": str(room.public_id),
        "name": room.name,
        "students": [s.name for s in room.students.all()],
        "status": room.status,
        "status_label": room.get_status_display(),
        "colour": room_colour(room),
        "error": room.error,
        "progress": room.progress,
        "avatar": {
            "connected": avatar_connected(room),
            "status": avatar.status if avatar else "",
        },
        "student_present": room.student_present,
        "professor_present": room.professor_present,
        "help": room.help_requested,
        "whisper": room.whisper,
        "last_activity_at": _iso(room.last_activity_at),
        "silent_minutes": silent_minutes,
        "silent": silent_minutes >= settings.CLASS_ROOM_SILENT_MINUTES,
        "talk": {"student": round(room.student_seconds), "tutor": round(room.tutor_seconds)},
        "link": reverse("classrooms:room", args=[room.join_token]),
        "short_link": reverse("classrooms:short", args=[room.short_code]),
    }


def figures(cards: list[dict[str, Any]]) -> dict[str, int]:
    return {
        "rooms": len(cards),
        "active": sum(1 for c in cards if c["status"] == BreakoutRoom.Status.ACTIVE),
        "avatars": sum(1 for c in cards if c["avatar"]["connected"]),
        "help": sum(1 for c in cards if c["help"]),
        "errors": sum(1 for c in cards if c["status"] == BreakoutRoom.Status.ERROR),
        "students_present": sum(1 for c in cards if c["student_present"]),
    }


def session_card(session: ClassSession) -> dict[str, Any]:
    return {
        "id": str(session.public_id),
        "status": session.status,
        "status_label": session.get_status_display(),
        "title": session.title,
        "meeting_provider": session.meeting_provider,
        "join_url": session.join_url,
        "error": session.error,
        "summary": session.summary,
        "started_at": _iso(session.started_at),
        "ended_at": _iso(session.ended_at),
    }


def session_snapshot(*, session: ClassSession) -> dict[str, Any]:
    now = timezone.now()
    cards = [room_card(room, now=now) for room in session_rooms(session=session)]
    return {"session": session_card(session), "rooms": cards, "figures": figures(cards)}


def line_payload(line: RoomTranscriptLine) -> dict[str, Any]:
    return {
        "speaker": line.speaker,
        "text": line.text,
        "source": line.source,
        "at": _iso(line.created_at),
    }


def room_transcript_tail(*, room: BreakoutRoom, limit: int = TRANSCRIPT_TAIL) -> list[dict]:
    lines = list(
        RoomTranscriptLine.objects.filter(room=room).order_by("-created_at", "-id")[:limit]
    )
    return [line_payload(line) for line in reversed(lines)]


def course_chunks(*, course_id: int) -> list[tuple[str, str]]:
    return list(
        MaterialChunk.objects.filter(course_id=course_id)
        .order_by("material_id", "position")
        .values_list("heading", "text")
    )


def tutor_context(*, room: BreakoutRoom, student_text: str = "") -> TutorContext:
    """The tutor's whole context for one reply: retrieval runs on the student's words (and the
    professor's whisper, which steers what the tutor looks at)."""
    session = room.session
    course = session.course
    professor = session.professor
    history = [
        (line["speaker"], line["text"]) for line in room_transcript_tail(room=room, limit=12)
    ]
    query = " ".join(filter(None, [student_text, room.whisper]))
    passages = rank(query, course_chunks(course_id=course.pk), k=3) if query else []
    return TutorContext(
        professor_name=professor.display_name,
        teaching_style=professor.teaching_style,
        course_title=course.title,
        course_description=course.description,
        students=tuple((s.name, s.background) for s in room.students.all()),
        passages=tuple(p.text for p in passages),
        whisper=room.whisper,
        history=tuple(history),
    )
