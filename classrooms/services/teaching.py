"""What the tutor taught (writes): misconceptions hit, what each reply was grounded in, and the
tutor's state (BreakoutRoom.tutor_state) for its next reply.

The after-class report reads these: `MisconceptionHit` rows per room, and on the first line of
each tutor reply `sources` (the material sections it drew on) and `grounded` (False: the
material did not cover the student's words; None: nothing to ground, such as a greeting).
"""

from __future__ import annotations

from django.db import transaction

from classrooms.models import BreakoutRoom, MisconceptionHit, RoomTranscriptLine
from classrooms.tutor import Grounding


@transaction.atomic
def room_teaching_record(
    *,
    room: BreakoutRoom,
    student_line: RoomTranscriptLine | None,
    tutor_line: RoomTranscriptLine | None,
    grounding: Grounding,
) -> MisconceptionHit | None:
    """Record one tutor turn's grounding and the tutor's state after it (its memory for the
    next reply: question asked, hints, progress). `student_line` defaults to the room's latest
    student line (the tutor turn answers it); `tutor_line` is the reply's first line, or None
    when the tutor said nothing of its own (the misconception and the state still count)."""
    if student_line is None:
        student_line = (
            RoomTranscriptLine.objects.filter(room=room, speaker=RoomTranscriptLine.Speaker.STUDENT)
            .order_by("-created_at", "-id")
            .first()
        )
    hit = None
    misconception = grounding.misconception
    if misconception is not None:
        hit, _ = MisconceptionHit.objects.get_or_create(
            room=room,
            line=student_line,
            key=misconception.key,
            defaults={"misconception": misconception.statement[:500]},
        )
    if grounding.step is not None:  # the tutor's memory for its next reply
        room.tutor_state = grounding.step.state.as_json()
        BreakoutRoom.objects.filter(pk=room.pk).update(tutor_state=room.tutor_state)
    if tutor_line is not None:
        sources = grounding.sources
        RoomTranscriptLine.objects.filter(pk=tutor_line.pk).update(
            sources=sources, grounded=grounding.grounded
        )
        tutor_line.sources = sources
        tutor_line.grounded = grounding.grounded
    return hit
