"""Scenario 7, room voice-to-voice: a student talks to the tutor over the real room socket
(`config.asgi.application`, in-memory layer). Audio frames go to the fake Deepgram, which
ends the utterance (`speech_final`, `UtteranceEnd`) after the last word; the room's automatic
end of turn saves the student's line and asks the tutor, whose model (fake OpenAI) streams the
reply with a known 300 ms to first token at 40 tokens/s; measured from the fake's own stamps:
end of utterance emitted -> first speak command (`streaming.task`) reaching the fake HeyGen.
Our part = that time minus the model's own time to its first sentence, measured with the bare
client in the same run. Naive (same run, a conversation subclass): the whole reply is waited
for before the avatar says anything."""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from asgiref.sync import sync_to_async

from tests.bench.core import Context, Figure, percentile
from tests.bench.s2_turn_latency import _model_first_sentence

NAME = "7. Room voice-to-voice"
TTFT = 0.3
TOKENS_PER_SECOND = 40.0
QUESTION = "what does a confidence interval tell me about the mean"
REPLY = (
    "Good question. Before I say more, what do you think the interval is a range of: "
    "values of the sample mean, or plausible values of the population mean, and how "
    "would your answer change if we took a much larger sample?"
)
# Our part (end of utterance -> speak command, less the model's first sentence) may be at
# most this share of the model's first-sentence time (the 15 % the interview turn gets in
# scenario 2), and ours at most this share of naive.
OUR_PART_RATIO = 0.15
OURS_OVER_NAIVE = 0.5


def _active_room() -> Any:
    from asgiref.sync import async_to_sync

    from classrooms import services
    from classrooms.models import BreakoutRoom, ClassSession
    from tests.factories import make_course, make_professor

    professor = make_professor()
    course = make_course(professor, students=1, title="Statistics")
    session = services.class_session_create(
        professor=professor,
        course=course,
        student_ids=list(course.students.values_list("pk", flat=True)),
    )
    async_to_sync(services.class_session_launch)(session=ClassSession.objects.get(pk=session.pk))
    room = BreakoutRoom.objects.select_related("avatar_session").get(session=session)
    if room.status != BreakoutRoom.Status.ACTIVE:
        raise RuntimeError(f"the bench room did not become active ({room.status})")
    return room


def _naive_application() -> Any:
    """The same room socket, except that the tutor speaks once its whole reply is in."""
    from channels.routing import URLRouter
    from django.urls import path

    from avatars.voice.pipeline import Turn, Utterance
    from classrooms.consumers.room import RoomConsumer
    from classrooms.live.responder import TutorResponder

    class WholeReplyResponder(TutorResponder):
        async def respond(self, turn: Turn) -> Any:
            held = [u async for u in super().respond(turn)]
            if held:
                yield Utterance(" ".join(u.text for u in held), held[0].extra)

    class WholeReplyRoom(RoomConsumer):
        async def authorise(self) -> int | None:
            refused = await super().authorise()
            if refused is None:
                self.voice.responder = WholeReplyResponder(room=self.room, send=self.send_json)
            return refused

    return URLRouter([path("ws/rooms/<str:token>/", WholeReplyRoom.as_asgi())])


async def _until(comm: Any, kind: str, pred: Any = None, timeout: float = 30) -> dict[str, Any]:
    seen: list[str] = []
    try:
        async with asyncio.timeout(timeout):
            while True:
                message = await comm.receive_json_from(timeout=timeout)
                if message.get("type") == "error":
                    raise RuntimeError(f"server error: {message}")
                if message.get("type") == kind and (pred is None or pred(message)):
                    return message
                seen.append(str(message.get("type")))
    except TimeoutError:
        raise RuntimeError(f"no {kind} within {timeout:g} s (got {seen[-8:]})") from None


