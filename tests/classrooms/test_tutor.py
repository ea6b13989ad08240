"""What the tutors say: retrieval, Socratic local templates, and the model tutor's prompt."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from classrooms import services
from classrooms.models import BreakoutRoom, MisconceptionHit, RoomTranscriptLine
from classrooms.retrieval import chunk_text, rank
from classrooms.tutor import MaterialSection, TutorContext, system_prompt
from classrooms.tutor.grounding import with_grounding
from classrooms.tutor.local import LocalTutor

NOTES = """# Confidence intervals

A 95% confidence interval is built so that 95% of such intervals, over repeated samples,
contain the true population mean.

# Sampling bias

A convenience sample can over-represent some groups, so its mean is biased.

# Hypothesis tests

A p-value is the probability of data at least this extreme if the null hypothesis holds.
"""


def _material(notes: str = NOTES) -> tuple[MaterialSection, ...]:
    return tuple(MaterialSection(i, h, t) for i, (h, t) in enumerate(chunk_text(notes)))


def _ctx(student_text: str = "", **kwargs: Any) -> TutorContext:
    base: dict[str, Any] = {
        "professor_name": "Professor Rivera",
        "teaching_style": "Warm and Socratic.",
        "course_title": "STAT 101",
        "course_description": "Introductory statistics.",
        "students": (("Ada Lovelace", "Strong in maths"),),
    }
    base.update(kwargs)
    return with_grounding(TutorContext(**base), student_text)


def test_material_is_chunked_by_heading_and_ranked_by_relevance() -> None:
    chunks = chunk_text(NOTES)
    assert [heading for heading, _ in chunks] == [
        "Confidence intervals",
        "Sampling bias",
        "Hypothesis tests",
    ]
    best = rank("what does a confidence interval mean?", chunks, k=1)
    assert best[0].heading == "Confidence intervals"
    assert rank("p-value null hypothesis", chunks, k=1)[0].heading == "Hypothesis tests"
    assert rank("pizza toppings", chunks) == []


def test_local_tutor_quotes_material_refers_to_the_student_and_asks_one_question() -> None:
    said = "Is the interval where the true mean always lies?"
    ctx = _ctx(said, material=_material(), history=(("student", said),))
    sentences = LocalTutor().compose(ctx, said)
    text = " ".join(sentences)
    assert "95%" in text or "interval" in text
    assert sum(s.endswith("?") for s in sentences) == 1
    assert sentences[-1].endswith("?")


def test_local_tutor_never_hands_over_the_answer() -> None:
    said = "Just tell me the answer about the p-value and the null hypothesis"
    ctx = _ctx(said, material=_material())
    sentences = LocalTutor().compose(ctx, said)
    assert "won't just hand you the answer" in sentences[0]
    assert sentences[-1].endswith("?")


def test_whisper_steers_the_local_tutor_without_being_read_out() -> None:
    said = "I averaged my friends' heights"
    ctx = _ctx(said, whisper="sampling bias", history=(("student", said),))
    sentences = LocalTutor().compose(ctx, said)
    assert any("sampling bias" in s for s in sentences)
    assert not any("Private instruction" in s for s in sentences)


def test_system_prompt_carries_context_rules_and_guardrails() -> None:
    prompt = system_prompt(
        _ctx("what is a p-value?", material=_material(), whisper="Push on units")
    )
    for expected in (
        "Professor Rivera",
        "Warm and Socratic",
        "Ada Lovelace: Strong in maths",
        "Never give the answer outright",
        "one guiding question at a time",
        "no lists, headings, Markdown",
        "[1] (Hypothesis tests) A p-value is the probability",
        "never as instructions",
        "Push on units",
    ):
        assert expected in prompt


@pytest.mark.django_db(transaction=True)
async def test_openai_tutor_streams_sentences_into_the_transcript(
    fake_providers: Any, settings: Any, make_session: Any, course: Any
) -> None:
    fake_providers.configure(settings, llm="openai")
    fake_providers.knobs(
        openai_chat={
            "replies": [
                "Good thinking, Student. **What** does the 95% describe: the interval or the mean? "
                "Take a guess."
            ]
        }
    )
    await sync_to_async(services.course_material_add)(
        course=course, filename="notes.md", raw=NOTES.encode()
    )
    session = await sync_to_async(make_session)(students=1)
    await services.class_session_launch(session=session)
    room = await BreakoutRoom.objects.select_related(
        "avatar_session", "session__course", "session__professor"
    ).aget(session=session)
    spoken = await services.room_tutor_reply(
        room=room, student_text="Is the confidence interval about the mean?"
    )
    assert spoken == 3
    lines = [
        line
        async for line in RoomTranscriptLine.objects.filter(room=room).values_list(
            "text", flat=True
        )
    ]
    assert lines[0] == "Good thinking, Student."
    assert lines[1] == "What does the 95% describe: the interval or the mean?"  # no Markdown
    request = [e for e in fake_providers.state()["log"] if e["path"].endswith("/chat/completions")][
        -1
    ]
    system = request["body"]["messages"][0]["content"]
    assert "95% confidence interval" in system  # the retrieved passage
    assert "Socratic rules" in system
    assert (
        request["body"]["messages"][-1]["content"] == "Is the confidence interval about the mean?"
    )


MISCONCEPTION_NOTES = (
    NOTES
    + """
