"""The vendor clients' HTTP transport (avatars/providers/transport.py), against a small HTTP/1.1
server on loopback that counts connections and can misbehave: keep-alive reuse, chunked and
closing answers, a server that drops idle connections, cut-off answers, timeouts, and TLS with
certificate checks."""

from __future__ import annotations

import asyncio
import json
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from avatars.providers import http
from avatars.providers.base import ProviderError
from avatars.providers.transport import LeanTransport

Reply = Callable[[bytes], bytes | None]


def ok_json(body: bytes, *, extra: str = "") -> bytes:
    payload = json.dumps({"echo": json.loads(body or b"null")}).encode()
    return (
        f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{extra}"
        f"content-length: {len(payload)}\r\n\r\n"
    ).encode() + payload


@dataclass
class Server:
    reply: Reply = ok_json
    connections: int = 0
    requests: list[bytes] = field(default_factory=list)
    close_idle: bool = False
    port: int = 0
    writers: list[asyncio.StreamWriter] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                body = await reader.readexactly(length) if length else b""
                self.requests.append(head + body)
                answer = self.reply(body)
                if answer is None:  # drop the connection without answering
                    break
                writer.write(answer)
                await writer.drain()
                if self.close_idle or b"connection: close" in answer.lower():
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    state = Server()
    listener = await asyncio.start_server(state.handle, "127.0.0.1", 0)
    state.port = listener.sockets[0].getsockname()[1]
    yield state
    for writer in state.writers:
        writer.close()
    listener.close()
    await listener.wait_closed()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=LeanTransport(), timeout=2) as value:
        yield value


async def test_calls_reuse_one_kept_alive_connection(server: Server, client) -> None:
    for n in range(5):
        response = await client.post(f"{server.url}/v1/streaming.new", json={"n": n})
        assert response.status_code == 200
        assert response.json() == {"echo": {"n": n}}
    assert server.connections == 1
    first = server.requests[0].lower()
    assert b"post /v1/streaming.new http/1.1" in first
    assert b"host: 127.0.0.1" in first
    assert b'{"n":0}' in first or b'{"n": 0}' in first


async def test_a_wave_opens_one_connection_per_call_and_the_next_wave_reuses_them(
    server: Server, client
) -> None:
    async def wave() -> list[int]:
        responses = await asyncio.gather(
            *(client.post(f"{server.url}/x", json={"room": i}) for i in range(25))
        )
        return [r.json()["echo"]["room"] for r in responses]

    assert await wave() == list(range(25))
    opened = server.connections
    assert opened <= 25
    assert await wave() == list(range(25))
    assert server.connections == opened


