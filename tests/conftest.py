"""Shared test fixtures: the network guard, personas, WebSocket and browser harnesses."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from tests import factories

# --- Network guard ---------------------------------------------------------------------------

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str):
        return False
    if host in ("localhost", "", "testserver"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0]).is_loopback
    except ValueError:
        return False


def _check_address(sock: socket.socket, address: Any) -> None:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return
    host = address[0] if isinstance(address, tuple) else address
    if not _is_loopback(host):
        raise RuntimeError(f"Test tried to reach a non-loopback address: {address!r}")


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    _check_address(self, address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    _check_address(self, address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if host is not None and not _is_loopback(host):
        raise RuntimeError(f"Test tried to resolve a non-loopback host: {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that opens a connection to anything but loopback."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)


def _clear_own_cache() -> None:
    """Empty this run's cache. On Redis, `cache.clear()` is FLUSHDB: it would also empty the
    cache (rate limits, ...) of another test run sharing the server, so only this run's prefix
    (config/settings/test.py) is deleted."""
    from django.conf import settings
    from django.core.cache import cache

    config = settings.CACHES["default"]
    prefix = config.get("KEY_PREFIX")
    if not (prefix and config["BACKEND"].endswith("RedisCache")):
        cache.clear()
        return
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _clean_cache_and_providers() -> Iterator[None]:
    from avatars.providers.registry import reset_providers
    from config import ratelimit

    _clear_own_cache()
    ratelimit.reset()
    reset_providers()
    yield
    reset_providers()


# --- Personas --------------------------------------------------------------------------------


@pytest.fixture
def candidate(db: Any):
    return factories.make_user("alice")


@pytest.fixture
def other_candidate(db: Any):
    return factories.make_user("bob")


@pytest.fixture
def professor(db: Any):
    return factories.make_professor("prof_rivera")


@pytest.fixture
def other_professor(db: Any):
    return factories.make_professor("prof_other")


@pytest.fixture
def staff(db: Any):
    return factories.make_user("staffer", staff=True)


@pytest.fixture
def anonymous() -> None:
    return None


@pytest.fixture
def client_for(db: Any) -> Callable[[Any], Client]:
    """A test client logged in as the given user (or anonymous for None)."""

    def make(user: Any) -> Client:
        client = Client()
        if user is not None:
            client.force_login(getattr(user, "user", user))
        return client

    return make


# --- WebSockets --------------------------------------------------------------------------------


def _session_cookie(user: Any) -> str:
    client = Client()
    client.force_login(getattr(user, "user", user))
    return client.cookies["sessionid"].value


@pytest.fixture
def ws_connect() -> Callable[..., Any]:
    """Open a WebSocket through the full ASGI stack (origin check, auth middleware, routing).

    Returns (communicator, connected, close_code). Always `await communicator.disconnect()`.
    """
    from config.asgi import application

    async def connect(
        path: str, user: Any = None, *, origin: str = "http://testserver"
    ) -> tuple[WebsocketCommunicator, bool, Any]:
        headers = [(b"host", b"testserver")]
        if origin:
            headers.append((b"origin", origin.encode()))
        if user is not None:
            cookie = await sync_to_async(_session_cookie)(user)
            headers.append((b"cookie", f"sessionid={cookie}".encode()))
        communicator = WebsocketCommunicator(application, path, headers=headers)
        connected, code = await communicator.connect(timeout=5)
        return communicator, connected, code

    return connect


# --- Live server and browser -----------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server_url(transactional_db: Any, settings: Any) -> Iterator[str]:
    """A real daphne process serving the app (and its WebSockets) on a free loopback port.

    It is forked after the test database exists, so it shares that database; tests that use
    it see their data committed (transactional_db).
    """
    from daphne.testing import DaphneProcess
    from django.db import connections

    def get_application() -> Any:
        # Runs in the forked server process. asgiref's thread-sensitive executor and the
        # cached channel layers were inherited from this (test) process: the executor's thread
        # did not survive the fork (work queued on it would never run) and the layers belong to
        # another event loop. Start fresh ones.
        from concurrent.futures import ThreadPoolExecutor

        from asgiref.sync import SyncToAsync
        from channels.layers import channel_layers

        SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)
        channel_layers.backends.clear()
        from config.asgi import application

        return application

    connections.close_all()
    process = DaphneProcess("127.0.0.1", get_application)
    process.start()
    process.ready.wait(timeout=30)
    if process.errors.empty() is False:
        raise RuntimeError(f"daphne failed: {process.errors.get()}")
    url = f"http://127.0.0.1:{process.port.value}"
    try:
        yield url
    finally:
        process.terminate()
        process.join(timeout=10)


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


@pytest.fixture
def _playwright_browser() -> Iterator[Any]:
    """Chromium for one test. Function-scoped on purpose: Playwright's sync API runs an event
    loop in this thread, and Django refuses database work while one runs, so the browser
    must be gone before the test database is flushed."""
    if not chromium_available():
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(f"E2E_REQUIRED=1 but Chromium is missing at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium to run these")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        if os.environ.get("E2E_REQUIRED") == "1":
            raise
        pytest.skip("playwright is not installed (make test installs it)")
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    # Playwright's sync API keeps an event loop on this thread; test bodies still use the ORM
    # synchronously between browser calls, which is safe, so Django's guard is lifted meanwhile.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _launch(sync_playwright)
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _launch(sync_playwright: Any) -> Iterator[Any]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            args=CHROMIUM_ARGS,
            headless=True,
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_context(_playwright_browser: Any) -> Iterator[Any]:
    """A fresh browser context (cookies, storage) per test; microphone permission granted."""
    context = _playwright_browser.new_context(
        permissions=["microphone"], viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(browser_context: Any) -> Any:
    return browser_context.new_page()


# --- Fake provider server (tests/fakes) ------------------------------------------------------

FAKE_KEYS = {
    "HEYGEN_API_KEY": "fake-heygen-key-7Qx2LEAKCHECK",
    "LIVEAVATAR_API_KEY": "fake-liveavatar-key-9Wm4LEAKCHECK",
    "DEEPGRAM_API_KEY": "fake-deepgram-key-3Rt8LEAKCHECK",
    "OPENAI_API_KEY": "sk-fake-openai-key-5Zp1LEAKCHECK",
    "ZOOM_CLIENT_SECRET": "fake-zoom-secret-6Yn0LEAKCHECK",
    "ZOOM_SDK_SECRET": "fake-zoom-sdk-secret-2Kd5LEAKCHECK",
}


class FakeProviders:
    """Handle on the fake provider server (see tests/fakes/__init__.py for knobs)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.keys = dict(FAKE_KEYS)

    def _call(self, method: str, path: str, payload: Any = None) -> Any:
        import httpx

        response = httpx.request(method, self.url + path, json=payload, timeout=10)
        response.raise_for_status()
        return response.json()

    def knobs(self, **knobs: Any) -> dict[str, Any]:
        """`knobs(heygen={"latency": 0.2}, heygen_new={"fail": "429", "fail_times": 1})`."""
        return self._call("POST", "/_control/knobs", knobs)

    def state(self) -> dict[str, Any]:
        return self._call("GET", "/_control/state")

    def reset(self) -> None:
        self._call("POST", "/_control/reset")

    def configure(
        self,
        settings: Any,
        avatar: str | None = None,
        transcriber: str | None = None,
        llm: str | None = None,
        meetings: str | None = None,
    ) -> None:
        """Point the product's real clients at this server (pytest-django `settings`)."""
        from avatars.providers.registry import reset_providers

        for name, value in self.keys.items():
            setattr(settings, name, value)
        settings.ZOOM_ACCOUNT_ID = "fake-zoom-account"
        settings.ZOOM_CLIENT_ID = "fake-zoom-client"
        settings.ZOOM_SDK_KEY = "fake-zoom-sdk-key"
        settings.HEYGEN_BASE_URL = self.url + "/heygen"
        settings.LIVEAVATAR_BASE_URL = self.url + "/liveavatar"
        settings.DEEPGRAM_BASE_URL = self.url + "/deepgram"
        settings.OPENAI_BASE_URL = self.url + "/openai/v1"
        settings.ZOOM_API_BASE_URL = self.url + "/zoom/v2"
        settings.ZOOM_OAUTH_URL = self.url + "/zoom/oauth/token"
        if avatar:
            settings.AVATAR_PROVIDER = avatar
            if avatar == "liveavatar":
                settings.AVATAR_DEFAULT_ID = "0f9a3c64-0000-4000-8000-000000000001"
            elif avatar == "heygen":
                settings.AVATAR_DEFAULT_ID = "Ann_Therapist_public"
        if transcriber:
            settings.TRANSCRIBER = transcriber
        if llm:
            settings.LLM_PROVIDER = llm
        if meetings:
            settings.MEETING_PROVIDER = meetings
        # Only the configured keys are valid at the fake: a wrong key gets the vendor's 401.
        self.knobs(
            heygen={"api_key": self.keys["HEYGEN_API_KEY"]},
            liveavatar={"api_key": self.keys["LIVEAVATAR_API_KEY"]},
            deepgram={"api_key": self.keys["DEEPGRAM_API_KEY"]},
            openai={"api_key": self.keys["OPENAI_API_KEY"]},
            zoom={"api_key": self.keys["ZOOM_CLIENT_SECRET"]},
        )
        reset_providers()


@pytest.fixture(scope="session")
def _fake_provider_server() -> Iterator[FakeProviders]:
    """One fake provider server per test session, in a subprocess (it holds no database)."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    import httpx

    port = _free_port()
    root = Path(__file__).resolve().parents[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes", "--port", str(port)],
        cwd=root,
        env={**os.environ, "DJANGO_READ_DOT_ENV_FILE": "false"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url + "/_control/state", timeout=1).raise_for_status()
            break
        except httpx.HTTPError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    "fake provider server did not start: "
                    + (process.stderr.read().decode()[-2000:] if process.stderr else "")
                ) from None
            time.sleep(0.1)
    try:
        yield FakeProviders(url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def fake_providers(_fake_provider_server: FakeProviders) -> FakeProviders:
    """The fake provider server, reset for this test. Call `.configure(settings, ...)` to
    point the real clients at it."""
    _fake_provider_server.reset()
    return _fake_provider_server
