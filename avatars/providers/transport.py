"""A lean HTTP/1.1 transport for the vendor clients' httpx clients: h11 over asyncio streams.

Why not httpx's own transport: a class start sends two vendor calls per room, 25 rooms at
once, and httpcore (with anyio under it) spent about 2 ms of CPU per call on these machines
(benchmarks, scenario 1: 100-150 ms of one core for a wave of 25 starts, most of the time a
wave takes beyond the vendor's own). The same calls through h11 on asyncio streams take about
0.2 ms each. httpx stays the API the providers use (requests, responses, timeouts, errors);
only the bytes on the wire go through here.

What it does: HTTP/1.1 with keep-alive (a pool of idle connections per origin, dropped after
KEEPALIVE_EXPIRY seconds or as soon as the server closes them, which asyncio reports without a
per-request socket check), TLS with the given context, httpx's per-request timeouts (connect,
write, read), and httpx's exceptions, so callers map failures as before. Nothing is sent twice
here: a connection that breaks is an error, and the caller's retry policy decides (a vendor
start is not idempotent). Bodies are read whole: no vendor call here streams.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from dataclasses import dataclass, field

import h11
import httpx

KEEPALIVE_EXPIRY = 5.0
MAX_IDLE_PER_ORIGIN = 100
READ_CHUNK = 65536

Origin = tuple[str, str, int]


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    protocol: h11.Connection = field(default_factory=lambda: h11.Connection(h11.CLIENT))
    idle_since: float = 0.0

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
        state = connection.protocol
        if (
            self.closed
            or state.our_state is not h11.DONE
            or state.their_state is not h11.DONE
            or len(self.idle.get(origin, ())) >= MAX_IDLE_PER_ORIGIN
        ):
            connection.close()
            return
        state.start_next_cycle()
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
        state = connection.protocol
        # The body is read whole, so it goes with a length (never chunked).
        headers = [
            (k, v)
            for k, v in request.headers.raw
            if k.lower() not in (b"content-length", b"transfer-encoding")
        ]
        if body or request.method in ("POST", "PUT", "PATCH"):
            headers.append((b"content-length", str(len(body)).encode()))
        target = request.url.raw_path
        wire = state.send(h11.Request(method=request.method, target=target, headers=headers))
        if body:
            wire += state.send(h11.Data(data=body))
        wire += state.send(h11.EndOfMessage())
        try:
            async with asyncio.timeout(timeouts.get("write")):
                connection.writer.write(wire)
                await connection.writer.drain()
        except TimeoutError as exc:
            raise httpx.WriteTimeout("sending the request timed out", request=request) from exc
        except OSError as exc:
            raise httpx.WriteError(f"sending the request failed: {exc}", request=request) from exc

        response: h11.Response | None = None
        chunks: list[bytes] = []
        read_timeout = timeouts.get("read")
        while True:
            try:
                event = state.next_event()
            except h11.RemoteProtocolError as exc:  # closed before the answer, or garbled
                raise httpx.RemoteProtocolError(
                    f"the server broke off the answer ({exc})", request=request
                ) from exc
            if event is h11.NEED_DATA:
                try:
                    async with asyncio.timeout(read_timeout):
                        data = await connection.reader.read(READ_CHUNK)
                except TimeoutError as exc:
                    raise httpx.ReadTimeout("no answer in time", request=request) from exc
                except OSError as exc:
                    raise httpx.ReadError(f"reading the answer failed: {exc}") from exc
                try:
                    state.receive_data(data)
                except h11.RemoteProtocolError as exc:
                    raise httpx.RemoteProtocolError(str(exc), request=request) from exc
                continue
            if isinstance(event, h11.InformationalResponse):
                continue
            if isinstance(event, h11.Response):
                response = event
            elif isinstance(event, h11.Data):
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                break
            elif isinstance(event, h11.ConnectionClosed):
                raise httpx.RemoteProtocolError(
                    "the server closed the connection without a full answer", request=request
                )
        if response is None:  # h11 always gives the head before the end; never true
            raise httpx.RemoteProtocolError("an answer without a status line", request=request)
        self._release(origin, connection)
        return httpx.Response(
            response.status_code,
            headers=list(response.headers),
            content=b"".join(chunks),
            request=request,
            extensions={"http_version": b"HTTP/" + response.http_version},
        )


def _default_port(request: httpx.Request) -> int:
    return 443 if request.url.scheme == "https" else 80
