"""The voice session on its own: a fake transport and a scripted responder drive it, with no
socket, no vendor and no real waits (the pause before answering is a test-controlled event)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from avatars.models import VoiceTurn
from avatars.providers.base import TranscriptEvent
from avatars.voice.pipeline import (
    Policy,
    ReplyRefused,
    Responder,
    Turn,
    Utterance,
    VoiceSession,
)
from avatars.voice.tasks import TaskSet

pytestmark = pytest.mark.django_db(transaction=True)

TALK = Policy(
    turn_kind=VoiceTurn.Kind.ROOM,
    speak_frame="tutor.say",
    auto_end_of_turn=True,
    barge_in=True,
    interrupt_frame="tutor.interrupt",
)


class Page:
    """The transport: what this page was sent, and what the other participants were."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []
        self.shared: list[tuple[str, dict[str, Any]]] = []

    async def send(self, frame: dict[str, Any]) -> None:
        self.frames.append(frame)

    async def share(self, kind: str, frame: dict[str, Any]) -> None:
        self.shared.append((kind, frame))

    def said(self) -> list[dict[str, Any]]:
        return [f for f in self.frames if f["type"] == "tutor.say"]


class Scripted(Responder):
    """Answers every line with the script's sentences; remembers what happened."""

    model_provider = "scripted"

    def __init__(self, *sentences: str, refuse: bool = False) -> None:
        self.sentences = sentences
        self.refuse = refuse
        self.lines: list[tuple[str, str, bool]] = []
        self.answered: list[str] = []
        self.cut_short: list[str] = []
        self.idle = 0
        self.gate: asyncio.Event | None = None  # set: the model "writes" only once released

    async def heard(self, text: str, source: str, *, reply: bool) -> bool:
        self.lines.append((text, source, reply))
        return reply

    async def respond(self, turn: Turn) -> AsyncIterator[Utterance]:
        if self.refuse:
            raise ReplyRefused("rate_limited", "Slow down.")
        self.answered.append(turn.text)
        turn.clock.mark("model_request")
        if self.gate is not None:
            await self.gate.wait()
        for n, sentence in enumerate(self.sentences):
            yield Utterance(sentence, {"line": n})

    async def spoken(self) -> None:
        self.idle += 1

    async def cut(self, utterances: list[Utterance]) -> None:
        self.cut_short += [u.text for u in utterances]


class Pause:
    """The session's pause before answering, released by the test."""

    def __init__(self) -> None:
        self.over = asyncio.Event()
        self.waits = 0

    async def __call__(self, seconds: float) -> None:
        self.waits += 1
        await self.over.wait()


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


def session(responder: Responder, page: Page, **kwargs: Any) -> VoiceSession:
    return VoiceSession(
        transport=page,
        responder=responder,
        policy=kwargs.pop("policy", TALK),
        tasks=TaskSet("test"),
        conversation="room-1",
        **kwargs,
    )


async def test_a_line_is_answered_sentence_by_sentence_and_the_turn_timed() -> None:
    page, tutor = Page(), Scripted("Good question.", "What would change?")
    voice = session(tutor, page)
    await voice.user_said("Why is it 95%?", "typed")
    await settle()
    said = page.said()
    assert [f["text"] for f in said] == ["Good question.", "What would change?"]
    assert [f["line"] for f in said] == [0, 1]  # the responder's extras ride along
    assert all(f["timeout"] > 0 for f in said)
    assert [kind for kind, _ in page.shared] == ["speak", "speak"]  # the other pages say it
    assert tutor.lines == [("Why is it 95%?", "typed", True)]
    for frame in said:
        await voice.speak_started(frame["task_id"])
        await voice.speak_ended(frame["task_id"], 1.0)
    assert tutor.idle == 1
    turn = await VoiceTurn.objects.aget()
    assert turn.conversation == "room-1"
    assert turn.model_provider == "scripted"
    assert not turn.interrupted
    steps = [turn.model_request_ms, turn.first_sentence_ms, turn.speak_command_ms]
    assert steps == sorted(steps)
    assert turn.avatar_talking_ms is not None
    await voice.tasks.cancel_all()


async def test_talking_over_the_avatar_stops_it_and_tells_the_responder_what_was_cut() -> None:
    page, tutor = Page(), Scripted("First.", "Second.")
    voice = session(tutor, page)
    await voice.user_said("Tell me.", "typed")
    await settle()
    assert len(page.said()) == 2
    await voice.interim("wait")
    assert {"type": "tutor.interrupt"} in page.frames
    assert ("interrupt", {}) in page.shared
    assert tutor.cut_short == ["First.", "Second."]
    assert page.frames[-1] == {"type": "caption", "text": "wait", "final": False}
    assert page.shared[-1] == ("interim", {"text": "wait"})
    assert not voice.speaker.speaking
    turn = await VoiceTurn.objects.aget()
    assert turn.interrupted
    assert not await voice.barge_in()  # nothing left to interrupt
    await voice.tasks.cancel_all()


