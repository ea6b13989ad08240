"""The loopback echo: the reference that relay latencies are divided by.

A bare WebSocket echo server in its own process (`python -m tests.bench.echo --port N`) and a
probe that sends it a small frame every 50 ms and times the round trip. The round trip crosses
loopback twice and one other Python process, like a caption (fake vendor -> daphne -> client),
so measured during the same window it carries the same machine load and scheduling delays;
what the relay adds beyond it is our own work.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import subprocess
import sys
import time

from tests.bench.core import ROOT
from tests.bench.env import free_port, server_log, stop_process

PROBE_INTERVAL = 0.05


async def _serve(port: int) -> None:
    from websockets.asyncio.server import serve

    async def echo(ws) -> None:  # type: ignore[no-untyped-def]
        async for message in ws:
            await ws.send(message)

    async with serve(echo, "127.0.0.1", port, ping_interval=None):
        await asyncio.Future()


class EchoServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"ws://127.0.0.1:{self.port}"
        self.log = server_log("echo", self.port)
        with self.log.open("wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.bench.echo", "--port", str(self.port)],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )

    async def probe(self, stop: asyncio.Event) -> list[float]:
        """Round trips (ms) of one small frame every 50 ms until `stop` is set."""
        from websockets.asyncio.client import connect

        deadline = time.monotonic() + 30
        while True:  # the server process may still be starting
            try:
                ws = await connect(self.url, ping_interval=None, open_timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the echo server did not start") from None
                await asyncio.sleep(0.1)
        samples: list[float] = []
        try:
            while not stop.is_set():
                t0 = time.perf_counter()
                await ws.send(b"x" * 200)
                await ws.recv()
                samples.append((time.perf_counter() - t0) * 1000)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(PROBE_INTERVAL):
                        await stop.wait()
        finally:
            await ws.close()
        return samples

    def stop(self) -> None:
        stop_process(self.process)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m tests.bench.echo")
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(_serve(parser.parse_args().port))
