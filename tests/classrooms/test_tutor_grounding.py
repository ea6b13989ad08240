"""What a tutor reply stands on (passages, the professor's misconception) and what is recorded
for the after-class report: misconception hits per room, sources and grounding per reply."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from classrooms import services
from classrooms.models import BreakoutRoom, MisconceptionHit, RoomTranscriptLine
from classrooms.retrieval import chunk_text
from classrooms.tutor import MaterialSection, TutorContext
from classrooms.tutor.grounding import ground

NOTES = """# Confidence intervals

The 95% describes the method: about 95% of the intervals built this way contain the true mean.

Misconception: A 95% confidence interval has a 95% probability of containing the true mean.
Ask: If a hundred classmates each built a 95% interval, what would the 95% describe?

# Standard error

The standard error is the standard deviation of the sample means.
"""
GUIDING_QUESTION = "If a hundred classmates each built a 95% interval, what would the 95% describe?"
MISCONCEPTION_KEY = "a-95-confidence-interval-has-a-95-probability-of-containing-the"


def _ctx() -> TutorContext:
    from classrooms.misconceptions import parse_misconceptions, strip_misconceptions

    chunks = chunk_text(NOTES)
    return TutorContext(
        professor_name="Professor Rivera",
        teaching_style="Warm and Socratic.",
        course_title="STAT 101",
        course_description="",
        students=(("Ada Lovelace", ""),),
        material=tuple(
            MaterialSection(i, h, strip_misconceptions(t)) for i, (h, t) in enumerate(chunks)
        ),
        misconceptions=tuple(m for h, t in chunks for m in parse_misconceptions(t, h)),
    )


def test_a_paraphrased_misconception_is_grounded_in_its_section() -> None:
    grounding = ground(_ctx(), "So is it the probability that the true mean is in the interval?")
    assert grounding.misconception is not None
    assert grounding.misconception.key == MISCONCEPTION_KEY
    assert grounding.misconception.ask == GUIDING_QUESTION
    assert grounding.grounded is True
    assert grounding.sources[0] == {"chunk_id": 0, "heading": "Confidence intervals"}
    # the wrong belief itself is never a passage the tutor could quote
    assert all("Misconception" not in p.text for p in grounding.passages)


def test_a_question_the_material_does_not_cover_is_not_grounded() -> None:
    grounding = ground(_ctx(), "How do I run a regression in Excel?")
    assert grounding.misconception is None
    assert grounding.grounded is False
    assert grounding.sources == []


def test_a_greeting_has_nothing_to_ground() -> None:
    import dataclasses

    greeting = ground(dataclasses.replace(_ctx(), whisper="standard error"), "Hi there!")
    assert greeting.grounded is None
    assert greeting.passages  # the whisper's section is at hand for the tutor...
    assert greeting.sources == []  # ...but a greeting does not draw on it
    assert ground(_ctx(), "just tell me the answer").grounded is None


def test_a_covered_question_is_grounded_without_a_misconception() -> None:
    grounding = ground(_ctx(), "What is the standard error of the sample means?")
    assert grounding.misconception is None
    assert grounding.grounded is True
    assert grounding.sources[0] == {"chunk_id": 1, "heading": "Standard error"}


@pytest.mark.django_db(transaction=True)
async def test_the_tutor_turn_asks_the_guiding_question_and_records_the_hit(
    make_session: Any, course: Any
) -> None:
    await sync_to_async(services.course_material_add)(
        course=course, filename="notes.md", raw=NOTES.encode()
    )
    session = await sync_to_async(make_session)(students=1)
    await services.class_session_launch(session=session)
    room = await BreakoutRoom.objects.select_related(
        "avatar_session", "session__course", "session__professor"
    ).aget(session=session)

    said = "So is it the probability that the true mean is in the interval?"
    student_line = await sync_to_async(services.room_line_add)(
        room=room, speaker="student", text=said
    )
    assert await services.room_tutor_reply(room=room, student_text=said) >= 1
    tutor_lines = [
        line
        async for line in RoomTranscriptLine.objects.filter(room=room, speaker="tutor").order_by(
            "created_at", "id"
        )
    ]
    assert GUIDING_QUESTION in [line.text for line in tutor_lines]
    assert tutor_lines[0].grounded is True
    assert tutor_lines[0].sources[0]["heading"] == "Confidence intervals"
    assert all(line.grounded is None for line in tutor_lines[1:])  # one record per reply
    hits = [h async for h in MisconceptionHit.objects.filter(room=room)]
    assert [(h.key, h.line_id) for h in hits] == [(MISCONCEPTION_KEY, student_line.pk)]
    assert hits[0].misconception.startswith("A 95% confidence interval has")

    off_topic = "Who won the football match last night?"
    await sync_to_async(services.room_line_add)(room=room, speaker="student", text=off_topic)
    await services.room_tutor_reply(room=room, student_text=off_topic)
    last_reply = (
        await RoomTranscriptLine.objects.filter(room=room, speaker="tutor", grounded__isnull=False)
        .order_by("-created_at", "-id")
        .afirst()
    )
    assert last_reply is not None
    assert last_reply.grounded is False
    assert last_reply.sources == []
    assert await MisconceptionHit.objects.filter(room=room).acount() == 1


@pytest.mark.django_db
def test_tutor_context_queries_do_not_grow_with_the_material(
    make_session: Any, course: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from classrooms.selectors import tutor_context

    services.course_material_add(course=course, filename="notes.md", raw=NOTES.encode())
    session = make_session(students=1)
    room = BreakoutRoom.objects.select_related("session__course", "session__professor").get(
        session=session
    )
    said = "So is it the probability that the true mean is in the interval?"
    with CaptureQueriesContext(connection) as few:
        ctx = tutor_context(room=room, student_text=said)
    assert ctx.grounding.misconception is not None
    for n in range(10):
        services.course_material_add(
            course=course, filename=f"more{n}.md", raw=(NOTES * 3).encode()
        )
        services.room_line_add(room=room, speaker="student", text=f"line {n}")
    with CaptureQueriesContext(connection) as many:
        ctx = tutor_context(room=room, student_text=said)
    assert len(ctx.material) > 30
    # room, students, transcript tail, material, the tutor's state
    assert len(many.captured_queries) == len(few.captured_queries) <= 5
