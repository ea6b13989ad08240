"""What a tutor is given for a reply: the room's context, the course material and its grounding."""

from __future__ import annotations

from dataclasses import dataclass

from classrooms.misconceptions import (
    Misconception,
    incomplete_misconceptions,
    parse_misconceptions,
    strip_misconceptions,
)
from classrooms.models import BreakoutRoom, CourseMaterial, MaterialChunk, RoomTranscriptLine
from classrooms.script import Script, parse_script, strip_script
from classrooms.selectors.payloads import room_transcript_tail
from classrooms.tutor import MaterialSection, TutorContext
from classrooms.tutor.context import TutorState
from classrooms.tutor.grounding import with_grounding


def course_chunks(*, course_id: int) -> list[tuple[str, str]]:
    return [(s.heading, s.text) for s in course_material(course_id=course_id)[0]]


def course_material(
    *, course_id: int
) -> tuple[tuple[MaterialSection, ...], tuple[Misconception, ...], Script]:
    """The course's prose sections, the misconceptions and the teaching script written into
    them (one query; the script is read from the chunks, each under its own heading)."""
    sections: list[MaterialSection] = []
    misconceptions: list[Misconception] = []
    rows = (
        MaterialChunk.objects.filter(course_id=course_id)
        .order_by("material_id", "position")
        .values_list("pk", "heading", "text")
    )
    script_parts: list[str] = []
    for pk, heading, text in rows:
        script_parts.append(f"## {heading}\n{text}" if heading else text)
        misconceptions.extend(parse_misconceptions(text, heading=heading))
        prose = strip_script(strip_misconceptions(text))
        if prose:
            sections.append(MaterialSection(chunk_id=pk, heading=heading, text=prose))
    keys: set[str] = set()
    unique = []
    for item in misconceptions:  # the same misconception in two documents counts once
        if item.key not in keys:
            keys.add(item.key)
            unique.append(item)
    return tuple(sections), tuple(unique), parse_script("\n\n".join(script_parts))


def room_tutor_state(*, room: BreakoutRoom) -> TutorState:
    """The tutor's memory for the room, read fresh (another process may have replied last)."""
    stored = BreakoutRoom.objects.filter(pk=room.pk).values_list("tutor_state", flat=True).first()
    return TutorState.from_json(stored)


def tutor_context(*, room: BreakoutRoom, student_text: str = "") -> TutorContext:
    """The tutor's whole context for one reply, grounded in the material for `student_text`
    (retrieval runs on the student's words; the professor's whisper steers it too)."""
    session = room.session
    course = session.course
    professor = session.professor
    history = [
        (line["speaker"], line["text"]) for line in room_transcript_tail(room=room, limit=12)
    ]
    material, misconceptions, script = course_material(course_id=course.pk)
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
        script=script,
        state=room_tutor_state(room=room),
    )
    return with_grounding(ctx, student_text) if (student_text or room.whisper) else ctx


@dataclass(frozen=True)
class MaterialPreview:
    """What the tutor will do with one document: its script and misconceptions, and what the
    professor should fix (with line numbers)."""

    title: str
    script: Script
    misconceptions: tuple[Misconception, ...]
    incomplete: tuple[str, ...]

    @property
    def problems(self) -> list[str]:
        found = [str(p) for p in self.script.problems]
        found += [f"“{m[:80]}” has no “Ask:” line and is ignored." for m in self.incomplete]
        return found


def course_teaching_preview(*, course_id: int) -> list[MaterialPreview]:
    """Per document, the teaching script and misconceptions the tutor reads (one query)."""
    rows = (
        CourseMaterial.objects.filter(course_id=course_id)
        .order_by("uploaded_at", "id")
        .values_list("title", "text")
    )
    return [
        MaterialPreview(
            title=title,
            script=parse_script(text),
            misconceptions=tuple(parse_misconceptions(text)),
            incomplete=tuple(incomplete_misconceptions(text)),
        )
        for title, text in rows
    ]


def room_unanswered_student_text(*, room: BreakoutRoom) -> str:
    """What the student said or typed after the last tutor or professor line (one query): a
    student who spoke before the tutor was up is answered when it is."""
    pending: list[str] = []
    for speaker, text in (
        RoomTranscriptLine.objects.filter(room=room)
        .order_by("-created_at", "-id")
        .values_list("speaker", "text")[:20]
    ):
        if speaker != RoomTranscriptLine.Speaker.STUDENT:
            break
        pending.append(text)
    return " ".join(reversed(pending))
