"""Bad-input fuzzing of every WebSocket consumer (interview, monitor, room) with hypothesis.

One connection per consumer is reused across all examples (each example is a batch of
messages), so the >= 1,000 messages per consumer run in seconds. For every message:
- the consumer never crashes and never answers with an internal error;
- a message its schema refuses gets an error frame with a code and a sentence;
- the connection stays open and usable (a probe after every message, a valid request at the end);
- the database rows the consumer owns are unchanged (only invalid, out-of-state and read-only
  messages are generated; valid state-changing ones are renamed into unknown types).
A second test sends valid messages carrying hostile values (huge numbers, NaN, NUL, lone
surrogates, very long text) to the paths that do write, and checks they are refused or stored
cleanly.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classrooms import consumers as class_consumers
from classrooms import services as class_services
from interviews import consumers as interview_consumers
from tests.security.conftest import World, build_world

MESSAGES_PER_CONSUMER = 1000
INTERNAL_CODES = {"internal", "server_error"}
FUZZ = settings(
    max_examples=70,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

# --- Strategies -------------------------------------------------------------------------------

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
HUGE_TEXT = st.sampled_from([501, 4_001, 70_000]).flatmap(
    lambda n: st.sampled_from(["x", "é", "🦜", " "]).map(lambda c: c * n)
)
# Raw JSON numbers Python parses into values a naive float()/int() chokes on.
RAW_NUMBERS = ["1e999", "-1e999", "NaN", "Infinity", "1" + "0" * 400, "-0", "1.5e-400"]


@dataclass(frozen=True)
class Frame:
    text: str | None = None
    data: bytes | None = None

    def __repr__(self) -> str:
        if self.data is not None:
            return f"Frame(data=<{len(self.data)} bytes: {self.data[:40]!r}>)"
        text = self.text or ""
        return f"Frame(text={text[:200]!r}{f'... {len(text)} chars' if len(text) > 200 else ''})"


Schema = dict[str, dict[str, tuple[tuple[type, ...], bool]]]


def message_strategy(schema: Schema, rooms: list[str]) -> st.SearchStrategy[Frame]:
    """Frames a client could send: mostly schema-shaped, then broken in every way."""
    types = sorted(schema)

    def field_value(name: str, kinds: tuple[type, ...]) -> st.SearchStrategy[Any]:
        good: st.SearchStrategy[Any] = st.none()
        if str in kinds:
            good = st.text(max_size=60) | HUGE_TEXT
            if name == "room":
                good = st.sampled_from([*rooms, str(uuid.uuid4()), "not-a-uuid"])
            if name in ("kind", "event", "source", "mode"):
                good = st.sampled_from(
                    ["offer", "answer", "ice", "hangup", "ready", "speak_started", "typed"]
                ) | st.text(max_size=10)
        elif bool in kinds:
            good = st.booleans()
        elif float in kinds:
            good = st.floats() | st.integers(min_value=-(2**70), max_value=2**70)
        elif dict in kinds:
            good = st.fixed_dictionaries(
                {},
                optional={
                    "candidate": st.text(max_size=40) | JSON_VALUES,
                    "sdpMid": st.text(max_size=5) | JSON_VALUES,
                    "sdpMLineIndex": st.integers(-5, 100) | JSON_VALUES,
                },
            )
        return good | JSON_VALUES

    @st.composite
    def shaped(draw: Any) -> Frame:
        kind = draw(st.sampled_from(types))
        body: dict[str, Any] = {"type": kind}
        for name, (kinds, _required) in schema[kind].items():
            if draw(st.integers(0, 4)):  # sometimes missing
                body[name] = draw(field_value(name, kinds))
        if draw(st.booleans()):
            body.update(draw(st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=2)))
            body["type"] = kind
        text = json.dumps(body)
        if draw(st.integers(0, 6)) == 0:  # a number Python parses into inf, nan or a bigint
            name = draw(st.sampled_from(["duration", "seconds", "raised", "text", "x"]))
            text = text[:-1] + f', "{name}": {draw(st.sampled_from(RAW_NUMBERS))}}}'
        return Frame(text=text)

    not_json = st.text(min_size=1, max_size=80).map(lambda s: Frame(text="{" + s))
    not_object = JSON_VALUES.filter(lambda v: not isinstance(v, dict)).map(
        lambda v: Frame(text=json.dumps(v))
    )
    bad_type = st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=3).map(
        lambda d: Frame(text=json.dumps({k: v for k, v in d.items() if k != "type"}))
    ) | JSON_VALUES.filter(lambda v: not isinstance(v, str)).map(
        lambda v: Frame(text=json.dumps({"type": v}))
    )
    unknown = (
        st.text(max_size=60)
        .filter(lambda t: t not in schema)
        .map(lambda t: Frame(text=json.dumps({"type": t, "text": "hi"})))
    )
    binary = st.binary(min_size=1, max_size=300).map(lambda b: Frame(data=b)) | st.just(
        Frame(data=b"\x00" * (django_settings.WS_MAX_AUDIO_CHUNK_BYTES + 1))
    )
    deep = st.integers(200, 5000).map(lambda n: Frame(text="[" * n + "]" * n))
    return st.one_of(
        shaped(), shaped(), shaped(), not_json, not_object, bad_type, unknown, binary, deep
    )


# --- The harness ------------------------------------------------------------------------------


def rows_hash(app_label: str) -> str:
    digest = hashlib.sha256()
    for model in apps.get_app_config(app_label).get_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        for row in model.objects.order_by("pk").values_list(*fields):
            digest.update(repr(row).encode())
    return digest.hexdigest()


@dataclass
class Harness:
    """A live socket driven from synchronous hypothesis code through one event loop."""

    loop: asyncio.AbstractEventLoop
    communicator: Any
    is_invalid: Callable[[Frame], bool]
    state: Callable[[], str]
    sent: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    nonce: Iterator[int] = field(default_factory=itertools.count)

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    async def _until_probe(self, probe: str) -> list[dict[str, Any]]:
        frames = []
        while True:
            output = await self.communicator.receive_output(timeout=15)
            if output["type"] == "websocket.close":
                raise AssertionError(f"the consumer closed the socket: {output}")
            if output.get("text") is None:
                continue
            frame = json.loads(output["text"])
            if frame.get("type") == "error" and probe in str(frame.get("message", "")):
                return frames
            frames.append(frame)

    async def _send(self, frame: Frame) -> None:
        if frame.data is not None:
            await self.communicator.send_to(bytes_data=frame.data)
        else:
            await self.communicator.send_to(text_data=frame.text)
        self.sent += 1

    async def one(self, frame: Frame) -> list[str]:
        """Send one frame, then a probe; return the problems seen in between."""
        probe = f"probe-{next(self.nonce)}"
        await self._send(frame)
        await self.communicator.send_to(text_data=json.dumps({"type": probe}))
        frames = await self._until_probe(probe)
        errors = [f for f in frames if f.get("type") == "error"]
        problems = []
        for error in errors:
            self.errors[error.get("code", "?")] = self.errors.get(error.get("code", "?"), 0) + 1
            if error.get("code") in INTERNAL_CODES or not error.get("message"):
                problems.append(f"unclear error {str(error)[:300]} for {frame!r}")
        if self.is_invalid(frame) and not errors:
            problems.append(f"no error frame for {frame!r}")
        return problems

    def batch(self, frames: list[Frame]) -> None:
        before = self.state()
        problems: list[str] = []
        for frame in frames:
            problems += self.run(self.one(frame))
        assert problems == []
        assert self.state() == before, "a refused message changed the database"

    def flood(self, frames: list[Frame]) -> None:
        """Everything at once, without reading: every invalid frame still gets its answer."""

        async def go() -> list[dict[str, Any]]:
            for frame in frames:
                await self._send(frame)
            probe = f"probe-{next(self.nonce)}"
            await self.communicator.send_to(text_data=json.dumps({"type": probe}))
            return await self._until_probe(probe)

        before = self.state()
        replies = self.run(go())
        errors = [f for f in replies if f.get("type") == "error"]
        assert not [e for e in errors if e.get("code") in INTERNAL_CODES]
        assert len(errors) >= sum(map(self.is_invalid, frames))
        assert self.state() == before


def schema_refuses(validate: Callable[[str], Any]) -> Callable[[Frame], bool]:
    def refuses(frame: Frame) -> bool:
        if frame.text is None:
            return False
        if len(frame.text.encode("utf-8", "replace")) > django_settings.WS_MAX_MESSAGE_BYTES:
            return True
        try:
            validate(frame.text)
        except Exception:
            return True
        return False

    return refuses


def interview_validate(text: str) -> Any:
    return interview_consumers.parse_message(text)


def classroom_validate(schema: Schema) -> Callable[[str], Any]:
    def validate(text: str) -> Any:
        return class_consumers.validate(json.loads(text), schema)

    return validate


def read_only(strategy: st.SearchStrategy[Frame], writes: set[str], validate: Callable) -> Any:
    """Valid messages that would legitimately change state are renamed (become unknown)."""

    def neutralise(frame: Frame) -> Frame:
        if frame.text is None:
            return frame
        try:
            message = validate(frame.text)
        except Exception:
            return frame
        if message.get("type") in writes:
            message["type"] = "x-" + message["type"]
            return Frame(text=json.dumps(message))
        return frame

    return strategy.map(neutralise)


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


@pytest.fixture
def fuzz_world(transactional_db: Any, loop: asyncio.AbstractEventLoop) -> World:
    world = build_world()
    loop.run_until_complete(class_services.class_session_launch(session=world.session))
    return world


def _open(loop: asyncio.AbstractEventLoop, ws_connect: Any, path: str, user: Any) -> Any:
    communicator, connected, code = loop.run_until_complete(ws_connect(path, user))
    assert connected, code
    return communicator


def _drain(harness: Harness) -> None:
    """Let connect-time work (avatar start, snapshot, greeting) finish before the baseline."""
    harness.run(harness.one(Frame(text=json.dumps({"type": "warm-up"}))))
    harness.run(asyncio.sleep(0.3))
    harness.run(harness.one(Frame(text=json.dumps({"type": "warm-up"}))))


def _fuzz(harness: Harness, strategy: st.SearchStrategy[Frame], record: Any, name: str) -> None:
    @FUZZ
    @given(st.lists(strategy, min_size=12, max_size=20))
    def run(frames: list[Frame]) -> None:
        harness.batch(frames)

    run()
    flood = [Frame(text=json.dumps({"type": f"flood-{i}"})) for i in range(150)]
    flood += [Frame(text="{not json")] * 50 + [Frame(text=json.dumps([1, 2]))] * 50
    harness.flood(flood)
    record(
        "websocket fuzzing",
        f"{name}: generated messages, no crash",
        "-",
        f">= {MESSAGES_PER_CONSUMER}",
        harness.sent,
        passed=harness.sent >= MESSAGES_PER_CONSUMER,
    )
    for code, count in sorted(harness.errors.items()):
        record(
            "websocket fuzzing",
            f"{name}: error frames '{code}'",
            "-",
            "clear reason",
            "clear reason" if code not in INTERNAL_CODES else f"{count} internal",
        )
    assert harness.sent >= MESSAGES_PER_CONSUMER


# --- The three consumers ----------------------------------------------------------------------


def test_fuzz_interview_consumer(
    fuzz_world: World, loop: asyncio.AbstractEventLoop, ws_connect: Any, record: Any
) -> None:
    world = fuzz_world
    communicator = _open(
        loop,
        ws_connect,
        f"/ws/interviews/{world.interview_live.public_id}/",
        world.user("candidate_owner"),
    )
    interview_id = world.interview_live.pk
    harness = Harness(
        loop, communicator, schema_refuses(interview_validate), lambda: rows_hash("interviews")
    )
    _drain(harness)
    # In warm-up every answer action is out of state; starting and ending are left out.
    strategy = read_only(
        message_strategy(interview_consumers.SCHEMA, []),
        {"question.next", "interview.end"},
        interview_validate,
    )
    _fuzz(harness, strategy, record, "interview")
    # Still usable: the interview starts normally.
    harness.run(communicator.send_json_to({"type": "question.next"}))
    for _ in range(20):
        frame = harness.run(communicator.receive_json_from(timeout=10))
        if frame.get("type") == "avatar.speak":
            break
    assert frame["type"] == "avatar.speak"
    from interviews.models import MockInterview

    assert MockInterview.objects.get(pk=interview_id).status == "asking"
    harness.run(communicator.disconnect())


def test_fuzz_monitor_consumer(
    fuzz_world: World, loop: asyncio.AbstractEventLoop, ws_connect: Any, record: Any
) -> None:
    world = fuzz_world
    communicator = _open(
        loop,
        ws_connect,
        f"/ws/classrooms/{world.session.public_id}/monitor/",
        world.user("professor_owner"),
    )
    schema = class_consumers.MONITOR_SCHEMA
    validate = classroom_validate(schema)
    harness = Harness(loop, communicator, schema_refuses(validate), lambda: rows_hash("classrooms"))
    _drain(harness)
    rooms = [str(world.room1.public_id), str(world.room2.public_id)]
    strategy = read_only(
        message_strategy(schema, rooms),
        {
            "room.say",
            "session.broadcast",
            "room.whisper",
            "room.restart",
            "room.clear_help",
            "session.end",
        },
        validate,
    )
    _fuzz(harness, strategy, record, "monitor")
    harness.run(communicator.send_json_to({"type": "ping"}))
    assert harness.run(communicator.receive_json_from(timeout=10)) == {"type": "pong"}
    harness.run(communicator.disconnect())


def test_fuzz_room_consumer(
    fuzz_world: World, loop: asyncio.AbstractEventLoop, ws_connect: Any, record: Any
) -> None:
    world = fuzz_world
    communicator = _open(loop, ws_connect, f"/ws/rooms/{world.room1.join_token}/", None)
    schema = class_consumers.ROOM_SCHEMA
    validate = classroom_validate(schema)
    room_pk = world.room1.pk

    def state() -> str:
        # Presence was set on connect; everything else in the classroom must stay as it was.
        return rows_hash("classrooms") + str(room_pk)

    harness = Harness(loop, communicator, schema_refuses(validate), state)
    _drain(harness)
    strategy = read_only(
        message_strategy(schema, []),
        {"turn.text", "turn.caption", "help.set", "avatar.speak_started", "avatar.speak_ended"},
        validate,
    )
    _fuzz(harness, strategy, record, "room")
    harness.run(communicator.send_json_to({"type": "ping"}))
    for _ in range(20):
        frame = harness.run(communicator.receive_json_from(timeout=10))
        if frame.get("type") == "pong":
            break
    assert frame == {"type": "pong"}
    harness.run(communicator.disconnect())


# --- Valid messages, hostile values -----------------------------------------------------------

NUL = "before\x00after"
SURROGATE = "half an emoji \ud83d then text"
CONTROL = "bell\x07 and escape\x1b[31m red"
BIG_INT = "1" + "0" * 400  # parses as an int; float() of it overflows


def _raw(message: dict[str, Any], **raw_numbers: str) -> str:
    """JSON text with some fields as raw number literals (NaN, 1e999, huge ints)."""
    text = json.dumps(message)
    for name, literal in raw_numbers.items():
        text = text[:-1] + f', "{name}": {literal}}}'
    return text


async def _probe(communicator: Any, probe: str) -> list[dict[str, Any]]:
    await communicator.send_to(text_data=json.dumps({"type": probe}))
    frames = []
    while True:
        output = await communicator.receive_output(timeout=15)
        assert output["type"] != "websocket.close", f"socket closed: {output}"
        frame = json.loads(output["text"])
        if frame.get("type") == "error" and probe in frame.get("message", ""):
            return frames
        frames.append(frame)


async def _hostile(communicator: Any, texts: list[str], record: Any, name: str) -> list[str]:
    problems = []
    for i, text in enumerate(texts):
        frames = await _probe_after(communicator, text, f"probe-h{i}")
        internal = [
            f for f in frames if f.get("type") == "error" and f.get("code") in INTERNAL_CODES
        ]
        ok = not internal
        record(
            "websocket hostile values",
            f"{name}: {text[:80]!r}",
            "-",
            "handled",
            "handled" if ok else f"internal error {internal[0].get('message')}",
            passed=ok,
        )
        if not ok:
            problems.append(f"{name} {text[:80]!r}: {internal}")
    return problems


async def _probe_after(communicator: Any, text: str, probe: str) -> list[dict[str, Any]]:
    await communicator.send_to(text_data=text)
    return await _probe(communicator, probe)


def _stored_text_is_clean(values: list[str]) -> list[str]:
    return [v for v in values if "\x00" in v or any(0xD800 <= ord(c) <= 0xDFFF for c in v)]


@pytest.mark.django_db(transaction=True)
async def test_hostile_values_in_valid_messages(ws_connect: Any, record: Any) -> None:
    from asgiref.sync import sync_to_async

    from classrooms.models import BreakoutRoom, RoomTranscriptLine
    from interviews.models import Attempt
    from tests.interviews.conftest import Driver

    world: World = await sync_to_async(build_world)()
    await class_services.class_session_launch(session=world.session)
    problems: list[str] = []

    # The student's room: text is stored, numbers feed the avatar's cost meter.
    room, _, _ = await ws_connect(f"/ws/rooms/{world.room1.join_token}/")
    problems += await _hostile(
        room,
        [
            json.dumps({"type": "turn.text", "text": NUL}),
            json.dumps({"type": "turn.text", "text": SURROGATE}),
            json.dumps({"type": "turn.text", "text": CONTROL}),
            json.dumps({"type": "turn.text", "text": "🦜" * 500}),
            json.dumps({"type": "turn.caption", "final": False, "text": SURROGATE}),
            _raw({"type": "avatar.speak_ended", "task_id": "t1"}, duration=BIG_INT),
            _raw({"type": "avatar.speak_ended", "task_id": "t1"}, duration="1e999"),
            _raw({"type": "avatar.speak_ended", "task_id": "t1"}, duration="NaN"),
            _raw({"type": "avatar.speak_ended", "task_id": "t1"}, duration="-5"),
            _raw({"type": "rtc.signal", "kind": "ice", "candidate": {"candidate": "x"}}),
            json.dumps(
                {
                    "type": "rtc.signal",
                    "kind": "ice",
                    "candidate": {"candidate": SURROGATE, "sdpMLineIndex": 10**30},
                }
            ),
        ],
        record,
        "room",
    )
    await room.disconnect()

    # The professor's monitor: whispers and broadcasts are stored and spoken.
    monitor, _, _ = await ws_connect(
        f"/ws/classrooms/{world.session.public_id}/monitor/", world.user("professor_owner")
    )
    room_id = str(world.room1.public_id)
    problems += await _hostile(
        monitor,
        [
            json.dumps({"type": "room.whisper", "room": room_id, "text": NUL}),
            json.dumps({"type": "room.whisper", "room": room_id, "text": SURROGATE}),
            json.dumps({"type": "session.broadcast", "text": SURROGATE}),
            json.dumps({"type": "session.broadcast", "text": NUL}),
            json.dumps({"type": "room.say", "room": room_id, "text": SURROGATE + NUL}),
        ],
        record,
        "monitor",
    )
    await monitor.disconnect()

    # The interview: typed answers are stored; the duration feeds the pace metrics.
    alice = world.user("candidate_owner")
    comm, _, _ = await ws_connect(f"/ws/interviews/{world.interview_live.public_id}/", alice)
    driver = Driver(comm)
    await driver.start()
    await driver.send({"type": "question.next"})
    await driver.ask_and_listen()
    problems += await _hostile(
        comm,
        [
            json.dumps({"type": "answer.text", "text": NUL}),
            json.dumps({"type": "answer.text", "text": SURROGATE}),
            json.dumps({"type": "answer.text", "text": CONTROL}),
            json.dumps({"type": "answer.caption", "text": SURROGATE, "final": True}),
            _raw({"type": "avatar.speak_ended", "task_id": "t"}, duration=BIG_INT),
            _raw({"type": "answer.finish"}, duration=BIG_INT),
            _raw({"type": "answer.finish"}, duration="NaN"),
        ],
        record,
        "interview",
    )
    await comm.disconnect()

    lines = [t async for t in RoomTranscriptLine.objects.values_list("text", flat=True)]
    whispers = [w async for w in BreakoutRoom.objects.values_list("whisper", flat=True)]
    answers = [t async for t in Attempt.objects.values_list("transcript", flat=True)]
    seconds = [
        s
        async for s in BreakoutRoom.objects.filter(avatar_session__isnull=False).values_list(
            "avatar_session__seconds_spoken", flat=True
        )
    ]
    dirty = _stored_text_is_clean(lines + whispers + answers)
    record(
        "websocket hostile values",
        "stored text has no NUL or lone surrogate",
        "-",
        "clean",
        "clean" if not dirty else f"{len(dirty)} dirty",
        passed=not dirty,
    )
    finite = all(s is None or (s == s and abs(s) < 1e9 and s >= 0) for s in seconds)
    record(
        "websocket hostile values",
        "avatar seconds stay finite",
        "-",
        "finite",
        "finite" if finite else str(seconds),
        passed=finite,
    )
    assert problems == []
    assert dirty == []
    assert finite
