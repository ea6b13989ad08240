"""Two `manage.py run_background` workers on one database never double-start or double-stop.

Each worker is a real process (its own event loop, its own memory) on the test database,
talking to the fake vendor server. The test only writes the wanted state (a class session in
`starting`, later an overdue start time), as the web process would; both workers race to do
the work, and the vendor's request log shows every avatar started once and stopped once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from avatars.models import AvatarSession, AvatarSessionEvent
from classrooms import services as classes
from classrooms.models import BreakoutRoom, BreakoutRoomEvent, ClassSession, ClassSessionEvent
from tests import factories
from tests.conftest import FAKE_KEYS, FakeProviders
from tests.reliability.test_crash_recovery import database_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ROOMS = 6
MEETING_LATENCY = 6.0  # seconds: room for the second worker to boot and race the first


class Worker:
    def __init__(self, fake: FakeProviders, **env: str) -> None:
        self.log = tempfile.NamedTemporaryFile(prefix="mb-worker-", suffix=".log", delete=False)  # noqa: SIM115
        connections.close_all()  # SQLite: no open transaction of ours in the worker's way
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run_background"],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
                "DJANGO_READ_DOT_ENV_FILE": "false",
                "DATABASE_URL": database_url(),
                **FAKE_KEYS,
                "HEYGEN_BASE_URL": fake.url + "/heygen",
                "PROVIDER_TIMEOUT": "5",
                "PROVIDER_MAX_RETRIES": "1",
                **env,
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def wait_running(self) -> None:
        deadline = time.monotonic() + 40
        while "run_background: running" not in self.output():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{self.output()[-3000:]}")
            time.sleep(0.1)

    def terminate(self) -> int:
        """SIGTERM, as a process manager stops it; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return -9

    def cleanup(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


@pytest.fixture
def workers() -> Iterator[Callable[..., Worker]]:
    started: list[Worker] = []

    def start(fake: FakeProviders, **env: str) -> Worker:
        worker = Worker(fake, **env)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.cleanup()


def eventually(check: Callable[[], Any], timeout: float = 40, step: float = 0.3) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met in {timeout} s")
        time.sleep(step)


def vendor_calls(fake: FakeProviders, endpoint: str, vendor: str = "heygen") -> Counter[str]:
    """Calls to a vendor endpoint per HeyGen session id (other calls: one key per call)."""
    log = [e for e in fake.state()["log"] if e["vendor"] == vendor and e["endpoint"] == endpoint]
    if endpoint != "stop":
        return Counter(str(i) for i, _ in enumerate(log))
    return Counter((e.get("body") or {}).get("session_id", "") for e in log)


def test_two_workers_start_and_stop_every_avatar_exactly_once(
    fake_providers: FakeProviders, settings: Any, professor: Any, workers: Any
) -> None:
    # A class on Zoom needs a server-side transcriber (its tutor bots hear through it).
    fake_providers.configure(settings, avatar="heygen", transcriber="deepgram")
    # The Zoom meeting takes a while: the worker that claimed it is inside that call while the
    # other one (its claim refused) goes on to deploy the rooms. Slow vendor stops keep one
    # worker's stops in flight while the other's reaper looks at the same sessions.
    fake_providers.knobs(
        zoom_create_meeting={"latency": MEETING_LATENCY},
        heygen_start={"latency": 0.5},
        heygen_stop={"latency": 1.5},
    )
    env = {
        "AVATAR_PROVIDER": "heygen",
        "AVATAR_DEFAULT_ID": settings.AVATAR_DEFAULT_ID,
        "ZOOM_ACCOUNT_ID": "fake-zoom-account",
        "ZOOM_CLIENT_ID": "fake-zoom-client",
        "ZOOM_API_BASE_URL": fake_providers.url + "/zoom/v2",
        "ZOOM_OAUTH_URL": fake_providers.url + "/zoom/oauth/token",
        "BACKGROUND_PICKUP_INTERVAL": "0.2",
        "AVATAR_REAPER_INTERVAL": "1",
        "PROVIDER_TIMEOUT": str(MEETING_LATENCY + 4),  # the slow meeting call must succeed
    }
    # The web process's part of a class start: the session row in `starting`, nothing else.
    # Both workers find it when they start (resume) and race to launch it.
    course = factories.make_course(professor, students=ROOMS, title="Two workers")
    session = classes.class_session_create(
        professor=professor,
        course=course,
        student_ids=list(course.students.values_list("pk", flat=True)),
        meeting_provider="zoom",
    )
    pair = [workers(fake_providers, **env), workers(fake_providers, **env)]
    for worker in pair:
        worker.wait_running()

    def all_active() -> bool:
        statuses = set(
            BreakoutRoom.objects.filter(session=session).values_list("status", flat=True)
        )
        return statuses == {BreakoutRoom.Status.ACTIVE}

    try:
        eventually(all_active)
    except AssertionError:
        raise AssertionError("\n".join(w.output()[-3000:] for w in pair)) from None
    live = AvatarSession.objects.filter(status__in=AvatarSession.LIVE_STATUSES)
    assert live.count() == ROOMS  # one avatar per room, no spare one started by the other worker
    assert sum(vendor_calls(fake_providers, "new").values()) == ROOMS

    def meeting_stored() -> bool:
        session.refresh_from_db()
        return session.meeting_id not in ("", classes.MEETING_CREATING)

    eventually(meeting_stored)
    assert sum(vendor_calls(fake_providers, "create_meeting", "zoom").values()) == 1
    assert fake_providers.state()["open_sessions"]["heygen"] == ROOMS
    # The race really happened: rooms were claimed while the meeting was still being created
    # (by the other worker, since a launch creates the meeting before it deploys).
    meeting_asked = next(
        e["at"] for e in fake_providers.state()["log"] if e["endpoint"] == "create_meeting"
    )
    first_claim = (
        BreakoutRoomEvent.objects.filter(
            room__session=session, to_status=BreakoutRoom.Status.DEPLOYING
        )
        .earliest("created_at")
        .created_at.timestamp()
    )
    assert first_claim < meeting_asked + MEETING_LATENCY

    # Every page closed: both workers' reapers find the same abandoned avatars at once.
    AvatarSession.objects.update(
        last_heartbeat_at=timezone.now() - timedelta(seconds=settings.AVATAR_HEARTBEAT_TIMEOUT + 60)
    )
    try:
        eventually(lambda: not live.exists())
    except AssertionError:
        raise AssertionError("\n".join(w.output()[-3000:] for w in pair)) from None
    stops = vendor_calls(fake_providers, "stop")
    vendor_ids = set(AvatarSession.objects.values_list("provider_session_id", flat=True))
    assert set(stops) == vendor_ids
    assert set(stops.values()) == {1}  # nobody stopped a session the other was stopping
    assert fake_providers.state()["open_sessions"]["heygen"] == 0
    moves = Counter(AvatarSessionEvent.objects.values_list("session_id", "to_status"))
    for avatar in AvatarSession.objects.all():
        assert moves[(avatar.pk, AvatarSession.Status.STARTING)] == 1
        assert moves[(avatar.pk, AvatarSession.Status.STOPPING)] == 1
        assert moves[(avatar.pk, AvatarSession.Status.ENDED)] == 1

    # Past its maximum duration: both workers' class reapers end it, once.
    ClassSession.objects.filter(pk=session.pk).update(
        started_at=timezone.now() - timedelta(seconds=settings.CLASS_SESSION_MAX_DURATION + 60)
    )

    def ended() -> bool:
        session.refresh_from_db()
        return session.status == ClassSession.Status.ENDED

    eventually(ended)
    ended_events = ClassSessionEvent.objects.filter(
        session=session, to_status=ClassSession.Status.ENDED
    )
    assert ended_events.count() == 1
    assert sum(vendor_calls(fake_providers, "end_meeting", "zoom").values()) >= 1

    # SIGTERM: each worker cancels its loops and exits cleanly.
    for worker in pair:
        assert worker.terminate() == 0, worker.output()[-3000:]
        assert "run_background: stopped" in worker.output()


def test_a_web_process_starts_its_loops_with_the_first_request_and_stops_them_on_sigterm(
    fake_providers: FakeProviders,
) -> None:
    import httpx

    from tests.conftest import _free_port

    port = _free_port()
    log = tempfile.NamedTemporaryFile(prefix="mb-web-", suffix=".log", delete=False)  # noqa: SIM115
    connections.close_all()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "config.asgi:application",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DJANGO_READ_DOT_ENV_FILE": "false",
            "DATABASE_URL": database_url(),
            "AVATAR_BACKGROUND_LOOPS": "true",
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def output() -> str:
        return Path(log.name).read_text(errors="replace")

    try:

        def served() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=1).is_success
            except httpx.HTTPError:
                assert process.poll() is None, output()[-3000:]
                return False

        eventually(served)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0, output()[-3000:]
        # The loops (reaper, keep-alives, class reap, pickup) were running and were cancelled.
        assert "background work stopped (" in output(), output()[-3000:]
        assert "background work stopped (0 tasks" not in output()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        log.close()
        Path(log.name).unlink(missing_ok=True)