async def _talk(app: Any, token: str, turns: int) -> list[float]:
    """Open the room socket, let the greeting end, then say QUESTION `turns` times; returns
    the unix time each turn's audio finished being sent."""
    from channels.testing import WebsocketCommunicator

    comm = WebsocketCommunicator(
        app, f"/ws/rooms/{token}/", headers=[(b"origin", b"http://127.0.0.1")]
    )
    connected, code = await comm.connect(timeout=30)
    if not connected:
        raise RuntimeError(f"room socket refused ({code})")
    sent: list[float] = []
    try:
        greeting = await _until(comm, "tutor.say")
        await comm.send_json_to({"type": "avatar.speak_ended", "task_id": greeting["task_id"]})
        await comm.send_json_to({"type": "audio.start"})
        await _until(comm, "audio.ready")
        for _ in range(turns):
            for word in QUESTION.split():
                await comm.send_to(bytes_data=word.encode() + b"\0" + bytes(2000))
            sent.append(time.time())
            reply = await _until(comm, "tutor.say")
            await _said(comm, reply)
            # The rest of the reply (the model writes for ~1.3 s): every sentence is said
            # and reported done before the next question, so no turn barges in.
            loop = asyncio.get_running_loop()
            quiet_until = loop.time() + 1.8
            while (left := quiet_until - loop.time()) > 0:
                # (receive_nothing: a receive that times out would cancel the application)
                if await comm.receive_nothing(timeout=min(0.05, left)):
                    continue
                message = await comm.receive_json_from(timeout=10)
                if message.get("type") == "tutor.say":
                    await _said(comm, message)
    finally:
        await comm.disconnect(timeout=10)
    return sent


async def _said(comm: Any, say: dict[str, Any]) -> None:
    """What the page reports once the avatar said a sentence."""
    await comm.send_json_to({"type": "avatar.speak_started", "task_id": say["task_id"]})
    await comm.send_json_to({"type": "avatar.speak_ended", "task_id": say["task_id"]})


def _turn_times(fake: Any, sent: list[float]) -> list[float]:
    """End of utterance (the fake's last final result of each question) -> the first speak
    command the fake HeyGen received after it, in ms."""
    last_word = QUESTION.split()[-1]
    ends = sorted(e["t"] for e in fake.emits() if e["final"] and e["last"] == last_word)
    tasks = sorted(e["at"] for e in fake.state()["log"] if e["endpoint"] == "task")
    out = []
    for t_sent in sent:
        # The fake ends the utterance once it has the last frame, sent just before t_sent.
        end = next((t for t in ends if t >= t_sent - 0.5), None)
        speak = next((t for t in tasks if end is not None and t > end), None)
        if end is None or speak is None:
            raise RuntimeError("the fake saw no end of utterance / speak command for a turn")
        ends = [t for t in ends if t > end]
        out.append((speak - end) * 1000)
    return out


def run(ctx: Context) -> None:
    from config.asgi import application

    fake = ctx.fake  # type: ignore[attr-defined]
    turns = 2 if ctx.smoke else 12
    fake.knobs(
        {
            "heygen.start": {"latency": 0},
            "deepgram.live": {
                "emit_log": True,
                "utterances": [QUESTION] * (2 * turns + 2),
                "words_per_chunk": 1,
                "idle_close": 60,
            },
            "openai.chat": {"ttft": TTFT, "tokens_per_second": TOKENS_PER_SECOND},
            "openai": {"replies": [REPLY]},
        }
    )
    naive_app = _naive_application()
    results: dict[str, list[float]] = {}
    reference: list[float] = []

    async def body() -> None:
        reference.append(await _model_first_sentence())  # warm-up
        reference.clear()
        for which, app in (("ours", application), ("naive", naive_app)):
            room = await sync_to_async(_active_room)()
            sent = await _talk(app, room.join_token, turns)
            results[which] = await asyncio.to_thread(_turn_times, fake, sent)
            for _ in range(3):
                reference.append(await _model_first_sentence())

    asyncio.run(body())
    ours, naive = results["ours"], results["naive"]
    model_ms = statistics.median(reference)
    our_part = [t - model_ms for t in ours]
    ctx.add(
        Figure(
            NAME,
            "our part / the model's first-sentence time (p95 of our part over the reference)",
            [p / model_ms for p in our_part],
            unit="ratio",
            target=f"p95 <= {OUR_PART_RATIO:.2f}",
        ).check(percentile(our_part, 95) / model_ms <= OUR_PART_RATIO)
    )
    ratio = statistics.median(ours) / statistics.median(naive)
    ctx.add(
        Figure(
            NAME, "ours / naive (medians)", [ratio], unit="ratio", target=f"<= {OURS_OVER_NAIVE}"
        ).check(ratio <= OURS_OVER_NAIVE)
    )
    ctx.add(
        Figure(
            NAME,
            "end of utterance -> first speak command to the avatar",
            ours,
            note=f"model TTFT {TTFT * 1000:.0f} ms, {TOKENS_PER_SECOND:.0f} tokens/s",
        )
    )
    ctx.add(Figure(NAME, "  our part (less the model's first sentence)", our_part))
    ctx.add(Figure(NAME, "  reference: the fake model's first sentence, bare client", reference))
    ctx.add(Figure(NAME, "naive: speak after the whole reply", naive))
