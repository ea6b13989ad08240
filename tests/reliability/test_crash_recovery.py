"""Crash recovery: a server process is killed with SIGKILL in the middle of work, a new one
takes over, and nothing is lost or left running at the vendor.

Each server is a separate `python -m daphne` process on the test database (SQLite file or
PostgreSQL test database, passed as DATABASE_URL), talking to the fake vendors; the test drives
it over loopback with a real WebSocket client (`websockets`), as a browser would.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from asgiref.sync import sync_to_async
from django.db import connection, connections
from django.test import Client
from websockets.asyncio.client import ClientConnection, connect

from avatars.models import AvatarSession
from classrooms import services as classes
from classrooms.models import BreakoutRoom, ClassSession
from interviews.models import Attempt, MockInterview
from tests import factories
from tests.conftest import FAKE_KEYS, FakeProviders, _free_port
from tests.interviews.conftest import create_interview

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CHUNK = b"\x1a\x45\xdf\xa3" + b"\x00" * 400
ROOMS = 30
DAPHNE = (sys.executable, "-m", "daphne", "-b", "127.0.0.1")


def database_url() -> str:
    """The test database as a DATABASE_URL a child process can open."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    user = quote(s.get("USER") or "", safe="")
    password = quote(s.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}{port}/{s['NAME']}"


class Server:
    """One daphne process serving the product (its own event loop, its own memory)."""

    def __init__(self, fake: FakeProviders, **env: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="mb-child-", suffix=".log", delete=False)  # noqa: SIM115
        child_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DJANGO_READ_DOT_ENV_FILE": "false",
            "DATABASE_URL": database_url(),
            **FAKE_KEYS,
            "HEYGEN_BASE_URL": fake.url + "/heygen",
            "DEEPGRAM_BASE_URL": fake.url + "/deepgram",
            "OPENAI_BASE_URL": fake.url + "/openai/v1",
            "LLM_PROVIDER": "local",
            "PROVIDER_TIMEOUT": "5",
            "PROVIDER_MAX_RETRIES": "1",
            **env,
        }
        connections.close_all()  # SQLite: no open transaction of ours in the child's way
        self.process = subprocess.Popen(
            [*DAPHNE, "-p", str(self.port), "config.asgi:application"],
            cwd=ROOT,
            env=child_env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 40
        while True:
            try:
                httpx.get(self.url + "/accounts/login/", timeout=1, trust_env=False)
                break
            except httpx.HTTPError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"daphne did not start: {self.output()[-3000:]}") from None
                time.sleep(0.1)

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, tasks and sockets die mid-flight."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