async def test_a_burst_of_lines_starts_two_replies_at_most_and_answers_the_last() -> None:
    page, tutor = Page(), Scripted("Here is my answer.")
    tutor.gate = asyncio.Event()  # the first reply is still being written when the burst lands
    pause = Pause()
    voice = session(tutor, page, quiet=pause)
    burst = [f"Line {n}?" for n in range(12)]
    for text in burst:
        await voice.user_said(text, "typed")
        await asyncio.sleep(0)
    assert [text for text, _, _ in tutor.lines] == burst  # every line is saved
    assert tutor.answered == ["Line 0?"]  # the first started at once and was cut short
    assert page.said() == []
    tutor.gate.set()
    pause.over.set()  # the student pauses
    await settle()
    assert tutor.answered == ["Line 0?", "Line 11?"]
    assert [f["text"] for f in page.said()] == ["Here is my answer."]
    await voice.tasks.cancel_all()


async def test_a_refused_reply_tells_the_user_and_says_nothing() -> None:
    page, tutor = Page(), Scripted("Never said.", refuse=True)
    voice = session(tutor, page)
    await voice.user_said("Hello?", "typed")
    await settle()
    assert page.said() == []
    assert {"type": "error", "code": "rate_limited", "message": "Slow down."} in page.frames
    assert not voice.speaker.speaking
    await voice.close()
    assert not await VoiceTurn.objects.aexists()


async def test_the_transcribers_end_of_utterance_ends_the_turn_and_close_keeps_words() -> None:
    page, tutor = Page(), Scripted("Yes.")
    voice = session(tutor, page)
    hooks = voice.listener.hooks
    await hooks.on_final(TranscriptEvent(kind="final", text="what does"))
    await hooks.on_interim("the interval")
    assert page.frames[-1]["text"] == "what does the interval"
    await hooks.on_final(TranscriptEvent(kind="final", text="the interval mean"))
    await hooks.on_end_of_turn()
    await settle()
    assert tutor.lines == [("what does the interval mean", "voice", True)]
    assert [f["text"] for f in page.said()] == ["Yes."]
    await hooks.on_final(TranscriptEvent(kind="final", text="and one more"))
    await voice.close()  # the socket closes mid-utterance: saved, not answered
    assert tutor.lines[-1] == ("and one more", "voice", False)
    await voice.tasks.cancel_all()


async def test_a_button_policy_hands_finals_over_and_another_pages_speech_can_be_cut() -> None:
    finals: list[str] = []

    class Interview(Responder):
        async def final(self, event: TranscriptEvent) -> None:
            finals.append(event.text)

    page = Page()
    voice = session(
        Interview(), page, policy=Policy(turn_kind=VoiceTurn.Kind.INTERVIEW, barge_in=True)
    )
    await voice.listener.hooks.on_final(TranscriptEvent(kind="final", text="I led the team"))
    await voice.listener.hooks.on_end_of_turn()
    assert finals == ["I led the team"]
    assert voice.heard_so_far == []

    said = voice.mirror({"type": "tutor.say", "text": "Hello.", "task_id": "t1", "line": 4})
    assert said.extra == {"line": 4}
    assert voice.speaker.speaking
    voice.silenced()  # someone else interrupted it
    assert not voice.speaker.speaking
    voice.mirror({"type": "tutor.say", "text": "Again.", "task_id": "t2", "timeout": 3})
    await voice.speak_ended("unknown", 1.0)  # a late or foreign id changes nothing
    assert voice.speaker.speaking
    await voice.speak_ended("t2", 1.0)
    assert not voice.speaker.speaking
    await voice.tasks.cancel_all()


async def test_the_socket_transport_shares_with_the_group_but_never_back() -> None:
    from channels.layers import InMemoryChannelLayer

    from avatars.voice.transport import SocketTransport

    layer = InMemoryChannelLayer()
    mine, theirs = await layer.new_channel(), await layer.new_channel()
    for channel in (mine, theirs):
        await layer.group_add("room.x", channel)
    sent: list[dict[str, Any]] = []

    async def send(frame: dict[str, Any]) -> None:
        sent.append(frame)

    transport = SocketTransport(send, layer, "room.x", mine, {"interrupt": "tutor.interrupt"})
    await transport.send({"type": "caption", "text": "hi", "final": False})
    await transport.share("interrupt", {})
    await transport.share("interim", {"text": "not shared"})  # not listed: stays here
    assert sent == [{"type": "caption", "text": "hi", "final": False}]
    event = await layer.receive(theirs)
    assert event == {"type": "tutor.interrupt", "origin": mine}
    assert not SocketTransport(send, layer, "room.x", theirs).from_here(event)
    assert transport.from_here(await layer.receive(mine))  # its own copy is dropped


async def test_a_model_reply_is_cut_into_sentences_its_first_token_noted_once() -> None:
    from contextlib import aclosing

    from avatars.voice.streaming import model_sentences

    closed: list[bool] = []

    async def stream() -> AsyncIterator[str]:
        try:
            for delta in ["", "Good ", "question. What ", "would change? And", " more."]:
                yield delta
        finally:
            closed.append(True)

    firsts: list[bool] = []
    sentences = model_sentences(stream, on_first_token=lambda: firsts.append(True))
    assert [s async for s in sentences] == ["Good question.", "What would change?", "And more."]
    assert firsts == [True]

    async with aclosing(model_sentences(stream)) as cut_short:  # a barge-in stops reading
        async for _ in cut_short:
            break
    assert closed == [True, True]  # the model's stream is closed at once, not left open
