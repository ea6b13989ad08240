"""What a tutor is given for a reply: the room's context and the course passages."""

from __future__ import annotations

from classrooms.models import (
    BreakoutRoom,
    MaterialChunk,
)
from classrooms.retrieval import rank
from classrooms.selectors.payloads import room_transcript_tail
from classrooms.tutor import TutorContext


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