@pytest.fixture
def servers() -> Iterator[Callable[..., Any]]:
    started: list[Server] = []

    async def start(fake: FakeProviders, **env: str) -> Server:
        # In the ORM's thread: it closes that thread's connection before the child writes.
        server = await sync_to_async(Server)(fake, **env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def session_cookie(user: Any) -> str:
    client = Client()
    client.force_login(getattr(user, "user", user))
    return client.cookies["sessionid"].value


async def open_socket(server: Server, path: str, cookie: str) -> ClientConnection:
    return await connect(
        f"ws://127.0.0.1:{server.port}{path}",
        origin=server.url,  # type: ignore[arg-type]
        additional_headers={"Cookie": f"sessionid={cookie}"},
        proxy=None,
        open_timeout=10,
    )


async def receive_until(
    ws: ClientConnection, pred: Callable[[dict[str, Any]], bool], timeout: float = 15
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise AssertionError("the expected message did not arrive")
        async with asyncio.timeout(remaining):
            message = json.loads(await ws.recv())
        if pred(message):
            return message


async def eventually(check: Callable[[], Any], timeout: float = 30, step: float = 0.2) -> Any:
    """Poll `check()` (sync, run in a thread) until it returns a truthy value."""
    deadline = time.monotonic() + timeout
    while True:
        value = await sync_to_async(check)()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met in {timeout} s")
        await asyncio.sleep(step)


# --- A 30-room class, killed mid-start ----------------------------------------------------


def _thirty_rooms(professor: Any) -> ClassSession:
    course = factories.make_course(professor, students=ROOMS, title="Crash lecture")
    return classes.class_session_create(
        professor=professor,
        course=course,
        student_ids=list(course.students.values_list("pk", flat=True)),
    )


def _room_counts(session: ClassSession) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in BreakoutRoom.objects.filter(session=session).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


async def test_class_start_killed_mid_start_resumes_without_leaks(
    fake_providers: FakeProviders, settings: Any, professor: Any, servers: Any, cell: Any
) -> None:
    row = cell(
        area="crash recovery",
        case=f"{ROOMS}-room class start, server SIGKILLed while avatar starts are in flight",
        persona="professor",
        expected=(
            "a new process resumes the session; every room ends active or error; vendor open "
            "sessions == active rooms; 0 after the class ends"
        ),
    )
    fake_providers.configure(settings, avatar="heygen")
    # Every start hangs at the vendor for a while: the kill lands while they are in flight.
    fake_providers.knobs(heygen_start={"latency": 4.0})
    session = await sync_to_async(_thirty_rooms)(professor)
    cookie = await sync_to_async(session_cookie)(professor)
    env = {
        "AVATAR_PROVIDER": "heygen",
        "AVATAR_DEFAULT_ID": settings.AVATAR_DEFAULT_ID,
        "CLASS_DEPLOY_STALE_SECONDS": "1",
    }
    first = await servers(fake_providers, **env)
    monitor = await open_socket(first, f"/ws/classrooms/{session.public_id}/monitor/", cookie)
    await receive_until(monitor, lambda m: m["type"] == "snapshot")  # connect drives the start

    def vendor_sessions() -> int:
        return len(fake_providers.state()["sessions"]["heygen"])

    await eventually(lambda: vendor_sessions() >= 20, timeout=30)
    first.kill()
    await monitor.close()
    at_kill = await sync_to_async(_room_counts)(session)
    leaked_at_kill = fake_providers.state()["open_sessions"]["heygen"]
    assert at_kill.get("deploying", 0) >= 20  # the kill really landed mid-start
    assert leaked_at_kill >= 20

    # A new process starts; the professor's monitor reconnects to it. Its first socket starts
    # the resume (rooms left deploying are retried) and the reaper (vendor sessions that no
    # live row owns are stopped).
    fake_providers.knobs(heygen_start={"latency": None})
    second = await servers(
        fake_providers,
        **env,
        AVATAR_BACKGROUND_LOOPS="true",
        AVATAR_REAPER_INTERVAL="1",
        AVATAR_KEEPALIVE_INTERVAL="10",
    )
    monitor = await open_socket(second, f"/ws/classrooms/{session.public_id}/monitor/", cookie)
    await receive_until(monitor, lambda m: m["type"] == "snapshot")

    seen: dict[str, Any] = {}

    def settled() -> dict[str, int] | None:
        session.refresh_from_db()
        counts = _room_counts(session)
        seen.update(
            session=session.status,
            rooms=counts,
            vendor_open=fake_providers.state()["open_sessions"]["heygen"],
        )
        if session.status != ClassSession.Status.LIVE:
            return None
        if set(counts) - {"active", "error"}:
            return None
        if fake_providers.state()["open_sessions"]["heygen"] != counts.get("active", 0):
            return None  # the reaper has not stopped the dead process's sessions yet
        return counts

    try:
        counts = await eventually(settled, timeout=40, step=0.5)
    except AssertionError:
        raise AssertionError(f"not settled: {seen}\n{second.output()[-4000:]}") from None
    assert counts == {"active": ROOMS}
    live_rows = await AvatarSession.objects.filter(status__in=AvatarSession.LIVE_STATUSES).acount()
    assert live_rows == ROOMS  # one live avatar per room, nothing half-started left

    await monitor.send(json.dumps({"type": "session.end"}))
    ended = await receive_until(monitor, lambda m: m["type"] == "session.ended", timeout=30)
    await monitor.close()
    vendor_open = fake_providers.state()["open_sessions"]["heygen"]
    row.actual = (
        f"at kill: rooms {at_kill}, vendor open {leaked_at_kill}; after restart: rooms "
        f"{counts}, vendor open {counts.get('active', 0)}; after end: "
        f"{ended['summary']['avatars_stopped']} stopped, vendor open {vendor_open}"
    )
    assert ended["summary"]["failures"] == []
    assert vendor_open == 0


# --- An interview, killed mid-answer --------------------------------------------------------


async def test_interview_killed_mid_answer_keeps_final_segments(
    fake_providers: FakeProviders,
    settings: Any,
    candidate: Any,
    bank: Any,
    servers: Any,
    cell: Any,
) -> None:
    row = cell(
        area="crash recovery",
        case="interview server SIGKILLed mid-answer (live Deepgram captions)",
        persona="candidate",
        expected=(
            "after reconnecting to a new process, every final segment received before the "
            "kill is in the answer; the answer can be finished; no vendor socket left open"
        ),
    )
    fake_providers.configure(settings, transcriber="deepgram")
    fake_providers.knobs(
        deepgram_live={
            "utterances": [
                "I moved our nightly batch to streaming and cut the delay from hours to minutes"
            ]
        }
    )
    interview = await sync_to_async(create_interview)(candidate, count=1)
    cookie = await sync_to_async(session_cookie)(candidate)
    env = {"TRANSCRIBER": "deepgram", "AVATAR_PROVIDER": "local", "INTERVIEW_MAX_FOLLOWUPS": "0"}
    path = f"/ws/interviews/{interview.public_id}/"

    first = await servers(fake_providers, **env)
    ws = await open_socket(first, path, cookie)
    await ws.send(json.dumps({"type": "hello"}))
    await receive_until(ws, lambda m: m["type"] == "avatar.connection" and m["status"] == "ready")
    await ws.send(json.dumps({"type": "question.next"}))
    speak = await receive_until(ws, lambda m: m["type"] == "avatar.speak")
    await ws.send(json.dumps({"type": "avatar.speak_ended", "task_id": speak["task_id"]}))
    await receive_until(ws, lambda m: m["type"] == "state" and m["state"] == "listening")
    finals: list[str] = []
    for _ in range(14):  # two finals of six words, then two words still interim
        await ws.send(CHUNK)
    while len(finals) < 2:
        caption = await receive_until(ws, lambda m: m["type"] == "caption" and m["final"])
        finals.append(caption["text"])
    first.kill()  # mid-answer: nothing flushes, nothing says goodbye
    await ws.close()

    second = await servers(fake_providers, **env)
    ws = await open_socket(second, path, cookie)
    await ws.send(json.dumps({"type": "hello"}))
    resumed = await receive_until(ws, lambda m: m["type"] == "state" and m["attempt"])
    assert resumed["state"] == MockInterview.Status.LISTENING  # the answer is still open
    kept = resumed["attempt"]["transcript"]
    assert kept == " ".join(finals), f"lost finals; first server said:\n{first.output()[-3000:]}"

    await ws.send(json.dumps({"type": "answer.text", "text": "That saved the team a day a week."}))
    await receive_until(ws, lambda m: m["type"] == "caption" and m["final"])
    await ws.send(json.dumps({"type": "answer.finish", "duration": 20}))
    result = await receive_until(ws, lambda m: m["type"] == "feedback.final")
    await ws.close()
    transcript = result["attempt"]["transcript"]
    assert transcript.startswith(" ".join(finals))
    assert result["attempt"]["status"] == Attempt.Status.SCORED
    sockets = fake_providers.state()["open_sessions"]["deepgram"]
    row.actual = (
        f"{len(finals)} finals before the kill, all present after reconnect "
        f"('{kept[:50]}…'); answer scored; vendor sockets open {sockets}"
    )
    assert sockets == 0