async def test_chunked_and_closing_answers_are_read_whole(server: Server, client) -> None:
    def chunked(_body: bytes) -> bytes:
        return (
            b"HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\nconnection: close\r\n"
            b"x-request-id: abc\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        )

    server.reply = chunked
    first = await client.get(f"{server.url}/a")
    second = await client.get(f"{server.url}/b")
    assert (first.status_code, first.text, first.headers["x-request-id"]) == (
        201,
        "hello world",
        "abc",
    )
    assert second.text == "hello world"
    assert server.connections == 2  # "connection: close" is never reused


async def test_an_answer_without_a_length_ends_with_the_close(server: Server, client) -> None:
    server.reply = lambda body: b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nall of it"
    server.close_idle = True
    response = await client.get(f"{server.url}/a")
    assert (response.status_code, response.text) == (200, "all of it")


async def test_an_informational_head_is_skipped(server: Server, client) -> None:
    server.reply = lambda body: b"HTTP/1.1 100 Continue\r\n\r\n" + ok_json(body)
    response = await client.post(f"{server.url}/a", json={"n": 1})
    assert (response.status_code, response.json()) == (200, {"echo": {"n": 1}})
    again = await client.post(f"{server.url}/a", json={"n": 2})
    assert again.json() == {"echo": {"n": 2}}
    assert server.connections == 1


async def test_a_header_that_would_split_the_request_is_never_sent(server: Server) -> None:
    with pytest.raises(ProviderError) as refused:
        await http.send(
            "heygen", "POST", f"{server.url}/x", headers={"X-Api-Key": "k\r\nX-Evil: 1"}
        )
    assert (refused.value.permanent, refused.value.code) == (True, "bad_request")
    assert server.requests == []


async def test_a_server_that_drops_idle_connections_costs_nothing(server: Server, client) -> None:
    server.close_idle = True  # answers, then closes: the pooled connection is dead
    for n in range(3):
        response = await client.post(f"{server.url}/x", json={"n": n})
        assert response.json() == {"echo": {"n": n}}
        await asyncio.sleep(0.05)  # the close reaches us before the next call
    assert server.connections == 3
    assert len(server.requests) == 3  # nothing was sent twice


async def test_vendor_calls_share_one_kept_alive_connection_per_loop(server: Server) -> None:
    """`http.send` (what the providers call) goes straight to the loop's one transport: calls
    of every vendor reuse its connections, with the query, headers and JSON body sent."""
    for n in range(3):
        response = await http.send(
            "heygen",
            "POST",
            f"{server.url}/v1/streaming.new",
            json={"n": n},
            params={"page": "2"},
            headers={"X-Api-Key": "k"},
        )
        assert response.json() == {"echo": {"n": n}}
    await http.send("liveavatar", "POST", f"{server.url}/v1/sessions", json={})
    assert server.connections == 1
    first = server.requests[0].lower()
    assert b"post /v1/streaming.new?page=2 http/1.1" in first
    assert b"x-api-key: k" in first
    assert b"content-type: application/json" in first
    assert b"user-agent: mockingbird" in first


async def test_a_dropped_or_cut_off_answer_is_a_retryable_provider_error(server: Server) -> None:
    server.reply = lambda body: None
    with pytest.raises(ProviderError) as dropped:
        await http.send("heygen", "POST", f"{server.url}/v1/streaming.new", json={})
    assert (dropped.value.permanent, dropped.value.code) == (False, "connection")

    server.reply = lambda body: b'HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\n{"par'
    server.close_idle = True
    with pytest.raises(ProviderError) as cut:
        await http.send("heygen", "POST", f"{server.url}/v1/streaming.new", json={})
    assert (cut.value.permanent, cut.value.code) == (False, "connection")
    assert len(server.requests) == 2  # each sent once


async def test_no_answer_in_time_is_a_timeout(server: Server, settings) -> None:
    settings.PROVIDER_TIMEOUT = 0.3

    server.reply = lambda body: b""  # the request is read, the answer never comes
    with pytest.raises(ProviderError) as timed_out:
        await http.send("heygen", "POST", f"{server.url}/x", json={})
    assert (timed_out.value.code, timed_out.value.permanent) == ("timeout", False)


async def test_nothing_listening_is_a_connection_error() -> None:
    listener = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    listener.close()
    await listener.wait_closed()
    with pytest.raises(ProviderError) as refused:
        await http.send("heygen", "GET", f"http://127.0.0.1:{port}/x")
    assert (refused.value.code, refused.value.permanent) == ("connection", False)


# --- TLS --------------------------------------------------------------------------------------


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


async def test_tls_is_verified_against_the_given_context(certificate, server: Server) -> None:
    cert, key = certificate
    served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    served.load_cert_chain(cert, key)
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0, ssl=served)
    port = listener.sockets[0].getsockname()[1]
    url = f"https://localhost:{port}/v1/streaming.new"
    try:
        trusting = ssl.create_default_context(cafile=str(cert))
        async with httpx.AsyncClient(transport=LeanTransport(ssl_context=trusting)) as client:
            response = await client.post(url, json={"secure": True})
            again = await client.post(url, json={"secure": 2})
        assert response.json() == {"echo": {"secure": True}}
        assert again.json() == {"echo": {"secure": 2}}
        assert server.connections == 1  # the TLS connection is kept alive too

        # The product's context (the CA bundle) does not trust a self-signed certificate.
        async with httpx.AsyncClient(
            transport=LeanTransport(ssl_context=ssl.create_default_context())
        ) as client:
            with pytest.raises(httpx.ConnectError, match=r"CERTIFICATE_VERIFY_FAILED|certificate"):
                await client.post(url, json={})
    finally:
        listener.close()
        await listener.wait_closed()
