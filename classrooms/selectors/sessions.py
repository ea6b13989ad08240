"""Classroom reads: courses, sessions and rooms of a professor, rooms by token or short code."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse

from classrooms.models import (
    BreakoutRoom,
    ClassSession,
    Course,
    CourseMaterial,
    ProfessorProfile,
    RoomInvitation,
    RosterStudent,
)


def format_short_code(code: str) -> str:
    """The short code in blocks, easier to read aloud and type: "abc-defg-hjk" (three, four,
    three, as Google Meet shows its codes); an older 26-symbol code in blocks of four."""
    if len(code) == 10:
        return f"{code[:3]}-{code[3:7]}-{code[7:]}"
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


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


def sessions_for_course(*, course: Course, limit: int = 10) -> list[ClassSession]:
    return list(ClassSession.objects.filter(course=course).order_by("-created_at")[:limit])


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
        .select_related("avatar_session", "bot")
        .prefetch_related(Prefetch("students", queryset=RosterStudent.objects.only("id", "name")))
        .order_by("position")
    )


def room_with_relations(*, pk: int) -> BreakoutRoom:
    return (
        BreakoutRoom.objects.select_related(
            "avatar_session", "bot", "session__course", "session__professor"
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


def normalise_short_code(text: str) -> str:
    """What a student typed or pasted, as stored: lower case, without spaces and dashes (the
    code is shown in blocks, "abc-defg-hjk"). Anything else is kept, so it fails to match."""
    return "".join(ch for ch in text.lower() if ch not in " -\t\u00a0\u2010\u2011\u2013")


def room_by_short_code(*, code: str) -> BreakoutRoom | None:
    code = normalise_short_code(code or "")
    if not code or len(code) > 32:
        return None
    return (
        BreakoutRoom.objects.filter(short_code=code)
        .select_related("session__course", "session__professor")
        .only(
            "join_token",
            "status",
            "session__status",
            "session__course__title",
            "session__professor__display_name",
        )
        .first()
    )


def class_session_for_reader(*, public_id: Any, user: Any) -> ClassSession | None:
    """The session for its professor, or for staff (the report and the links pages)."""
    if not getattr(user, "is_authenticated", False):
        return None
    qs = ClassSession.objects.select_related("course", "professor").filter(public_id=public_id)
    if not user.is_staff:
        qs = qs.filter(professor__user=user)
    return qs.first()


def session_links(*, session: ClassSession) -> list[dict[str, Any]]:
    """Every room's students with their room link, short code and invitation (three queries)."""
    rooms = list(
        BreakoutRoom.objects.filter(session=session)
        .only("id", "public_id", "name", "position", "join_token", "short_code", "session_id")
        .prefetch_related(
            Prefetch("students", queryset=RosterStudent.objects.only("id", "name", "email")),
            Prefetch(
                "invitations",
                queryset=RoomInvitation.objects.only(
                    "id", "room_id", "student_id", "status", "error", "attempts", "sent_at"
                ),
            ),
        )
        .order_by("position")
    )
    out = []
    for room in rooms:
        invitations = {i.student_id: i for i in room.invitations.all()}
        out.append(
            {
                "id": str(room.public_id),
                "name": room.name,
                "link": reverse("classrooms:room", args=[room.join_token]),
                "short_link": reverse("classrooms:short", args=[room.short_code]),
                "code": format_short_code(room.short_code),
                "students": [
                    {
                        "key": f"{room.public_id}:{student.pk}",
                        "name": student.name,
                        "email": student.email,
                        "invitation": invitations.get(student.pk),
                        **invitation_state(invitations.get(student.pk)),
                    }
                    for student in room.students.all()
                ],
            }
        )
    return out


def invitation_state(invitation: RoomInvitation | None) -> dict[str, str]:
    """What the links panel says about one student's invitation (and its CSS state)."""
    if invitation is None:
        return {"state": "none", "label": "No email"}
    if invitation.status == RoomInvitation.Status.SENT:
        return {"state": "sent", "label": "Sent"}
    if invitation.status == RoomInvitation.Status.FAILED:
        return {"state": "failed", "label": f"Failed: {invitation.error[:120]}"}
    if invitation.error:
        tried = f"{invitation.attempts} tried" if invitation.attempts else "retrying"
        return {"state": "retrying", "label": f"Retrying ({tried}): {invitation.error[:80]}"}
    return {"state": "pending", "label": "Waiting to send"}


def invitation_states(*, session: ClassSession) -> dict[str, dict[str, str]]:
    """Every invitation of the session by "room:student" key (the monitor's live refresh)."""
    rows = (
        RoomInvitation.objects.filter(room__session=session)
        .select_related("room")
        .only("status", "error", "attempts", "student_id", "room__public_id")
    )
    return {f"{i.room.public_id}:{i.student_id}": invitation_state(i) for i in rows}


def invitation_counts(*, session: ClassSession) -> dict[str, int]:
    counts = dict.fromkeys(RoomInvitation.Status.values, 0)
    rows = (
        RoomInvitation.objects.filter(room__session=session)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    for status, n in rows:
        counts[status] = n
    return counts
