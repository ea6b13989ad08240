"""The teaching script: parsing with line numbers, judging answers, the tutor's step-by-step
memory stored on the room, the model tutor's reply check and the quality measurement."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from classrooms import services
from classrooms.lexicon import parse_lexicon
from classrooms.models import BreakoutRoom, RoomTranscriptLine
from classrooms.script import parse_script, script_message, strip_script
from classrooms.selectors.report import session_report
from classrooms.tutor.context import Act, Grounding, Step, TutorState
from classrooms.tutor.grounding import planned
from classrooms.tutor.judging import Verdict, judge
from classrooms.tutor.quality import GROUP_ORDER, material_context, measure
from classrooms.tutor.reply_check import ReplyCheck

CASES = Path(__file__).resolve().parent / "tutor_cases"
NOTES = """# Forces

## Newton's second law
The acceleration of an object equals the net force on it divided by its mass: F = ma.

Check: A net force of 12 N pushes a 3 kg trolley. What is its acceleration?
Answer: 4 m/s² ±0.1
Hint: Use F = ma.
Hint: Divide the force by the mass.
Simpler: The harder the push and the lighter the thing, the faster it speeds up.
Summary: Acceleration is net force divided by mass.

## Plants
Plants make glucose from carbon dioxide and water.

Check: Which two things does a plant take in to make glucose?
Answer: carbon dioxide; CO2
Answer: water
Hint: One comes from the air.
"""


def test_the_script_is_parsed_into_checks_keys_hints_and_summaries() -> None:
    script = parse_script(NOTES)
    assert script.problems == ()
    trolley, plant = script.checks
    assert trolley.heading == "Newton's second law"
    assert trolley.parts[0].number == 4
    assert trolley.parts[0].unit == "m/s²"
    assert trolley.parts[0].tolerance == pytest.approx(0.1)
    assert trolley.hints == ("Use F = ma.", "Divide the force by the mass.")
    assert trolley.summary == ("Acceleration is net force divided by mass.",)
    assert [len(p.phrasings) for p in plant.parts] == [2, 1]
    prose = strip_script(NOTES)
    assert "Answer:" not in prose
    assert "Hint:" not in prose
    assert "divided by its mass" in prose


def test_problems_in_the_script_are_reported_with_their_line_numbers() -> None:
    text = "# Notes\nAnswer: 5\n\nCheck: How fast?\nAnswer: 5 m ±x\nHint:\nSynonyms: only\nCheck:\n"
    problems = [str(p) for p in parse_script(text).problems]
    assert problems[0].startswith("Line 2:")
    assert "must follow a “Check:”" in problems[0]
    assert any(p.startswith("Line 5:") and "tolerance" in p for p in problems)
    assert any(p.startswith("Line 7:") and "Synonyms" in p for p in problems)
    assert any(p.startswith("Line 8:") and "no question" in p for p in problems)
    info, warning = script_message(text)
    assert "1 check question" in info
    assert warning.startswith("Teaching script: Line 2:")


@pytest.mark.parametrize(
    ("said", "verdict"),
    [
        ("4 m/s²", Verdict.RIGHT),
        ("a = 12/3 = 4 m/s^2", Verdict.RIGHT),
        ("four metres per second squared", Verdict.RIGHT),
        ("4.05 m/s2", Verdict.RIGHT),
        ("is it 4?", Verdict.PARTLY),  # the number without its unit
        ("36 m/s²", Verdict.WRONG),
        ("no idea", Verdict.WRONG),
    ],
)
def test_a_number_is_judged_with_its_unit_and_tolerance(said: str, verdict: Verdict) -> None:
    assert judge(parse_script(NOTES).checks[0], said).verdict is verdict


@pytest.mark.parametrize(
    ("said", "verdict", "credited"),
    [
        ("Water and CO2", Verdict.RIGHT, ("water", "CO2")),
        ("carbon dioxide", Verdict.PARTLY, ("carbon dioxide",)),
        ("not water, sunlight", Verdict.WRONG, ()),
        ("Not carbon dioxide but water", Verdict.PARTLY, ("water",)),
    ],
)
def test_phrasings_are_judged_by_parts_with_negation(
    said: str, verdict: Verdict, credited: tuple[str, ...]
) -> None:
    judgement = judge(parse_script(NOTES).checks[1], said)
    assert judgement.verdict is verdict
    assert {c.lower() for c in judgement.credited} == {c.lower() for c in credited}


def test_the_lexicon_is_validated_on_load() -> None:
    with pytest.raises(ImproperlyConfigured, match="missing"):
        parse_lexicon({"stopwords": ["a"]})


def test_a_step_by_step_lesson_climbs_the_ladder_and_never_says_the_key() -> None:
    ctx = material_context(NOTES, course="Science", students=["Ana Ruiz"])
    state = TutorState()
    heard: list[tuple[str, list[str]]] = []
    for said in ("Quiz me on Newton's second law", "36", "I'm lost", "so 4?", "4 m/s²"):
        turn = dataclasses.replace(ctx, state=state)
        grounding, step = planned(turn, said)
        from classrooms.tutor.local import LocalTutor

        sentences = LocalTutor().compose(dataclasses.replace(turn, grounding=grounding), said)
        heard.append((step.act, sentences))
        state = step.state
    acts = [act for act, _ in heard]
    assert acts == [Act.ASK, Act.WRONG, Act.SIMPLER, Act.PARTLY, Act.RIGHT]
    assert "trolley" in heard[0][1][-1]
    assert "Use F = ma." in " ".join(heard[1][1])
    assert "lighter the thing" in " ".join(heard[2][1])
    assert "What unit" in " ".join(heard[3][1])
    assert "that's it" in heard[4][1][0]
    assert all("4 m/s" not in " ".join(s) for _, s in heard[:4])
    assert state.right == 1
    assert state.hints_total == 1
    assert state.done == ("newtons-second-law-1",)


def test_the_model_tutors_sentences_are_checked_before_they_are_spoken() -> None:
    ctx = material_context(NOTES, course="Science", students=["Ana Ruiz"])
    check = parse_script(NOTES).checks[0]
    step = Step(act=Act.WRONG, state=TutorState(), check=check, hint="Use F = ma.")
    guard = ReplyCheck(dataclasses.replace(ctx, grounding=Grounding(step=step)))
    assert guard.allow("Not quite.") == "Not quite."
    assert guard.allow("The answer is 4 m/s², since 12 divided by 3 is 4.") is None  # the key
    assert guard.allow("What do you get when you divide the force by the mass?")
    assert guard.allow("Take your time.") == "Take your time."
    assert guard.allow("And what about friction?") is None  # one question per reply
    assert guard.allow("Go on.") is None  # the reply ended at the second question


@pytest.mark.django_db(transaction=True)
async def test_the_tutor_remembers_its_question_in_the_room_and_the_report_counts_it(
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
    replies = []
    for said in ("Can you quiz me on Newton's second law?", "36 m/s²", "4", "4 m/s²"):
        await sync_to_async(services.room_line_add)(room=room, speaker="student", text=said)
        before = await RoomTranscriptLine.objects.filter(room=room).acount()
        await services.room_tutor_reply(room=room, student_text=said)
        lines = [
            text
            async for text in RoomTranscriptLine.objects.filter(room=room)
            .order_by("created_at", "id")
            .values_list("text", flat=True)
        ]
        replies.append(" ".join(lines[before:]))
    assert "trolley" in replies[0]
    assert "hint" in replies[1].lower()
    assert "What unit" in replies[2]
    assert "that's it" in replies[3]
    await room.arefresh_from_db()
    assert room.tutor_state["right"] == 1
    assert room.tutor_state["check"] == "plants-1"  # it moved on to the next question
    report = await sync_to_async(session_report)(session=session)
    figures = report.rooms[0]
    assert (figures.checks_right, figures.hints) == (1, 1)
    assert figures.ungrounded == []  # answers and requests are not "questions not covered"


def test_the_development_half_meets_the_target_in_every_group() -> None:
    scores = measure(CASES / "dev")
    for group in GROUP_ORDER:
        assert scores[group].share >= 0.9, (group, scores[group].misses)


def test_the_quality_command_reports_every_group(capsys: Any) -> None:
    call_command("tutor_quality", cases=str(CASES / "dev"))
    out = capsys.readouterr().out
    for group in GROUP_ORDER:
        assert group in out


@pytest.mark.parametrize(
    ("said", "piece"),
    [
        ("Quiz me on acceleration", "trolley"),
        ("Test me on glucose please", "plant take in"),
        ("Ask me a question", "trolley"),
    ],
)
def test_a_quiz_request_asks_from_the_section_it_names(said: str, piece: str) -> None:
    ctx = material_context(NOTES, course="Science", students=["Ana Ruiz"])
    _, step = planned(ctx, said)
    assert step.act == Act.ASK
    assert step.next_check is not None
    assert piece in step.next_check.question


def test_a_section_read_in_two_chunks_keeps_one_key_per_check() -> None:
    # the room reads the script from the course's chunks, each under its heading
    text = "## Forces\nCheck: First?\nAnswer: one\n\n## Forces\nCheck: Second?\nAnswer: two\n"
    script = parse_script(text)
    assert [c.key for c in script.checks] == ["forces-1", "forces-2"]
    assert len(script.sections) == 1


@pytest.mark.django_db
def test_the_course_page_previews_the_script_and_an_upload_names_its_problems(
    client_for: Any, professor: Any, course: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client = client_for(professor)
    broken = NOTES + "\n## Extra\nHint: a hint without its question\n"
    upload = SimpleUploadedFile("notes.md", broken.encode(), content_type="text/markdown")
    response = client.post(
        reverse("classrooms:material_upload", args=[course.public_id]),
        {"file": upload},
        follow=True,
    )
    page = response.content.decode()
    assert "The tutor will ask 2 check questions with 3 hints." in page
    assert "Line 22: “Hint:” must follow a “Check:”" in page
    assert "What the tutor will do with" in page
    assert "Asks: “A net force of 12 N pushes a 3 kg trolley." in page
    assert "judges by “4 m/s²”; 2 hints." in page


def test_without_a_key_an_answer_is_judged_against_the_material() -> None:
    check = parse_script("## Sampling\nCheck: What protects a sample from bias?\n").checks[0]
    section = "Random sampling protects a sample against selection bias."
    right = judge(check, "random sampling protects it against selection bias", section_text=section)
    assert right.verdict is Verdict.RIGHT
    wrong = judge(check, "a bigger spoon", section_text=section)
    assert wrong.verdict is Verdict.WRONG


@settings(max_examples=150, deadline=None)
@given(
    said=st.text(max_size=120),
    whisper=st.sampled_from(["", "move on", "give a hint", "slow down", "glucose"]),
    hints=st.integers(min_value=0, max_value=4),
    open_check=st.sampled_from(["", "newtons-second-law-1", "plants-1", "gone-9"]),
)
def test_any_words_in_any_state_get_a_clean_reply_with_one_question(
    said: str, whisper: str, hints: int, open_check: str
) -> None:
    from classrooms.tutor.local import LocalTutor

    ctx = material_context(NOTES, course="Science", students=["Ana Ruiz", "Ben Ode"])
    state = TutorState(check=open_check, hints=hints, replies=hints)
    turn = dataclasses.replace(ctx, state=state, whisper=whisper)
    grounding, step = planned(turn, said)
    sentences = LocalTutor().compose(dataclasses.replace(turn, grounding=grounding), said)
    assert sentences
    assert all(s.strip() for s in sentences)
    assert sum(s.endswith("?") for s in sentences) <= 1
    assert "4 m/s" not in " ".join(sentences) or step.act == Act.RIGHT
    assert TutorState.from_json(step.state.as_json()) == step.state


@pytest.mark.parametrize(
    "stored", [None, [], "x", {"check": 5, "done": "abc", "hints": "2", "unknown": 1}]
)
def test_a_malformed_stored_state_starts_the_tutor_afresh(stored: object) -> None:
    assert TutorState.from_json(stored) == TutorState()


def test_the_answer_is_said_only_when_the_professor_allows_it_after_the_ladder() -> None:
    from classrooms.tutor.local import LocalTutor

    allowed = NOTES.replace("Hint: Divide the force by the mass.\n", "Hint: Divide.\nReveal: yes\n")
    for notes, last in ((NOTES, Act.WORKED), (allowed, Act.REVEAL)):
        ctx = material_context(notes, course="Science", students=["Ana Ruiz"])
        state = TutorState()
        acts = []
        for said in ("Quiz me on acceleration", "1", "2", "3", "5"):
            turn = dataclasses.replace(ctx, state=state)
            grounding, step = planned(turn, said)
            reply = " ".join(
                LocalTutor().compose(dataclasses.replace(turn, grounding=grounding), said)
            )
            acts.append(step.act)
            state = step.state
        assert acts == [Act.ASK, Act.WRONG, Act.WRONG, Act.WORKED, last]
        assert ("The answer is 4 m/s²." in reply) is (last == Act.REVEAL)
