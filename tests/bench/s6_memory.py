"""Scenario 6, memory: resident memory (RSS) of one daphne process per idle open interview
socket (connected, avatar session started at the fake HeyGen) and per live session (a socket
whose candidate is answering: the live Deepgram stream is open and audio flows). Measured as
the growth of the process's RSS divided by the number of sockets, after a warm-up connection
has loaded every module. No naive variant: the figure is informational."""

from __future__ import annotations

import asyncio
import time

from tests.bench.clients import chunk, close_all, make_candidates, open_idle, open_listening
from tests.bench.core import Context, Figure
from tests.bench.env import daphnes, rss_kib


async def _settle(pid: int) -> int:
    await asyncio.sleep(1.5)
    return rss_kib(pid)


def run(ctx: Context) -> None:
    fake = ctx.fake  # type: ignore[attr-defined]
    idle_count = 5 if ctx.smoke else 100
    live_count = 3 if ctx.smoke else 30
    fake.knobs({"deepgram.live": {"idle_close": 120}})
    people = make_candidates(1 + idle_count + live_count)
    warm, idle_people, live_people = (
        people[0],
        people[1 : 1 + idle_count],
        people[1 + idle_count :],
    )
    figures: dict[str, float] = {}
    with daphnes(1, {"REDIS_URL": ""}) as servers:
        server = servers[0]

        async def body() -> None:
            # Warm-up: load every module and client once (a full answer with audio).
            first = await open_listening(server.ws_url, warm[1], warm[2], "warm")
            for k in range(3):
                await first.ws.send(chunk("warm", k))
            await asyncio.sleep(0.5)
            await close_all([first])
            base = await _settle(server.pid)
            idle = []
            for i in range(0, len(idle_people), 10):
                idle += await asyncio.gather(
                    *(open_idle(server.ws_url, c, p) for _, c, p in idle_people[i : i + 10])
                )
            after_idle = await _settle(server.pid)
            live = []
            for i in range(0, len(live_people), 10):
                live += await asyncio.gather(
                    *(
                        open_listening(server.ws_url, c, p, f"m{i + j}")
                        for j, (_, c, p) in enumerate(live_people[i : i + 10])
                    )
                )
            for k in range(4):
                for listener in live:
                    await listener.ws.send(chunk(listener.tag, k))
                await asyncio.sleep(0.25)
            after_live = await _settle(server.pid)
            figures["base"] = base / 1024
            figures["idle"] = (after_idle - base) / len(idle)
            figures["live"] = (after_live - after_idle) / len(live) + figures["idle"]
            t0 = time.monotonic()
            await close_all(idle + live)
            figures["close_s"] = time.monotonic() - t0

        asyncio.run(body())
    name = "6. Memory"
    ctx.add(Figure(name, "daphne RSS after warm-up", [figures["base"]], unit="MiB"))
    ctx.add(
        Figure(
            name,
            "RSS per idle open interview socket",
            [figures["idle"]],
            unit="KiB",
            note=f"{idle_count} sockets, avatar started",
        )
    )
    ctx.add(
        Figure(
            name,
            "RSS per live session (socket + live transcriber stream)",
            [figures["live"]],
            unit="KiB",
            note=f"{live_count} sessions streaming audio",
        )
    )
