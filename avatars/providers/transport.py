"""A lean HTTP/1.1 transport for the vendor calls: llhttp (httptools) over asyncio streams.

Why not httpx's own transport: a class start sends two vendor calls per room, 25 rooms at
once, and httpcore (with anyio under it) spent about 2 ms of CPU per call on these machines
(benchmarks, scenario 1: most of the time a wave took beyond the vendor's own). h11 on asyncio
streams took that to ~0.65 ms, of which h11's pure-Python parsing and validation was ~40 %;
httptools (the C parser uvicorn uses) parses an answer in microseconds. httpx stays the API
the providers use (requests, responses, timeouts, errors); only the bytes on the wire go
through here.

What it does: HTTP/1.1 with keep-alive (a pool of idle connections per origin, dropped after
KEEPALIVE_EXPIRY seconds or as soon as the server closes them, which asyncio reports without a
per-request socket check), TLS with the given context, httpx's per-request timeouts (connect,
write, read), answers with a length, chunked or ended by the close, and httpx's exceptions,
so callers map failures as before. Header names and values are checked before anything is
sent (no CR/LF smuggling from a setting). Nothing is sent twice here: a connection that
breaks is an error, and the caller's retry policy decides (a vendor start is not idempotent).
Bodies are read whole: no vendor call here streams.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import ssl
from dataclasses import dataclass

import httptools
import httpx

KEEPALIVE_EXPIRY = 5.0
MAX_IDLE_PER_ORIGIN = 100
READ_CHUNK = 65536

Origin = tuple[str, str, int]


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = 0.0
    reusable: bool = False  # the last answer was read whole and the server keeps it open

    def usable(self, now: float) -> bool:
        return (
            not self.reader.at_eof()
            and not self.writer.is_closing()
            and now - self.idle_since < KEEPALIVE_EXPIRY
        )

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


class LeanTransport(httpx.AsyncBaseTransport):
    def __init__(self, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self._ssl_context = ssl_context
        self.idle: dict[Origin, list[_Connection]] = {}
        self.closed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeouts = request.extensions.get("timeout", {})
        origin = (request.url.scheme, request.url.host, request.url.port or _default_port(request))
        body = await request.aread()
        connection = self._idle_connection(origin)
        if connection is None:
            connection = await self._connect(origin, timeouts.get("connect"))
        try:
            return await self._exchange(connection, origin, request, body, timeouts)
        except BaseException:
            connection.close()
            raise

    async def aclose(self) -> None:
        self.closed = True
        for connections in self.idle.values():
            for connection in connections:
                connection.close()
        self.idle.clear()

    # --- connections ---

    def _idle_connection(self, origin: Origin) -> _Connection | None:
        connections = self.idle.get(origin)
        now = asyncio.get_running_loop().time()
        while connections:
            connection = connections.pop()
            if connection.usable(now):
                return connection
            connection.close()
        return None

    async def _connect(self, origin: Origin, within: float | None) -> _Connection:
        scheme, host, port = origin
        tls = self._tls() if scheme == "https" else None
        try:
            async with asyncio.timeout(within):
                reader, writer = await asyncio.open_connection(
                    host, port, ssl=tls, server_hostname=host if tls else None
                )
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(f"connecting to {host}:{port} timed out") from exc
        except OSError as exc:  # ssl.SSLError (a refused certificate) is one too
            raise httpx.ConnectError(f"connecting to {host}:{port} failed: {exc}") from exc
        return _Connection(reader, writer)

    def _tls(self) -> ssl.SSLContext:
        # Built once: loading the CA bundle costs tens of milliseconds per context.
        if self._ssl_context is None:
            self._ssl_context = ssl.create_default_context()
        return self._ssl_context

    def _release(self, origin: Origin, connection: _Connection) -> None:
        if (
            self.closed
            or not connection.reusable
            or len(self.idle.get(origin, ())) >= MAX_IDLE_PER_ORIGIN
        ):
            connection.close()
            return
        connection.idle_since = asyncio.get_running_loop().time()
        self.idle.setdefault(origin, []).append(connection)

    # --- one request and its answer ---

    async def _exchange(
        self,
        connection: _Connection,
        origin: Origin,
        request: httpx.Request,
        body: bytes,
        timeouts: dict[str, float | None],
    ) -> httpx.Response:
        connection.reusable = False
        wire, closing = _request_bytes(request, body)
        try:
            async with asyncio.timeout(timeouts.get("write")):
                connection.writer.write(wire)
                await connection.writer.drain()
        except TimeoutError as exc:
            raise httpx.WriteTimeout("sending the request timed out", request=request) from exc
        except OSError as exc:
            raise httpx.WriteError(f"sending the request failed: {exc}", request=request) from exc

        answer = _Answer()
        parser = httptools.HttpResponseParser(answer)
        answer.parser = parser
        read_timeout = timeouts.get("read")
        while not answer.done:
            try:
                async with asyncio.timeout(read_timeout):
                    data = await connection.reader.read(READ_CHUNK)
            except TimeoutError as exc:
                raise httpx.ReadTimeout("no answer in time", request=request) from exc
            except OSError as exc:
                raise httpx.ReadError(f"reading the answer failed: {exc}") from exc
            if not data:
                if answer.ends_with_close():
                    break  # an answer without a length ends when the server closes
                raise httpx.RemoteProtocolError(
                    "the server closed the connection without a full answer", request=request
                )
            try:
                parser.feed_data(data)
            except httptools.HttpParserError as exc:
                raise httpx.RemoteProtocolError(
                    f"the server broke off the answer ({exc})", request=request
                ) from exc
        connection.reusable = answer.done and answer.keep_alive and not answer.extra and not closing
        self._release(origin, connection)
        return httpx.Response(
            answer.status,
            headers=answer.headers,
            content=b"".join(answer.chunks),
            request=request,
            extensions={"http_version": b"HTTP/" + parser.get_http_version().encode()},
        )


#: RFC 9110 token characters: what a header name may hold.
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_UNSAFE_VALUE = re.compile(rb"[\r\n\0]")


def _request_bytes(request: httpx.Request, body: bytes) -> tuple[bytes, bool]:
    """The request head and body as sent, and whether it asks the server to close. The body
    is read whole, so it goes with a length (never chunked)."""
    lines = [request.method.encode() + b" " + request.url.raw_path + b" HTTP/1.1"]
    closing = False
    for name, value in request.headers.raw:
        lower = name.lower()
        if lower in (b"content-length", b"transfer-encoding"):
            continue
        if not _TOKEN.fullmatch(name) or _UNSAFE_VALUE.search(value):
            raise httpx.LocalProtocolError(f"refusing to send the header {name!r}")
        if lower == b"connection" and b"close" in value.lower():
            closing = True
        lines.append(name + b": " + value)
    if body or request.method in ("POST", "PUT", "PATCH"):
        lines.append(b"content-length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body, closing


class _Answer:
    """The parser's callbacks: one whole answer (informational 1xx heads are skipped)."""

    def __init__(self) -> None:
        self.parser: httptools.HttpResponseParser | None = None
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []
        self.head_done = self.done = self.extra = False
        self.keep_alive = False
        self.sized = False  # a length or chunked: the end is in the bytes, not the close

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))
        if name.lower() in (b"content-length", b"transfer-encoding"):
            self.sized = True

    def on_headers_complete(self) -> None:
        if self.parser is not None:
            self.status = self.parser.get_status_code()
        self.head_done = True

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        if self.done:  # a second answer on the same bytes: the connection is not reused
            self.extra = True
        elif 100 <= self.status < 200:
            self.headers, self.chunks, self.head_done, self.sized = [], [], False, False
        else:
            self.done = True
            # Asked here: once the message is over, llhttp has reset for the next one.
            self.keep_alive = self.parser is not None and self.parser.should_keep_alive()

    def ends_with_close(self) -> bool:
        return self.head_done and not self.sized and not self.done


def _default_port(request: httpx.Request) -> int:
    return 443 if request.url.scheme == "https" else 80
