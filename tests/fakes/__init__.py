"""A fake provider server: one ASGI app that speaks the vendors' real wire contracts on loopback.

Run it with `python -m tests.fakes --port 8765` (daphne), then point the product at
it (README, "Fake provider server"). The official clients (openai, deepgram-sdk) and our httpx
clients cannot tell it from the real services for everything we use. It needs no Django: it is a
plain ASGI callable, `tests.fakes.application`, with all state in its own process.

Prefixes and what each speaks
-----------------------------
/heygen      HeyGen Streaming API (legacy v2/LiveKit): streaming.create_token (X-Api-Key, one-time
             Bearer tokens), streaming.new/start/task/interrupt/keep_alive/stop, GET
             streaming.list, streaming/avatar.list, v2/voices. `{code: 100, message, data}`
             envelope; errors 400112 (401), 10013 (unknown avatar), 400006 (wrong state), 400004
             (unknown session), and the concurrency-limit message (HTTP 400). Sessions go
             new -> connecting (start) -> connected -> closed (stop, idle timeout
             `activity_idle_timeout`, duration limit).
/liveavatar  LiveAvatar: POST v1/sessions/token (X-API-KEY), v1/sessions/start (Bearer session
             token), v1/sessions/keep-alive, v1/sessions/stop {reason}, GET v1/sessions?type=active,
             v1/avatars, v1/voices. Envelope `{code: 1000, data, message}`.
/deepgram    POST v1/listen (prerecorded), WS v1/listen (live; `Authorization: Token|Bearer` header
             or `Sec-WebSocket-Protocol: token, KEY` / `bearer, JWT`), POST v1/auth/grant.
/openai      POST v1/chat/completions: JSON or SSE stream ending in `data: [DONE]`; strict
             json_schema structured output (schema validated like the real API); error envelope
             `{"error": {message, type, param, code}}` with retry-after.
/v1          the same OpenAI emulation at the root, the URL shape of local OpenAI-compatible
             servers (Ollama `http://localhost:11434/v1`, llama.cpp `http://localhost:8080/v1`).
/zoom        POST oauth/token (account_credentials, Basic auth), POST v2/users/{id}/meetings
             (breakout rooms echoed), GET/PATCH/DELETE v2/meetings/{id},
             PUT|PATCH v2/meetings/{id}/status {"action": "end"}.

The live Deepgram socket does not decode audio
-----------------------------------------------
It speaks scripted utterances (knob `deepgram.live` `utterances`: a list of strings; default: the
`transcript` knob) progressively as audio frames arrive: each non-empty binary frame advances
`words_per_chunk` words (default 1) of the current utterance.
- first frame of an utterance: `SpeechStarted` (when `vad_events=true`);
- each frame: an interim `Results` (`is_final: false`, when `interim_results=true`) with the words
  since the last final; every `final_every` words (default 6) a final (`is_final: true`,
  `speech_final: false`);
- when the utterance's last word arrives: a final with `speech_final: true`, then `UtteranceEnd`
  (when `utterance_end_ms` is set); the next frame starts the next utterance;
- `{"type": "Finalize"}`: a final with `from_finalize: true` and `speech_final: true` completing
  the current utterance (all its remaining words; knob `finalize_completes=false` sends only the
  words heard so far); with nothing pending, an empty final with `from_finalize: true`;
- `{"type": "CloseStream"}`: a final for pending words, `Metadata`, close 1000;
- `{"type": "KeepAlive"}` resets the idle timer; no audio or KeepAlive for `idle_close` seconds
  (default 10) closes the socket with 1011 (Deepgram's NET-0001).
Word timings are synthetic (0.35 s per word). Faults on the live socket (`fail`): "401"/"reject"
refuse the handshake with HTTP 401, "429"/"concurrency_limit" with 429, "500"/"503" with that
status, "timeout" never answers the handshake; mid-stream, after `fail_after_frames` audio frames
(default 0): "drop" closes with 1011, "reset" drops the TCP connection without a close frame,
"malformed" sends one unreadable frame.

Knobs (POST /_control/knobs, JSON)
----------------------------------
Keys are a vendor ("heygen") or a vendor endpoint ("heygen.new" or "heygen_new"); endpoint knobs
override vendor knobs; a null value removes a knob. Endpoints: heygen create_token, new, start,
task, interrupt, keep_alive, stop, list, avatars, voices; liveavatar token, start, keep_alive,
stop, list, avatars, voices; deepgram listen, live, grant; openai chat; zoom token,
create_meeting, get_meeting, update_meeting, end_meeting, delete_meeting.
Every endpoint: `latency` (s), `fail` ("401", "429", "500", any status, "timeout" = never answer,
"reset" = drop the connection mid-response, "malformed" = broken JSON, "concurrency_limit",
HeyGen also "avatar_not_found", "bad_state"; Deepgram live "reject"/"drop"), `fail_times` (fail
only the next N requests), `fail_after` (let N requests through first), `fail_rate` (0..1),
`retry_after` (s), `api_key` (the only key accepted; default any non-empty key), `concurrency`
(HeyGen/LiveAvatar: open sessions before the concurrency-limit error; others: requests in
flight).
Vendor-specific: heygen `idle_timeout`, `session_duration_limit`, `connect_delay`, `avatars`
(extra valid ids); liveavatar `idle_timeout`, `success_code`, `avatars`; deepgram `transcript`
(prerecorded, list consumed one per request), `utterances`, `words_per_chunk`, `final_every`,
`finalize_completes`, `idle_close`; openai `replies` and `json_replies` (lists consumed in order,
the last repeats; default JSON is a minimal value satisfying the schema), `ttft` and
`tokens_per_second` for streams, `finish_reason`, `stream_error` (an error event mid-stream),
`stream_reset` (the connection drops after half of a streamed reply), `output_faults` (list
consumed one per request, the last repeats; each item a fault name, a list of names, or null for
a clean reply; tests/fakes/model_faults.py): "paraphrase" (every other quote, and every STAR part,
retold in the third person instead of copied), "string_scores" ("4"), "out_of_range" (7, -1),
"missing_dimension" (the first key of `dimensions` left out), "prose" (chatty text around the
JSON), "fenced" (a ```json fence), "refusal" (`content: null` and the message's `refusal` text;
streamed as `delta.refusal`), "truncated" (the reply cut at 60% with `finish_reason: "length"`);
zoom `token_ttl`.

Control API
-----------
POST /_control/knobs, POST /_control/reset (knobs, sessions, counters), GET /_control/state:
open vendor sessions per vendor (deepgram: open live sockets), `max_concurrent` (most open at
once), `max_starting` (most sessions in new/connecting at once), `max_in_flight` (most requests in
progress at once per vendor), request and status counts, sessions, knobs and a request log
(method, path, query, JSON body; never headers, so never keys).
"""

from tests.fakes.app import application

__all__ = ["application"]
