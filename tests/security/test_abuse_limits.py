"""Abuse limits: the actions that cost money (avatar minutes, model tokens) are rate limited per
user through settings.RATE_LIMITS. Over the limit the user gets a clear message, nothing extra is
created, and another user is unaffected."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from classrooms.models import ClassSession
from interviews.models import Attempt, InterviewQuestion, MockInterview
from tests import factories
from tests.interviews.conftest import GOOD_ANSWER, Driver, create_interview

LIMIT_MESSAGE = "You have reached the limit for this action"


def limit(settings: Any, action: str, spec: str) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, action: spec}


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


NEW_INTERVIEW = {
    "target_role": "Backend engineer",
    "seniority": "mid",
    "interview_type": "behavioural",
    "persona": "neutral",
    "question_count": 2,
}


@pytest.mark.django_db
def test_starting_interviews_is_limited_per_user(settings: Any, record: Any) -> None:
    limit(settings, "interview_start", "2/3600")
    alice, bob = factories.make_user("alice"), factories.make_user("bob")
    client = login(alice)
    for _ in range(2):
        assert client.post("/interviews/new/", NEW_INTERVIEW).status_code == 302
    response = client.post("/interviews/new/", NEW_INTERVIEW)
    shown = LIMIT_MESSAGE in response.content.decode()
    record(
        "abuse limits",
        "3rd interview start (limit 2)",
        "candidate",
        "refused with message",
        "refused with message" if response.status_code == 200 and shown else "allowed",
    )
    assert response.status_code == 200
    assert shown
    assert MockInterview.objects.filter(owner=alice).count() == 2
    other = login(bob).post("/interviews/new/", NEW_INTERVIEW)
    record(
        "abuse limits", "another user's interview start", "other_candidate", 302, other.status_code
    )
    assert other.status_code == 302
    assert MockInterview.objects.filter(owner=bob).count() == 1


@pytest.mark.django_db
def test_starting_class_sessions_is_limited_per_professor(settings: Any, record: Any) -> None:
    limit(settings, "class_session_start", "1/3600")
    sessions = []
    for name in ("prof_rivera", "prof_other"):
        professor = factories.make_professor(name)
        course = factories.make_course(professor, students=2)
        sessions.append((professor, course))
    (professor, course), (other, other_course) = sessions

    def start(prof: Any, course: Any) -> Any:
        return login(prof.user).post(
            f"/classrooms/courses/{course.public_id}/sessions/",
            {
                "students": list(course.students.values_list("pk", flat=True)),
                "group_size": 1,
                "meeting_provider": "local",
            },
            follow=True,
        )

    assert start(professor, course).status_code == 200
    assert ClassSession.objects.filter(professor=professor).count() == 1
    response = start(professor, course)
    shown = LIMIT_MESSAGE in response.content.decode()
    record(
        "abuse limits",
        "2nd class session start (limit 1)",
        "professor",
        "refused with message",
        "refused with message" if shown else "allowed",
    )
    assert shown
    assert response.redirect_chain[-1][0] == f"/classrooms/courses/{course.public_id}/"
    assert ClassSession.objects.filter(professor=professor).count() == 1
    start(other, other_course)
    count = ClassSession.objects.filter(professor=other).count()
    record("abuse limits", "another professor's session start", "other_professor", 1, count)
    assert count == 1


@pytest.mark.django_db
def test_generating_questions_is_limited_per_user(
    settings: Any, fake_providers: Any, record: Any
) -> None:
    fake_providers.configure(settings, llm="openai")
    reply = {
        "questions": [
            {"text": "How would you scale our payments API tenfold?", "competency": "teamwork"}
        ]
    }
    fake_providers.knobs(openai={"json_replies": [reply, reply, reply]})
    limit(settings, "question_generate", "1/3600")
    alice, bob = factories.make_user("alice"), factories.make_user("bob")
    form = {**NEW_INTERVIEW, "job_description": "We build payment APIs in Python and Go."}
    client = login(alice)
    assert client.post("/interviews/new/", form).status_code == 302
    generated = InterviewQuestion.objects.filter(source="generated")
    assert generated.filter(interview__owner=alice).exists()
    response = client.post("/interviews/new/", form)
    shown = LIMIT_MESSAGE in response.content.decode()
    record(
        "abuse limits",
        "2nd question generation (limit 1)",
        "candidate",
        "refused with message",
        "refused with message" if shown else "allowed",
    )
    assert shown
    assert MockInterview.objects.filter(owner=alice).count() == 1
    assert login(bob).post("/interviews/new/", form).status_code == 302
    ok = generated.filter(interview__owner=bob).exists()
    record(
        "abuse limits",
        "another user's question generation",
        "other_candidate",
        "generated",
        "generated" if ok else "refused",
    )
    assert ok


async def _answer(driver: Driver, *, asked: bool = True) -> None:
    if asked:
        await driver.ask_and_listen()
    else:
        await driver.state("listening")
    await driver.send({"type": "answer.text", "text": GOOD_ANSWER})
    await driver.until("caption", lambda m: m["final"])
    await driver.send({"type": "answer.finish", "duration": 40})


@pytest.mark.django_db(transaction=True)
async def test_requesting_feedback_is_limited_per_user(
    settings: Any, ws_connect: Any, record: Any
) -> None:
    limit(settings, "feedback_request", "1/3600")
    # Feedback is what is limited here; a follow-up (the bank's question is drawn at random, and
    # some types ask one after this answer) would move the interview past the feedback state.
    settings.INTERVIEW_MAX_FOLLOWUPS = 0
    await sync_to_async(_seed)()
    alice = await sync_to_async(factories.make_user)("alice")
    bob = await sync_to_async(factories.make_user)("bob")
    interview = await sync_to_async(create_interview)(alice, count=2)

    comm, connected, _ = await ws_connect(f"/ws/interviews/{interview.public_id}/", alice)
    assert connected
    driver = Driver(comm)
    await driver.start()
    await driver.send({"type": "question.next"})
    await _answer(driver)
    await driver.until("feedback.final")
    await driver.state("feedback")
    # A second answer to the same question: over the limit.
    await driver.send({"type": "attempt.retry"})
    await _answer(driver, asked=False)
    error = await driver.until("error", lambda m: m["code"] == "feedback_failed")
    shown = LIMIT_MESSAGE in error["message"]
    record(
        "abuse limits",
        "2nd feedback request (limit 1)",
        "candidate",
        "error frame with message",
        "error frame with message" if shown else error["message"],
    )
    assert shown
    # "Retry feedback" is the same request: still refused.
    await driver.state("feedback")
    await driver.send({"type": "feedback.retry"})
    retry = await driver.until("error", lambda m: m["code"] == "feedback_failed")
    assert LIMIT_MESSAGE in retry["message"]
    await comm.disconnect()
    scored = await Attempt.objects.filter(
        question__interview=interview, status=Attempt.Status.SCORED
    ).acount()
    refused = await Attempt.objects.filter(
        question__interview=interview, status=Attempt.Status.FEEDBACK_FAILED
    ).aget()
    assert scored == 1
    assert refused.feedback is None
    assert refused.transcript  # the answer itself is kept

    other = await sync_to_async(create_interview)(bob, count=1)
    comm, connected, _ = await ws_connect(f"/ws/interviews/{other.public_id}/", bob)
    driver = Driver(comm)
    await driver.start()
    await driver.send({"type": "question.next"})
    await _answer(driver)
    final = await driver.until("feedback.final")
    record(
        "abuse limits",
        "another user's feedback",
        "other_candidate",
        "feedback",
        "feedback" if final["feedback"] else "none",
    )
    await comm.disconnect()


def _seed() -> None:
    from interviews.services import question_bank_seed

    question_bank_seed()


async def _tutor_lines(room_pk: int) -> int:
    from classrooms.models import RoomTranscriptLine

    return await RoomTranscriptLine.objects.filter(room_id=room_pk, speaker="tutor").acount()


async def _said(comm: Any, text: str) -> list[dict[str, Any]]:
    """Send a student line once the room is quiet; return the frames up to the tutor's first
    sentence or an error."""
    while not await comm.receive_nothing(timeout=1.0):  # the previous reply has finished
        await comm.receive_output()
    await comm.send_json_to({"type": "turn.text", "text": text})
    frames = []
    for _ in range(40):
        frame = await comm.receive_json_from(timeout=10)
        frames.append(frame)
        if frame["type"] in ("tutor.say", "error"):
            break
    return frames


@pytest.mark.django_db(transaction=True)
async def test_tutor_replies_are_limited_per_room(
    settings: Any, ws_connect: Any, record: Any
) -> None:
    """A student link needs no account: a flood of messages must not run up the model and
    avatar bill. The words are still saved; the tutor stops answering; other rooms carry on."""
    from classrooms import services as class_services
    from classrooms.models import RoomTranscriptLine
    from tests.security.conftest import build_world

    limit(settings, "tutor_reply", "2/3600")
    world = await sync_to_async(build_world)()
    await class_services.class_session_launch(session=world.session)
    comm, connected, _ = await ws_connect(f"/ws/rooms/{world.room1.join_token}/")
    assert connected
    for n in range(2):
        assert (await _said(comm, f"Question {n} about intervals?"))[-1]["type"] == "tutor.say"
    await comm.receive_nothing(timeout=1.0)
    tutor_before = await _tutor_lines(world.room1.pk)
    refused = (await _said(comm, "A third question?"))[-1]
    shown = refused["type"] == "error" and refused["code"] == "rate_limited"
    record(
        "abuse limits",
        "3rd tutor reply in a room (limit 2)",
        "student_right_token",
        "error frame with message",
        "error frame with message" if shown else refused,
    )
    assert shown, refused
    assert LIMIT_MESSAGE in refused["message"]
    await comm.receive_nothing(timeout=0.5)
    assert await _tutor_lines(world.room1.pk) == tutor_before
    assert await RoomTranscriptLine.objects.filter(
        room_id=world.room1.pk, text="A third question?"
    ).aexists()
    await comm.disconnect()

    other, connected, _ = await ws_connect(f"/ws/rooms/{world.room2.join_token}/")
    reply = (await _said(other, "Is sampling random?"))[-1]
    record(
        "abuse limits",
        "tutor reply in another room",
        "student_other_token",
        "tutor.say",
        reply["type"],
    )
    assert reply["type"] == "tutor.say"
    await other.disconnect()
