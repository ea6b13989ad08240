"""Scenario 3, caption relay overhead: 50 interview sockets stream 250 ms audio chunks in real
time through our consumer to the fake Deepgram live socket. Added latency per caption = caption
received by the client - result emitted by the fake (the fake stamps each result it sends, with
the tag of the audio frame that caused it; client and fake share the machine's clock).
Setups: one daphne process with the in-memory layer; two daphne processes with Redis (sockets
split between them). The figure with a target is the p95 over the p95 of a loopback echo
probed during the same window (tests/bench/echo.py). Also reported: daphne CPU per stream, and word spoken -> caption shown
against the naive way (transcribing the recorded answer once it ends)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tests.bench.clients import chunk, close_all, make_candidates, open_listening
from tests.bench.core import Context, Figure, percentile
from tests.bench.echo import EchoServer
from tests.bench.env import cpu_seconds, daphnes, redis_extra

NAME = "3. Caption relay"
CHUNK_SECONDS = 0.25
STAGGER = 2.0  # seconds over which the sockets start streaming
WORDS = 4000
# Caption relay p95 over the loopback echo's p95 in the same window (provisional, see notes).
MEMORY_RATIO = 10.0
REDIS_RATIO = 20.0
KNOBS = {
    "deepgram.live": {
        "emit_log": True,
        "utterances": [" ".join(f"w{i}" for i in range(WORDS))],  # never ends during a run
        "final_every": 6,
        "idle_close": 60,
    }
}


async def _stream(
    bases: list[str],
    people: list[tuple[Any, str, str]],
    chunks: int,
    pids: list[int],
    echo: EchoServer,
) -> dict[str, Any]:
    listeners = []
    for i in range(0, len(people), 10):  # open in small batches, like pages loading
        batch = people[i : i + 10]
        listeners += await asyncio.gather(
            *(
                open_listening(bases[(i + j) % len(bases)], cookie, public_id, f"s{i + j}")
                for j, (_, cookie, public_id) in enumerate(batch)
            )
        )
    sent: dict[tuple[str, int], float] = {}
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.5

    async def speak(index: int, listener: Any) -> None:
        # Candidates start answering at different moments (spread over 2 s, and over the
        # 250 ms of a chunk), as in a real class; all at once would measure 50 transcriber
        # handshakes in the same instant instead of the relay.
        offset = STAGGER * index / len(listeners)
        for k in range(chunks):
            await asyncio.sleep(max(0.0, start + offset + k * CHUNK_SECONDS - loop.time()))
            sent[(listener.tag, k)] = time.time()
            await listener.ws.send(chunk(listener.tag, k))

    cpu0 = sum(cpu_seconds(pid) for pid in pids)
    t0 = time.monotonic()
    stop = asyncio.Event()
    probe = asyncio.create_task(echo.probe(stop))
    await asyncio.gather(*(speak(i, lis) for i, lis in enumerate(listeners)))
    window = time.monotonic() - t0
    stop.set()
    echo_ms = await probe
    cpu = sum(cpu_seconds(pid) for pid in pids) - cpu0
    await asyncio.sleep(1.0)  # the last captions
    await close_all(listeners)
    return {
        "listeners": listeners,
        "sent": sent,
        "cpu": cpu,
        "window": window,
        "echo": echo_ms,
    }


def _match(
    result: dict[str, Any], emits: list[dict[str, Any]]
) -> tuple[list[float], list[float], list[float], int]:
    """(added latency ms per caption, the same for final captions, word spoken -> caption ms
    for interims, unmatched captions)."""
    emitted: dict[tuple[str, str, bool], float] = {}
    for e in emits:
        socket_tag = e["tag"].rsplit("c", 1)[0]
        emitted.setdefault((socket_tag, e["last"], e["final"]), e["t"])
    added: list[float] = []
    finals: list[float] = []
    spoken: list[float] = []
    unmatched = 0
    for listener in result["listeners"]:
        for received, final, text in listener.captions:
            last = text.split()[-1] if text.split() else ""
            t_emit = emitted.get((listener.tag, last, final))
            if t_emit is None:
                unmatched += 1
                continue
            added.append((received - t_emit) * 1000)
            if final:
                finals.append(added[-1])
            if not final and last[1:].isdigit():
                t_sent = result["sent"].get((listener.tag, int(last[1:])))
                if t_sent is not None:
                    spoken.append((received - t_sent) * 1000)
    return added, finals, spoken, unmatched


async def _naive_roundtrip(audio: bytes) -> float:
    from avatars.providers.registry import get_transcriber

    transcriber = get_transcriber()
    t0 = time.perf_counter()
    await transcriber.transcribe(audio, mimetype="audio/webm")
    return time.perf_counter() - t0


def run(ctx: Context) -> None:
    sockets = 3 if ctx.smoke else 50
    chunks = 8 if ctx.smoke else 60
    local_avatar = {"AVATAR_PROVIDER": "local", "REDIS_URL": ""}
    setups: list[tuple[str, int, dict[str, str], float]] = [
        ("in-memory layer, 1 daphne", 1, local_avatar, MEMORY_RATIO),
    ]
    if ctx.redis:  # type: ignore[attr-defined]
        extra = {**local_avatar, **redis_extra(ctx.redis)}  # type: ignore[attr-defined]
        setups.append(("Redis layer, 2 daphnes", 2, extra, REDIS_RATIO))
    else:
        ctx.add(Figure(NAME, "Redis layer, 2 daphnes", note="skipped: no Redis"))

    spoken_ours: list[float] = []
    echo = EchoServer()
    try:
        for setup in setups:
            spoken = _run_setup(ctx, setup, sockets, chunks, echo)
            if setup[1] == 1:
                spoken_ours = spoken
    finally:
        echo.stop()
    _naive(ctx, chunks, spoken_ours)


def _run_setup(
    ctx: Context,
    setup: tuple[str, int, dict[str, str], float],
    sockets: int,
    chunks: int,
    echo: EchoServer,
) -> list[float]:
    """One setup's rows; returns word spoken -> caption shown (ms) for the naive comparison."""
    fake = ctx.fake  # type: ignore[attr-defined]
    label, count, extra, limit = setup
    fake.reset()
    fake.knobs(KNOBS)
    people = make_candidates(sockets)
    with daphnes(count, extra) as servers:
        bases = [d.ws_url for d in servers]
        result = asyncio.run(_stream(bases, people, chunks, [d.pid for d in servers], echo))
    added, finals, spoken, unmatched = _match(result, fake.emits())
    if not added:
        raise RuntimeError(f"{label}: no caption could be matched to a fake result")
    echo_p95 = percentile(result["echo"], 95)
    ratio = percentile(added, 95) / echo_p95
    ctx.add(
        Figure(
            NAME,
            f"caption relay p95 / loopback echo p95, {label}",
            [ratio],
            unit="ratio",
            target=f"<= {limit:.0f}",
        ).check(ratio <= limit)
    )
    note = f"{sockets} sockets x {chunks} chunks"
    if unmatched:
        note += f", {unmatched} captions unmatched"
    ctx.add(Figure(NAME, f"added latency per caption, {label}", added, note=note))
    ctx.add(
        Figure(
            NAME,
            f"  reference: loopback echo round trip during the stream, {label}",
            result["echo"],
        )
    )
    ctx.add(
        Figure(NAME, f"  of which final captions (saved before they are sent), {label}", finals)
    )
    cpu_pct = result["cpu"] / result["window"] / sockets * 100
    ctx.add(
        Figure(NAME, f"daphne CPU per stream, {label}", [cpu_pct], unit="%", note="% of one core")
    )
    return spoken


def _naive(ctx: Context, chunks: int, spoken_ours: list[float]) -> None:
    """The prototypes transcribed the recorded answer after it ended."""
    roundtrip = asyncio.run(_naive_roundtrip(b"".join(chunk("n", k) for k in range(chunks))))
    naive = [((chunks - 1 - k) * CHUNK_SECONDS + roundtrip) * 1000 for k in range(chunks)]
    ctx.add(Figure(NAME, "word spoken -> caption shown, ours (in-memory)", spoken_ours))
    ctx.add(
        Figure(
            NAME,
            "naive: transcribe the answer after it ends",
            naive,
            note=f"{chunks * CHUNK_SECONDS:.0f} s answer",
        )
    )
    if spoken_ours:
        ratio = sorted(spoken_ours)[len(spoken_ours) // 2] / sorted(naive)[len(naive) // 2]
        ctx.add(Figure(NAME, "ours / naive (medians)", [ratio], unit="ratio"))
