"""A student just talks to the tutor in Chromium (fake microphone, the deepgram client against
the fake vendor server): the end of an utterance ends the turn with no button pressed, and
talking over the tutor interrupts it."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from classrooms import services
from classrooms.models import BreakoutRoom, RoomTranscriptLine
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "What does a confidence interval tell me"
OVER = "sorry wait one more thing"


@pytest.fixture
def room_fakes(fake_providers: Any, settings: Any) -> Any:
    """Set up before the server process forks: live speech through Deepgram, two utterances
    spoken back to back (the second starts while the tutor answers the first)."""
    fake_providers.configure(settings, transcriber="deepgram")
    fake_providers.knobs(deepgram_live={"utterances": [QUESTION, OVER], "words_per_chunk": 1})
    return fake_providers


def _active_room() -> BreakoutRoom:
    professor = factories.make_professor("prof_voice")
    course = factories.make_course(professor, students=1, title="STAT 101")
    session = services.class_session_create(
        professor=professor,
        course=course,
        student_ids=list(course.students.values_list("pk", flat=True)),
    )
    asyncio.run(services.class_session_launch(session=session))
    room = BreakoutRoom.objects.get(session=session)
    assert room.status == BreakoutRoom.Status.ACTIVE
    return room


def test_a_student_just_talks_and_talking_over_the_tutor_interrupts_it(
    room_fakes: Any, live_server_url: str, browser_context: Any
) -> None:
    # Playwright's sync API holds this thread's event loop: set up on a thread of its own.
    with ThreadPoolExecutor(1) as pool:
        room = pool.submit(_active_room).result()
    context = browser_context.browser.new_context(permissions=["microphone"])
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{live_server_url}/r/{room.short_code}")
    page.locator("#transcript .line.tutor").first.wait_for()  # the greeting

    page.get_by_role("button", name="Talk").click()
    # No "Stop talking": the transcriber's end of utterance ends the student's turn.
    page.locator("#transcript .line.student", has_text="confidence interval").wait_for()
    page.locator("#transcript .line.tutor").nth(1).wait_for()  # the tutor answers
    # The second utterance starts while the tutor is answering: the tutor is interrupted.
    page.locator("#avatar[data-interruptions]").wait_for()
    page.locator("#transcript .line.student", has_text="one more thing").wait_for()
    page.wait_for_function(
        "(() => { const lines = [...document.querySelectorAll('#transcript .line')];"
        " const last = lines.findLastIndex((l) => l.dataset.speaker === 'student');"
        " return lines.slice(last + 1).some((l) => l.dataset.speaker === 'tutor'); })()"
    )
    assert page.get_by_role("button", name="Stop talking").is_visible()  # still listening
    context.close()

    students = list(
        RoomTranscriptLine.objects.filter(room=room, speaker="student").values_list(
            "text", "source"
        )
    )
    assert students == [(QUESTION, "voice"), (OVER, "voice")]
    assert RoomTranscriptLine.objects.filter(room=room, speaker="tutor", interrupted=True).exists()


@pytest.fixture
def dropping_fakes(fake_providers: Any, settings: Any) -> Any:
    """The first live stream drops after three audio frames; the next one works."""
    fake_providers.configure(settings, transcriber="deepgram")
    fake_providers.knobs(
        deepgram_live={
            "utterances": [QUESTION],
            "words_per_chunk": 1,
            "fail": "reset",
            "fail_after_frames": 3,
            "fail_times": 1,
        }
    )
    return fake_providers


def test_a_dropped_transcriber_stream_is_reopened_while_the_student_talks(
    dropping_fakes: Any, live_server_url: str, browser_context: Any
) -> None:
    with ThreadPoolExecutor(1) as pool:
        room = pool.submit(_active_room).result()
    context = browser_context.browser.new_context(permissions=["microphone"])
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{live_server_url}/r/{room.short_code}")
    page.locator("#transcript .line.tutor").first.wait_for()
    page.get_by_role("button", name="Talk").click()
    # The page records afresh and the server reopens the stream: the student is heard.
    page.locator("#transcript .line.student", has_text="confidence interval").wait_for()
    context.close()
    state = dropping_fakes.state()
    assert state["requests"].get("deepgram.live", 0) >= 2  # the dropped stream, then a new one
