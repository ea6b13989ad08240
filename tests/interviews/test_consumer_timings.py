"""Per-turn timings of the interview: "Finish answer" -> the follow-up model's request, first
token, first sentence, the speak command and the avatar talking, saved once per turn."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from avatars.models import VoiceTurn
from tests.interviews.conftest import create_interview

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_follow_up_turn_saves_its_timings_in_order(
    fake_providers: Any, settings: Any, candidate: Any, bank: Any, driver: Any
) -> None:
    fake_providers.configure(settings, llm="openai")
    settings.INTERVIEW_MAX_FOLLOWUPS = 1
    fake_providers.knobs(
        openai={"replies": ["You said you did it. What was the result?"], "tokens_per_second": 80}
    )
    interview = await sync_to_async(create_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.send({"type": "question.next"})
    await d.ask_and_listen()
    assert not await VoiceTurn.objects.aexists()  # asking the question is not a reply turn
    await d.answer("We did it.")
    await d.state("follow_up")
    first = await d.until("avatar.speak")
    await d.send({"type": "avatar.speak_started", "task_id": first["task_id"]})
    second = await d.until("avatar.speak")
    for speak in (first, second):
        await d.send({"type": "avatar.speak_ended", "task_id": speak["task_id"]})
    await d.state("listening")
    await d.close()

    turn = await VoiceTurn.objects.aget()
    assert turn.kind == VoiceTurn.Kind.INTERVIEW
    assert turn.conversation == str(interview.public_id)
    assert (turn.avatar_provider, turn.model_provider) == ("local", "openai")
    steps = [
        turn.model_request_ms,
        turn.first_token_ms,
        turn.first_sentence_ms,
        turn.speak_command_ms,
        turn.avatar_talking_ms,
    ]
    assert None not in steps
    assert steps == sorted(steps)
    assert not turn.interrupted


async def test_answering_over_the_follow_up_marks_the_turn_interrupted(
    fake_providers: Any, settings: Any, candidate: Any, bank: Any, driver: Any
) -> None:
    fake_providers.configure(settings, llm="openai")
    settings.INTERVIEW_MAX_FOLLOWUPS = 1
    fake_providers.knobs(openai={"replies": ["What was the result?"]})
    interview = await sync_to_async(create_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.send({"type": "question.next"})
    await d.ask_and_listen()
    await d.answer("We did it.")
    await d.until("avatar.speak")
    await d.until("followup")
    await d.send({"type": "answer.start"})  # the candidate talks over the interviewer
    await d.state("listening")
    await d.close()
    turn = await VoiceTurn.objects.aget()
    assert turn.interrupted
    assert turn.speak_command_ms is not None
