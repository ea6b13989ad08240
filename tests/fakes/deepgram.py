"""Fake Deepgram under /deepgram: prerecorded `POST /v1/listen`, live `WS /v1/listen`,
`POST /v1/auth/grant`.

The fake does not decode audio. Prerecorded requests return the next scripted transcript (knob
`transcript`: a string or a list consumed one per request). A live socket speaks the scripted
utterances (knob `utterances`, a list; defaults to `transcript`) as audio arrives: every binary
frame advances `words_per_chunk` words (default 1). See the package docstring for the events.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from tests.fakes.core import (
    STORE,
    Receive,
    Request,
    Response,
    Scope,
    Send,
    Vendor,
    abort_websocket,
    check_key,
    deny_websocket,
    headers_of,
    json_response,
    new_id,
    parse_query,
    retry_after_headers,
)

DEFAULT_TRANSCRIPT = "Um, I think the answer is teamwork and clear communication."
FILLERS = frozenset({"uh", "um", "uhm", "mhm", "hmm", "er"})
SECONDS_PER_WORD = 0.35
MODEL_UUID = "30089e05-99d1-4376-b32e-c263170674af"
MODEL_INFO = {"name": "general-nova-3", "version": "2025-01-01.0", "arch": "nova-3"}


def error(status: int, kind: str, message: str) -> Response:
    headers = retry_after_headers("deepgram") if status in (429, 503) else []
    return json_response(
        {"err_code": kind.upper(), "err_msg": message, "request_id": new_id()},
        status=status,
        headers=[*headers, ("x-dg-request-id", new_id())],
    )


deepgram = Vendor("deepgram", error)
deepgram.named_errors["concurrency_limit"] = lambda: error(
    429, "TOO_MANY_REQUESTS", "Too many requests. Please try again later"
)


def _authorised(header: str, endpoint: str) -> bool:
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() == "token":
        return check_key("deepgram", endpoint, value)
    if scheme.lower() == "bearer":
        info = STORE.tokens.get(value)
        return bool(info and info.get("vendor") == "deepgram" and info["expires"] > time.time())
    return False


def words_of(text: str, *, smart: bool, fillers: bool, offset: float = 0.0) -> list[dict]:
    words = []
    t = offset
    for token in text.split():
        bare = re.sub(r"[^\w'-]", "", token).lower()
        if not bare:
            continue
        if bare in FILLERS and not fillers:
            continue
        word = {
            "word": bare,
            "start": round(t, 3),
            "end": round(t + SECONDS_PER_WORD - 0.05, 3),
            "confidence": 0.98,
        }
        if smart:
            word["punctuated_word"] = token
        words.append(word)
        t += SECONDS_PER_WORD
    return words


def transcript_of(words: list[dict], smart: bool) -> str:
    return " ".join(w.get("punctuated_word", w["word"]) if smart else w["word"] for w in words)


@deepgram.route("POST", "/v1/listen", "listen")
async def listen(request: Request) -> Response:
    if not _authorised(request.headers.get("authorization", ""), "listen"):
        return json_response(
            {
                "err_code": "INVALID_AUTH",
                "err_msg": "Invalid credentials.",
                "request_id": new_id(),
            },
            status=401,
        )
    if not request.body:
        return error(
            400, "Bad Request", "Bad Request: failed to process audio: corrupt or unsupported data"
        )
    if request.headers.get("content-type", "").startswith("application/json"):
        source = request.json()
        if not source.get("url"):
            return error(400, "Bad Request", "Bad Request: missing url")
    text = STORE.next_scripted("deepgram", "listen", "transcript", DEFAULT_TRANSCRIPT)
    smart = request.q_bool("smart_format") or request.q_bool("punctuate")
    words = words_of(text, smart=smart, fillers=request.q_bool("filler_words"))
    transcript = transcript_of(words, smart)
    duration = max(len(request.body) * 8 / 32_000, words[-1]["end"] if words else 0.0)
    request_id = new_id()
    results: dict[str, Any] = {
        "channels": [
            {"alternatives": [{"transcript": transcript, "confidence": 0.97, "words": words}]}
        ]
    }
    if request.q_bool("utterances") and words:
        results["utterances"] = [
            {
                "start": words[0]["start"],
                "end": words[-1]["end"],
                "confidence": 0.97,
                "channel": 0,
                "transcript": transcript,
                "words": words,
                "speaker": 0,
                "id": new_id(),
            }
        ]
    body = {
        "metadata": {
            "transaction_key": "deprecated",
            "request_id": request_id,
            "sha256": hashlib.sha256(request.body).hexdigest(),
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "duration": round(duration, 3),
            "channels": 1,
            "models": [MODEL_UUID],
            "model_info": {MODEL_UUID: MODEL_INFO},
        },
        "results": results,
    }
    return json_response(body, headers=[("x-dg-request-id", request_id)])


@deepgram.route("POST", "/v1/auth/grant", "grant")
async def grant(request: Request) -> Response:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "token" or not check_key("deepgram", "grant", value.strip()):
        return json_response(
            {"err_code": "INVALID_AUTH", "err_msg": "Invalid credentials.", "request_id": new_id()},
            status=401,
        )
    body = request.json() if request.body else {}
    ttl = int(body.get("ttl_seconds") or 30)
    if not 1 <= ttl <= 3600:
        return error(400, "Bad Request", "ttl_seconds must be between 1 and 3600")
    token = "eyJhbGciOiJIUzI1NiJ9." + secrets.token_urlsafe(24)
    STORE.tokens[token] = {"vendor": "deepgram", "expires": time.time() + ttl}
    return json_response({"access_token": token, "expires_in": ttl})


# --- Live socket --------------------------------------------------------------------------


class LiveScript:
    """Speaks scripted utterances progressively as audio arrives."""

    def __init__(self, utterances: list[str], query: dict[str, list[str]]) -> None:
        def flag(name: str) -> bool:
            return (query.get(name) or [""])[-1].lower() == "true"

        self.smart = flag("smart_format") or flag("punctuate")
        self.interim = flag("interim_results")
        self.vad = flag("vad_events")
        self.utterance_end = bool((query.get("utterance_end_ms") or [""])[-1])
        self.fillers = flag("filler_words")
        self.request_id = new_id()
        self.utterances: list[list[dict]] = []
        offset = 0.2
        for text in utterances:
            words = words_of(text, smart=self.smart, fillers=self.fillers, offset=offset)
            if words:
                self.utterances.append(words)
                offset = words[-1]["end"] + 1.0
        self.index = 0  # current utterance
        self.pos = 0  # words heard in it
        self.segment = 0  # first word not yet sent as final
        self.started = False
        self.audio_bytes = 0
        self.words_per_chunk = int(STORE.knob("deepgram", "live", "words_per_chunk", 1))
        self.final_every = int(STORE.knob("deepgram", "live", "final_every", 6))

    @property
    def current(self) -> list[dict] | None:
        return self.utterances[self.index] if self.index < len(self.utterances) else None

    def results(
        self,
        words: list[dict],
        *,
        final: bool,
        speech_final: bool = False,
        from_finalize: bool = False,
    ) -> dict:
        start = words[0]["start"] if words else 0.0
        end = words[-1]["end"] if words else start
        message = {
            "type": "Results",
            "channel_index": [0, 1],
            "duration": round(end - start, 3),
            "start": start,
            "is_final": final,
            "speech_final": speech_final,
            "channel": {
                "alternatives": [
                    {
                        "transcript": transcript_of(words, self.smart),
                        "confidence": 0.97 if words else 0.0,
                        "words": words,
                    }
                ]
            },
            "metadata": {
                "request_id": self.request_id,
                "model_info": MODEL_INFO,
                "model_uuid": MODEL_UUID,
            },
        }
        if from_finalize:
            message["from_finalize"] = True
        return message

    def on_audio(self, size: int) -> list[dict]:
        self.audio_bytes += size
        words = self.current
        if words is None:
            return []
        out: list[dict] = []
        if not self.started:
            self.started = True
            if self.vad:
                out.append(
                    {"type": "SpeechStarted", "channel": [0, 1], "timestamp": words[0]["start"]}
                )
        self.pos = min(len(words), self.pos + self.words_per_chunk)
        if self.pos >= len(words):
            out.extend(self._end_utterance(from_finalize=False))
            return out
        if self.interim:
            out.append(self.results(words[self.segment : self.pos], final=False))
        if self.pos - self.segment >= self.final_every:
            out.append(self.results(words[self.segment : self.pos], final=True))
            self.segment = self.pos
        return out

    def _end_utterance(self, *, from_finalize: bool) -> list[dict]:
        words = self.current or []
        out = [
            self.results(
                words[self.segment : self.pos],
                final=True,
                speech_final=True,
                from_finalize=from_finalize,
            )
        ]
        if self.utterance_end and words:
            out.append(
                {"type": "UtteranceEnd", "channel": [0, 1], "last_word_end": words[-1]["end"]}
            )
        self.index += 1
        self.pos = self.segment = 0
        self.started = False
        return out

    def on_finalize(self) -> list[dict]:
        if self.current is not None and self.started:
            if STORE.knob("deepgram", "live", "finalize_completes", True):
                self.pos = len(self.current)
            return self._end_utterance(from_finalize=True)
        return [self.results([], final=True, from_finalize=True)]

    def on_close_stream(self) -> list[dict]:
        out: list[dict] = []
        words = self.current
        if words is not None and self.started and self.pos > self.segment:
            out.append(self.results(words[self.segment : self.pos], final=True, speech_final=True))
        out.append(
            {
                "type": "Metadata",
                "transaction_key": "deprecated",
                "request_id": self.request_id,
                "sha256": hashlib.sha256(str(self.audio_bytes).encode()).hexdigest(),
                "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "duration": round(self.audio_bytes * 8 / 32_000, 3),
                "channels": 1,
                "models": [MODEL_UUID],
                "model_info": {MODEL_UUID: MODEL_INFO},
            }
        )
        return out


#: Handshake refusals with the vendor's HTTP status (the concurrency cap is Deepgram's 429).
HANDSHAKE_FAILURES = {
    "429": (429, "Too Many Requests"),
    "concurrency_limit": (429, "Too Many Requests"),
    "500": (500, "Internal Server Error"),
    "503": (503, "Service Unavailable"),
}


def _live_auth(scope: Scope) -> tuple[bool, str | None]:
    """(authorised, subprotocol to echo). Header `Authorization: Token|Bearer ...` or
    `Sec-WebSocket-Protocol: token, KEY` / `bearer, JWT`."""
    headers = headers_of(scope)
    if "authorization" in headers:
        return _authorised(headers["authorization"], "live"), None
    protocols = [p.strip() for p in scope.get("subprotocols", [])]
    if len(protocols) >= 2 and protocols[0].lower() in ("token", "bearer"):
        scheme = "Token" if protocols[0].lower() == "token" else "Bearer"
        return _authorised(f"{scheme} {protocols[1]}", "live"), protocols[0]
    return False, None


async def live_socket(scope: Scope, receive: Receive, send: Send, path: str) -> None:
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    query = parse_query(scope.get("query_string", b""))
    STORE.requests["deepgram.live"] += 1
    STORE.log.append(
        {
            "vendor": "deepgram",
            "endpoint": "live",
            "method": "WS",
            "path": path,
            "query": {k: v[-1] if len(v) == 1 else v for k, v in query.items()},
        }
    )
    latency = float(STORE.knob("deepgram", "live", "latency", 0) or 0)
    if latency:
        await asyncio.sleep(latency)
    authorised, subprotocol = _live_auth(scope)
    failure = STORE.take_failure("deepgram", "live")
    if path != "/v1/listen" or not authorised or failure in ("401", "403", "reject"):
        STORE.statuses["deepgram.live:401"] += 1
        await deny_websocket(send, 401, "Unauthorized")
        return
    if failure in HANDSHAKE_FAILURES:
        status, reason = HANDSHAKE_FAILURES[failure]
        STORE.statuses[f"deepgram.live:{status}"] += 1
        await deny_websocket(send, status, reason)
        return
    if failure == "timeout":  # never answer the handshake; the client gives up
        STORE.statuses["deepgram.live:timeout"] += 1
        while (await receive())["type"] != "websocket.disconnect":
            pass
        return
    if not (query.get("model") or [""])[-1]:
        await send({"type": "websocket.close"})
        return
    await send({"type": "websocket.accept", "subprotocol": subprotocol})
    STORE.live_sockets += 1
    STORE.max_live_sockets = max(STORE.max_live_sockets, STORE.live_sockets)
    utterances = STORE.knob("deepgram", "live", "utterances")
    if utterances is None:
        scripted = STORE.knob("deepgram", "", "transcript", DEFAULT_TRANSCRIPT)
        utterances = scripted if isinstance(scripted, list) else [scripted]
    script = LiveScript(list(utterances), query)
    idle_close = float(STORE.knob("deepgram", "live", "idle_close", 10))
    # Mid-stream failures ("drop", "reset", "malformed") strike after this many audio frames.
    fail_after = int(STORE.knob("deepgram", "live", "fail_after_frames", 0) or 0)
    frames = 0

    async def emit(messages: list[dict]) -> None:
        for item in messages:
            await send({"type": "websocket.send", "text": json.dumps(item)})

    try:
        while True:
            try:
                async with asyncio.timeout(idle_close):
                    message = await receive()
            except TimeoutError:
                # NET-0001: no audio or KeepAlive within the timeout window.
                await send({"type": "websocket.close", "code": 1011})
                return
            kind = message["type"]
            if kind == "websocket.disconnect":
                return
            if message.get("bytes") is not None:
                frames += 1
                if failure == "drop" and frames > fail_after:
                    await send({"type": "websocket.close", "code": 1011})
                    return
                if failure == "reset" and frames > fail_after:
                    abort_websocket(send)  # no close frame: the TCP connection just dies
                    return
                if failure == "malformed" and frames > fail_after:
                    await send({"type": "websocket.send", "text": '{"type": "Results", "chan'})
                    failure = ""
                    continue
                if message["bytes"]:
                    await emit(script.on_audio(len(message["bytes"])))
                continue
            text = message.get("text") or ""
            try:
                control = json.loads(text)
                control_type = control.get("type")
            except (ValueError, AttributeError):
                control_type = None
            if control_type == "KeepAlive":
                continue
            if control_type == "Finalize":
                await emit(script.on_finalize())
            elif control_type == "CloseStream":
                await emit(script.on_close_stream())
                await send({"type": "websocket.close", "code": 1000})
                return
            else:
                await emit(
                    [
                        {
                            "type": "Error",
                            "variant": "SchemaError",
                            "description": "Unknown or malformed control message",
                            "message": text[:200],
                        }
                    ]
                )
    finally:
        STORE.live_sockets -= 1


deepgram.websocket = live_socket
