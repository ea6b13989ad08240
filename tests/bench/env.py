"""The benchmark environment: its own database, the fake provider server, daphne processes,
Redis detection, logged-in WebSocket clients and process measurements (RSS, CPU).

Everything runs on loopback. The bench process itself is configured (environment variables set
before `django.setup()`) exactly like the daphne processes it starts, so both share the database
and talk to the same fake provider server.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

from tests.bench.core import ROOT

VAR = ROOT / "var"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_log(name: str, port: int) -> Path:
    """Where a server subprocess writes its stderr. A file, never an unread pipe: a full pipe
    (about 64 KiB of log lines) would block the server mid-benchmark."""
    folder = ROOT / "var" / "bench-logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}-{port}.log"


def wait_http(
    url: str, process: subprocess.Popen[bytes] | None, timeout: float = 60, log: Path | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            if process is not None and process.poll() is not None:
                err = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
                raise RuntimeError(f"{url}: the server exited: {err}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {timeout:.0f} s") from None
            time.sleep(0.1)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# --- Process measurements -----------------------------------------------------------------


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    try:
        return ", ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"


# --- Redis --------------------------------------------------------------------------------


def redis_url() -> str | None:
    """REDIS_URL if set, else a local Redis on the default port if one answers, else None."""
    url = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL") or ""
    candidate = url or "redis://127.0.0.1:6379/0"
    parsed = urlparse(candidate)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 1):
            pass
    except OSError:
        return None
    try:
        import redis

        redis.Redis.from_url(candidate, socket_timeout=2).ping()
    except Exception:
        return None
    return candidate


# --- The fake provider server -----------------------------------------------------------------


class FakeServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = server_log("fake", self.port)
        with self.log.open("wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.fakes", "--port", str(self.port)],
                cwd=ROOT,
                env={**os.environ, "DJANGO_READ_DOT_ENV_FILE": "false"},
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        wait_http(self.url + "/_control/state", self.process, log=self.log)
        self.http = httpx.Client(base_url=self.url, timeout=30)

    def knobs(self, values: dict[str, Any]) -> None:
        self.http.post("/_control/knobs", json=values).raise_for_status()

    def reset(self) -> None:
        self.http.post("/_control/reset").raise_for_status()

    def state(self) -> dict[str, Any]:
        return self.http.get("/_control/state").json()

    def emits(self) -> list[dict[str, Any]]:
        return self.http.get("/_control/emits").json()["emits"]

    def stop(self) -> None:
        self.http.close()
        stop_process(self.process)


def provider_env(fake_url: str) -> dict[str, str]:
    return {
        "AVATAR_PROVIDER": "heygen",
        "HEYGEN_API_KEY": "bench",
        "HEYGEN_BASE_URL": fake_url + "/heygen",
        "AVATAR_DEFAULT_ID": "Ann_Therapist_public",
        "TRANSCRIBER": "deepgram",
        "DEEPGRAM_API_KEY": "bench",
        "DEEPGRAM_BASE_URL": fake_url + "/deepgram",
        "LLM_PROVIDER": "openai",
        "OPENAI_API_KEY": "bench",
        "OPENAI_BASE_URL": fake_url + "/openai/v1",
        "MEETING_PROVIDER": "local",
    }


def base_env(*, database_url: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_ENV": "development",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "AVATAR_MAX_CONCURRENT": "25",
        "AVATAR_BACKGROUND_LOOPS": "false",
        "CLASS_MAX_ROOMS": "200",
        "PROVIDER_TIMEOUT": "15",
        "RATE_LIMIT_INTERVIEW_START": "100000/3600",
        "RATE_LIMIT_CLASS_SESSION_START": "100000/3600",
        "RATE_LIMIT_FEEDBACK_REQUEST": "100000/3600",
        "RATE_LIMIT_QUESTION_GENERATE": "100000/3600",
        "RATE_LIMIT_TUTOR_REPLY": "100000/3600",
        # The bench drives sockets far faster than people: the limiter still runs, never refuses.
        **{
            f"RATE_LIMIT_WS_{kind}{shared}": "100000 per second"
            for kind in ("LINE", "CAPTION", "ACTION", "SIGNAL", "AUDIO", "PROFESSOR", "INTERVIEW")
            for shared in ("", "_SHARED")
        },
    }


def fresh_database(database_url: str) -> None:
    """Delete an SQLite bench database (a fresh one is migrated after django.setup())."""
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(path) + suffix).unlink()


def migrate(database_url: str) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if not database_url.startswith("sqlite"):
        call_command("flush", verbosity=0, interactive=False)


# --- daphne processes ----------------------------------------------------------------------


class Daphne:
    """One daphne process serving config.asgi:application with the bench environment plus
    `extra` variables (e.g. REDIS_URL and a private channel prefix)."""

    def __init__(self, extra: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        env = {**os.environ, **(extra or {})}
        for key, value in (extra or {}).items():
            if value == "":
                env.pop(key, None)
        daphne = shutil.which("daphne", path=str(Path(sys.executable).parent)) or "daphne"
        self.log = server_log("daphne", self.port)
        with self.log.open("wb") as stderr:
            self.process = subprocess.Popen(
                [daphne, "-b", "127.0.0.1", "-p", str(self.port), "config.asgi:application"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        wait_http(self.url + "/accounts/login/", self.process, log=self.log)

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        stop_process(self.process)


@contextlib.contextmanager
def daphnes(count: int, extra: dict[str, str] | None = None) -> Iterator[list[Daphne]]:
    started: list[Daphne] = []
    try:
        for _ in range(count):
            started.append(Daphne(extra))
        yield started
    finally:
        for d in started:
            d.stop()


def redis_extra(url: str) -> dict[str, str]:
    return {"REDIS_URL": url, "CHANNEL_LAYER_PREFIX": f"mbbench{uuid.uuid4().hex[:10]}"}


# --- Logged-in WebSocket clients ------------------------------------------------------------


def session_cookie(user: Any) -> str:
    """A real session for `user` in the bench database (shared with the daphne processes)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def ws_connect(base: str, path: str, cookie: str) -> Any:
    from websockets.asyncio.client import connect

    origin = base.replace("ws://", "http://")
    return await connect(
        base + path,
        additional_headers={"Cookie": f"sessionid={cookie}"},
        origin=origin,  # type: ignore[arg-type]
        max_size=2**22,
        open_timeout=30,
        ping_interval=None,
    )


async def recv_until(ws: Any, predicate: Any, timeout: float = 30) -> dict[str, Any]:
    """Read JSON frames until one satisfies `predicate`; return it."""
    import asyncio

    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            if predicate(message):
                return message
