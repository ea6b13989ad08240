"""The voice engine's small stages on their own: message validation, the task set, the
speaker's bookkeeping and the turn clock."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from avatars.models import VoiceTurn
from avatars.voice.messages import NUMBER, BadMessage, parse_frame, validate
from avatars.voice.speaker import (
    Speaker,
    Utterance,
    browser_speech_timeout,
    server_speech_timeout,
)
from avatars.voice.tasks import TaskSet
from avatars.voice.timings import TurnClock, voice_turn_record

SCHEMA = {
    "say": {"text": ((str,), True)},
    "ended": {"task_id": ((str,), True), "duration": (NUMBER, False), "timeout": ((bool,), False)},
}


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"type": "nope"}, "unknown_type"),
        ({"type": 3}, "bad_message"),
        ([1], "bad_message"),
        ({"type": "say"}, "bad_field"),
        ({"type": "say", "text": 5}, "bad_field"),
        ({"type": "ended", "task_id": ""}, "bad_field"),
        ({"type": "ended", "task_id": "x" * 200}, "bad_field"),
        ({"type": "ended", "task_id": "t", "duration": True}, "bad_field"),
        ({"type": "ended", "task_id": "t", "duration": float("inf")}, "bad_field"),
        ({"type": "ended", "task_id": "t", "timeout": 1}, "bad_field"),
    ],
)
def test_messages_are_refused_with_a_reason(message: Any, code: str) -> None:
    with pytest.raises(BadMessage) as refused:
        validate(message, SCHEMA)
    assert refused.value.code == code
    assert refused.value.message


def test_text_limits_apply_when_asked_and_strings_are_cleaned() -> None:
    assert validate({"type": "say", "text": "a\x00b"}, SCHEMA)["text"] == "ab"
    assert validate({"type": "say", "text": "  "}, SCHEMA)["text"] == "  "
    with pytest.raises(BadMessage) as empty:
        validate({"type": "say", "text": "  "}, SCHEMA, max_text=10)
    assert empty.value.code == "bad_field"
    with pytest.raises(BadMessage) as long:
        validate({"type": "say", "text": "x" * 11}, SCHEMA, max_text=10)
    assert long.value.code == "too_long"
    with pytest.raises(BadMessage) as broken:
        parse_frame("{not json", SCHEMA)
    assert broken.value.code == "bad_json"


async def test_a_failing_task_is_reported_and_keyed_tasks_replace_each_other() -> None:
    reported: list[BaseException] = []

    async def report(exc: BaseException) -> None:
        reported.append(exc)

    tasks = TaskSet("test", report)

    async def boom() -> None:
        raise RuntimeError("broken")

    await asyncio.gather(tasks.track(boom()), return_exceptions=True)
    assert [str(e) for e in reported] == ["broken"]

    first = tasks.track(asyncio.sleep(30), key="reply")
    second = tasks.track(asyncio.sleep(30), key="reply")
    await asyncio.sleep(0)
    assert first.cancelled()
    assert tasks.busy("reply")
    assert tasks.cancel("reply")
    assert not tasks.cancel("reply")
    old = tasks.track(asyncio.sleep(30), key="listener")
    tasks.release("listener")  # a stream's reader that is saving its last words
    tasks.track(asyncio.sleep(30), key="listener")  # the next stream's reader
    await asyncio.sleep(0)
    assert not old.done()  # released: not cancelled by its successor, still tracked
    tasks.track(asyncio.sleep(30))
    await tasks.cancel_all()
    assert old.cancelled()
    assert second.cancelled()
    assert not tasks.all
    assert len(reported) == 1  # cancellation is not a failure


async def test_the_speaker_goes_idle_once_everything_said_is_over() -> None:
    sent: list[dict[str, Any]] = []
    idle: list[bool] = []
    tasks = TaskSet("test")

    async def deliver(frame: dict[str, Any]) -> None:
        sent.append(frame)

    async def on_idle() -> None:
        idle.append(True)

    speaker = Speaker(tasks, session=lambda: None, deliver=deliver, on_idle=on_idle)
    speaker.begin()
    first = await speaker.say(Utterance("One sentence."))
    second = await speaker.say(Utterance("And another one here.", {"line": 7}))
    assert [f["type"] for f in sent] == ["avatar.speak", "avatar.speak"]
    assert sent[1]["line"] == 7
    assert sent[0]["timeout"] == browser_speech_timeout("One sentence.")
    assert server_speech_timeout("One sentence.") > sent[0]["timeout"]
    assert first.startswith("local-")
    assert first != second
    assert await speaker.ended(first)
    await speaker.done()
    assert not idle  # the second sentence is still being said
    assert await speaker.ended(second)
    assert idle == [True]
    assert not await speaker.ended(second)  # a late, duplicate end event changes nothing
    assert idle == [True]
    await tasks.cancel_all()


async def test_interrupting_clears_the_speaker_and_marks_the_turn() -> None:
    tasks = TaskSet("test")

    async def nothing(*_: Any) -> None:
        return None

    speaker = Speaker(tasks, session=lambda: None, deliver=nothing, on_idle=nothing)
    clock = TurnClock(kind="room", conversation="r")
    speaker.begin(clock)
    task_id = await speaker.say(Utterance("Hello there."))
    assert speaker.started(task_id)
    assert not speaker.started("unknown")
    assert await speaker.interrupt()
    assert not speaker.speaking
    assert clock.interrupted
    assert set(clock.marks) == {"speak_command", "avatar_talking"}
    assert not await speaker.interrupt()  # nothing left to interrupt
    await tasks.cancel_all()


@pytest.mark.django_db
def test_a_turn_is_saved_once_and_only_when_it_reached_a_step() -> None:
    assert voice_turn_record(clock=TurnClock(kind="room", conversation="r")) is None
    clock = TurnClock(kind="interview", conversation="i", avatar_provider="heygen")
    clock.mark("model_request")
    clock.mark("first_sentence")
    first = clock.marks["model_request"]
    clock.mark("model_request")  # only the first mark of a step counts
    assert clock.marks["model_request"] == first
    with pytest.raises(ValueError):
        clock.mark("nonsense")
    turn = voice_turn_record(clock=clock)
    assert turn is not None
    assert voice_turn_record(clock=clock) is None
    saved = VoiceTurn.objects.get()
    assert saved.model_request_ms <= saved.first_sentence_ms
    assert saved.speak_command_ms is None
    assert saved.avatar_talking_ms is None
    assert saved.avatar_provider == "heygen"
    assert saved.created_at >= saved.user_done_at
