"""What the operator of a vendor account would notice about our vendor HTTP calls (httpx, one
client per event loop): a start is sent once whatever happens to its answer, a key that would
split the request is never sent, calls share kept-alive connections, and a vendor whose TLS
certificate is not trusted is refused."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from avatars.providers import http
from avatars.providers.base import AvatarStartOptions, ProviderError
from avatars.providers.registry import get_avatar_provider

pytestmark = pytest.mark.django_db


def _requests(fake_providers: Any, endpoint: str) -> list[dict[str, Any]]:
    return [e for e in fake_providers.state()["log"] if e["endpoint"] == endpoint]


@pytest.mark.parametrize("fault", ["reset", "timeout"])
async def test_a_start_whose_answer_is_lost_is_sent_once(fake_providers, settings, fault) -> None:
    """The vendor may have created the session: only the caller, which stops what was created
    before trying again, decides whether to send it again."""
    fake_providers.configure(settings, avatar="heygen")
    settings.PROVIDER_TIMEOUT = 0.5
    fake_providers.knobs(heygen_new={"fail": fault})
    with pytest.raises(ProviderError) as lost:
        await get_avatar_provider().start(AvatarStartOptions())
    assert lost.value.permanent is False
    assert len(_requests(fake_providers, "new")) == 1


async def test_a_key_that_would_split_the_request_is_never_sent(fake_providers, settings) -> None:
    fake_providers.configure(settings, avatar="heygen")
    settings.HEYGEN_API_KEY = "fake\r\nX-Evil: 1"
    with pytest.raises(ProviderError) as refused:
        await get_avatar_provider().start(AvatarStartOptions())
    assert (refused.value.permanent, refused.value.code) == (True, "bad_request")
    assert _requests(fake_providers, "new") == []


async def test_a_wave_of_starts_all_succeed_and_every_call_carries_our_user_agent(
    fake_providers, settings
) -> None:
    fake_providers.configure(settings, avatar="heygen")
    fake_providers.knobs(heygen_start={"latency": 0.2})
    provider = get_avatar_provider()
    connections = await asyncio.gather(*(provider.start(AvatarStartOptions()) for _ in range(25)))
    assert len({c.session_id for c in connections}) == 25
    assert len(_requests(fake_providers, "start")) == 25
    assert fake_providers.state()["open_sessions"]["heygen"] == 25


# --- Connections and TLS, against a bare server that counts its connections -------------------


class Counting:
    def __init__(self) -> None:
        self.connections = 0
        self.requests = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":", 1)[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                await reader.readexactly(length)
                self.requests += 1
                body = b'{"code": 100, "data": {}}'
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    + f"content-length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def counting() -> AsyncIterator[tuple[Counting, int]]:
    server = Counting()
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    yield server, listener.sockets[0].getsockname()[1]
    listener.close()


async def test_calls_of_every_vendor_share_kept_alive_connections(counting) -> None:
    server, port = counting
    for _ in range(3):
        await asyncio.gather(
            *(http.send("heygen", "POST", f"http://127.0.0.1:{port}/x", json={}) for _ in range(5))
        )
    await http.send("liveavatar", "GET", f"http://127.0.0.1:{port}/y")
    assert server.requests == 16
    assert server.connections <= 5  # the first round's connections serve every later call


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


async def test_a_vendor_whose_certificate_is_not_trusted_is_refused(certificate, settings) -> None:
    cert, key = certificate
    served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    served.load_cert_chain(cert, key)
    server = Counting()
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0, ssl=served)
    port = listener.sockets[0].getsockname()[1]
    settings.HEYGEN_BASE_URL = f"https://localhost:{port}"
    settings.HEYGEN_API_KEY = "k"
    try:
        with pytest.raises(ProviderError) as refused:
            await get_avatar_provider("heygen").start(AvatarStartOptions())
    finally:
        listener.close()
    assert (refused.value.code, refused.value.permanent) == ("connection", False)
    assert server.requests == 0  # nothing, the key included, went to that server
