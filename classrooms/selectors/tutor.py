"""What a tutor is given for a reply: the room's context, the course material and its grounding."""

from __future__ import annotations

from classrooms.misconceptions import Misconception, parse_misconceptions, strip_misconceptions
from classrooms.models import (
    BreakoutRoom,
    MaterialChunk,
)
from classrooms.selectors.payloads import room_transcript_tail
from classrooms.tutor import MaterialSection, TutorContext
from classrooms.tutor.grounding import with_grounding


def course_chunks(*, course_id: int) -> list[tuple[str, str]]:
    return [(s.heading, s.text) for s in course_material(course_id=course_id)[0]]


def course_material(
    *, course_id: int
) -> tuple[tuple[MaterialSection, ...], tuple[Misconception, ...]]:
    """The course's prose sections and the misconceptions written into them (one query)."""
    sections: list[MaterialSection] = []
    misconceptions: list[Misconception] = []
    rows = (
        MaterialChunk.objects.filter(course_id=course_id)
        .order_by("material_id", "position")
        .values_list("pk", "heading", "text")
    )
    for pk, heading, text in rows:
        misconceptions.extend(parse_misconceptions(text, heading=heading))
        prose = strip_misconceptions(text)
        if prose:
            sections.append(MaterialSection(chunk_id=pk, heading=heading, text=prose))
    keys: set[str] = set()
    unique = []
    for item in misconceptions:  # the same misconception in two documents counts once
        if item.key not in keys:
            keys.add(item.key)
            unique.append(item)
    return tuple(sections), tuple(unique)


def tutor_context(*, room: BreakoutRoom, student_text: str = "") -> TutorContext:
    """The tutor's whole context for one reply, grounded in the material for `student_text`
    (retrieval runs on the student's words; the professor's whisper steers it too)."""
    session = room.session
    course = session.course
    professor = session.professor
    history = [
        (line["speaker"], line["text"]) for line in room_transcript_tail(room=room, limit=12)
    ]
    material, misconceptions = course_material(course_id=course.pk)
    ctx = TutorContext(
        professor_name=professor.display_name,
        teaching_style=professor.teaching_style,
        course_title=course.title,
        course_description=course.description,
        students=tuple((s.name, s.background) for s in room.students.all()),
        whisper=room.whisper,
        history=tuple(history),
        material=material,
        misconceptions=misconceptions,
    )
    return with_grounding(ctx, student_text) if (student_text or room.whisper) else ctx