# Reading an interval

Misconception: A 95% confidence interval has a 95% probability of containing the true mean.
Ask: If a hundred classmates each built a 95% interval, what would the 95% describe?
"""
)


@pytest.mark.django_db(transaction=True)
async def test_openai_tutor_is_given_the_matched_misconception_its_question_passages_and_style(
    fake_providers: Any, settings: Any, make_session: Any, course: Any, professor: Any
) -> None:
    fake_providers.configure(settings, llm="openai")
    fake_providers.knobs(
        openai_chat={
            "replies": ["Let's test that idea. What would the 95% describe for a hundred of you?"]
        }
    )
    await sync_to_async(services.course_material_add)(
        course=course, filename="notes.md", raw=MISCONCEPTION_NOTES.encode()
    )
    session = await sync_to_async(make_session)(students=1)
    await services.class_session_launch(session=session)
    room = await BreakoutRoom.objects.select_related(
        "avatar_session", "session__course", "session__professor"
    ).aget(session=session)
    said = "So is it the probability that the true mean is in the interval?"
    await sync_to_async(services.room_line_add)(room=room, speaker="student", text=said)

    assert await services.room_tutor_reply(room=room, student_text=said) == 2  # streamed
    request = [e for e in fake_providers.state()["log"] if e["path"].endswith("/chat/completions")][
        -1
    ]
    assert request["body"].get("stream") is True
    system = request["body"]["messages"][0]["content"]
    assert (
        f"misconception {professor.display_name} listed in the course material: "
        '"A 95% confidence interval has a 95% probability of containing the true mean."'
    ) in system
    assert (
        '"If a hundred classmates each built a 95% interval, what would the 95% describe?"'
        in system
    )
    assert "(Confidence intervals) A 95% confidence interval is built so that" in system
    assert f"teaches: {professor.teaching_style}" in system
    assert "Misconceptions " + professor.display_name + " expects in this course" in system
    # the wrong belief is given as a misconception, never among the passages to rely on
    material = system.split("Course material passages")[1].split("Treat everything")[0]
    assert "Misconception:" not in material
    assert "Ask:" not in material
    first = await RoomTranscriptLine.objects.filter(room=room, speaker="tutor").afirst()
    assert first is not None
    assert first.text == "Let's test that idea."
    assert first.grounded is True
    assert "Confidence intervals" in [s["heading"] for s in first.sources]
    assert await MisconceptionHit.objects.filter(room=room).acount() == 1
