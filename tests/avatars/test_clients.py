"""The real vendor clients against the fake provider server: happy paths and every error class."""

from __future__ import annotations

import asyncio

import deepgram
import openai
import pytest

from avatars.providers.base import AvatarStartOptions, ChatMessage, ProviderError
from avatars.providers.registry import (
    get_avatar_provider,
    get_language_model,
    get_transcriber,
)

pytestmark = pytest.mark.django_db

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["score", "tips"],
    "properties": {
        "score": {"type": "integer", "minimum": 1},
        "tips": {"type": "array", "items": {"type": "string"}},
    },
}
USER = [ChatMessage(role="user", content="How did I do?")]


async def _error(awaitable) -> ProviderError:
    with pytest.raises(ProviderError) as info:
        await awaitable
    return info.value


# --- HeyGen -----------------------------------------------------------------------------------


async def test_heygen_session_happy_path(fake_providers, settings) -> None:
    fake_providers.configure(settings, avatar="heygen")
    provider = get_avatar_provider()
    created: list[str] = []
    open_when_created: list[int] = []

    async def on_created(session_id: str) -> None:
        created.append(session_id)
        open_when_created.append(fake_providers.state()["open_sessions"]["heygen"])

    connection = await provider.start(
        AvatarStartOptions(avatar_id="Ann_Therapist_public", voice_id="voice-ann"), on_created
    )
    assert created == [connection.session_id]
    assert open_when_created == [1]  # the id is known before streaming.start
    browser = connection.for_browser()
    assert browser["provider"] == "heygen"
    assert browser["url"].startswith("wss://")
    assert browser["access_token"]
    assert await provider.list_open_sessions() == [connection.session_id]
    assert await provider.speak(connection.session_id, "Tell me about yourself.")
    await provider.interrupt(connection.session_id)
    await provider.keep_alive(connection.session_id)
    await provider.stop(connection.session_id)
    await provider.stop(connection.session_id)  # idempotent
    await provider.stop("never-existed")
    assert await provider.list_open_sessions() == []
    assert {a.id for a in await provider.list_avatars()} >= {"Ann_Therapist_public"}
    assert [v.id for v in await provider.list_voices()][:1] == ["voice-ann"]
    new = next(e for e in fake_providers.state()["log"] if e["endpoint"] == "new")
    assert new["body"]["version"] == "v2"
    task = next(e for e in fake_providers.state()["log"] if e["endpoint"] == "task")
    assert task["body"]["task_type"] == "repeat"


@pytest.mark.parametrize(
    ("knobs", "code", "permanent"),
    [
        ({"heygen": {"api_key": "another-key"}}, "unauthorized", True),
        ({"heygen_new": {"fail": "avatar_not_found"}}, "avatar_not_found", True),
        ({"heygen_new": {"concurrency": 0}}, "concurrency_limit", False),
        ({"heygen_new": {"fail": "429", "retry_after": 3}}, "rate_limited", False),
        ({"heygen_start": {"fail": "500"}}, "http_500", False),
        ({"heygen_new": {"fail": "malformed"}}, "malformed", False),
        ({"heygen_new": {"fail": "reset"}}, "connection", False),
        ({"heygen_new": {"fail": "timeout"}}, "timeout", False),
    ],
)
async def test_heygen_errors_are_classified(fake_providers, settings, knobs, code, permanent):
    fake_providers.configure(settings, avatar="heygen")
    settings.PROVIDER_TIMEOUT = 1.0
    fake_providers.knobs(**knobs)
    error = await _error(get_avatar_provider().start(AvatarStartOptions()))
    assert (error.code, error.permanent, error.provider) == (code, permanent, "heygen")
    if code == "rate_limited":
        assert error.retry_after == 3


async def test_heygen_speaking_on_a_closed_session_is_a_clear_error(fake_providers, settings):
    fake_providers.configure(settings, avatar="heygen")
    provider = get_avatar_provider()
    connection = await provider.start(AvatarStartOptions())
    await provider.stop(connection.session_id)
    error = await _error(provider.speak(connection.session_id, "Hello"))
    assert error.code == "session_not_found" or error.code == "bad_state"
    assert (await _error(provider.speak("nope", "Hi"))).code == "session_not_found"


# --- LiveAvatar -------------------------------------------------------------------------------


async def test_liveavatar_session_happy_path(fake_providers, settings) -> None:
    fake_providers.configure(settings, avatar="liveavatar")
    provider = get_avatar_provider()
    assert provider.server_side_speech is False  # speech travels over LiveKit data
    avatars = await provider.list_avatars()
    created: list[str] = []

    async def on_created(session_id: str) -> None:
        created.append(session_id)

    connection = await provider.start(AvatarStartOptions(avatar_id=avatars[0].id), on_created)
    assert created == [connection.session_id]
    browser = connection.for_browser()
    assert browser["provider"] == "liveavatar"
    assert browser["access_token"]
    assert browser["command_topic"] == "agent-control"
    token_request = next(e for e in fake_providers.state()["log"] if e["endpoint"] == "token")
    assert token_request["body"]["mode"] == "FULL"
    assert "context_id" not in token_request["body"]["avatar_persona"]
    assert await provider.speak(connection.session_id, "Hello")  # a task id for the browser
    await provider.keep_alive(connection.session_id)
    assert await provider.list_open_sessions() == [connection.session_id]
    await provider.stop(connection.session_id, "idle timeout")
    await provider.stop(connection.session_id, "again")  # idempotent
    sessions = fake_providers.state()["sessions"]["liveavatar"]
    assert sessions[0]["close_reason"] == "IDLE_TIMEOUT"
    assert await provider.list_open_sessions() == []
    assert await provider.list_voices()


@pytest.mark.parametrize(
    ("knobs", "avatar", "code", "permanent"),
    [
        ({"liveavatar": {"api_key": "other"}}, None, "unauthorized", True),
        ({}, "00000000-0000-4000-8000-00000000dead", "avatar_not_found", True),
        ({"liveavatar_token": {"concurrency": 0}}, None, "concurrency_limit", False),
        ({"liveavatar_start": {"fail": "503"}}, None, "http_503", False),
    ],
)
async def test_liveavatar_errors_are_classified(
    fake_providers, settings, knobs, avatar, code, permanent
):
    fake_providers.configure(settings, avatar="liveavatar")
    fake_providers.knobs(**knobs)
    options = AvatarStartOptions(avatar_id=avatar or settings.AVATAR_DEFAULT_ID)
    error = await _error(get_avatar_provider().start(options))
    assert (error.code, error.permanent) == (code, permanent)


# --- Deepgram ---------------------------------------------------------------------------------


async def test_deepgram_prerecorded_transcript_with_word_timings(fake_providers, settings):
    fake_providers.configure(settings, transcriber="deepgram")
    fake_providers.knobs(deepgram={"transcript": "Um, I led the migration. It went well."})
    transcriber = get_transcriber()
    assert isinstance(transcriber.client, deepgram.AsyncDeepgramClient)  # the official SDK
    transcript = await transcriber.transcribe(b"\x1a\x45\xdf\xa3" + b"\0" * 8000)
    assert transcript.text == "Um, I led the migration. It went well."
    assert [w.word for w in transcript.words][:2] == ["Um,", "I"]  # fillers are kept
    assert all(w.end > w.start for w in transcript.words)
    assert transcript.duration > 0
    query = fake_providers.state()["log"][-1]["query"]
    assert query["model"] == "nova-3"
    assert {query["smart_format"], query["filler_words"], query["utterances"]} == {"true"}


@pytest.mark.parametrize(
    ("knobs", "code", "permanent"),
    [
        ({"deepgram": {"api_key": "other"}}, "unauthorized", True),
        ({"deepgram_listen": {"fail": "429", "retry_after": 2}}, "rate_limited", False),
        ({"deepgram_listen": {"fail": "500"}}, "http_500", False),
        ({"deepgram_listen": {"fail": "400"}}, "http_400", True),
        ({"deepgram_listen": {"fail": "timeout"}}, "timeout", False),
    ],
)
async def test_deepgram_prerecorded_errors(fake_providers, settings, knobs, code, permanent):
    fake_providers.configure(settings, transcriber="deepgram")
    settings.PROVIDER_TIMEOUT = 1.0
    fake_providers.knobs(**knobs)
    error = await _error(get_transcriber().transcribe(b"audio"))
    assert (error.code, error.permanent) == (code, permanent)


async def _drain(stream, until: str, limit: int = 50) -> list:
    events = []
    async for event in stream.events():
        events.append(event)
        if event.kind == until or len(events) >= limit:
            break
    return events


async def test_deepgram_live_relays_webm_chunks_and_yields_events(fake_providers, settings):
    fake_providers.configure(settings, transcriber="deepgram")
    fake_providers.knobs(
        deepgram_live={"utterances": ["I enjoy hard problems.", "Mostly distributed systems."]}
    )
    stream = await get_transcriber().open_live()
    try:
        for _ in range(4):
            await stream.send(b"\x1a\x45\xdf\xa3" + b"\x00" * 400)
        first = await _drain(stream, "utterance_end")
        kinds = [e.kind for e in first]
        assert kinds[0] == "speech_started"
        assert "interim" in kinds
        final = next(e for e in first if e.kind == "final")
        assert final.speech_final
        assert final.text == "I enjoy hard problems."
        # The user stops early: Finalize completes the utterance, flagged from_finalize.
        await stream.send(b"\x00" * 400)
        await stream.finalize()
        second = await _drain(stream, "utterance_end")
        flushed = next(e for e in second if e.kind == "final")
        assert flushed.from_finalize
        assert flushed.text == "Mostly distributed systems."
    finally:
        await stream.close()
    rest = [e.kind async for e in stream.events()]
    assert rest[-1] == "closed"
    live = next(e for e in fake_providers.state()["log"] if e["endpoint"] == "live")
    assert "encoding" not in live["query"]  # containers carry their own format
    assert "sample_rate" not in live["query"]
    assert live["query"]["filler_words"] == "true"
    assert fake_providers.state()["open_sessions"]["deepgram"] == 0


async def test_deepgram_live_with_a_bad_key_is_a_permanent_error(fake_providers, settings):
    fake_providers.configure(settings, transcriber="deepgram")
    settings.DEEPGRAM_API_KEY = "wrong"
    error = await _error(get_transcriber().open_live())
    assert (error.code, error.permanent) == ("unauthorized", True)


async def test_deepgram_live_idle_close_is_reported(fake_providers, settings):
    fake_providers.configure(settings, transcriber="deepgram")
    fake_providers.knobs(deepgram_live={"idle_close": 0.5})
    stream = await get_transcriber().open_live()
    async with asyncio.timeout(10):
        events = await _drain(stream, "closed")
    assert [e.kind for e in events] == ["error", "closed"]
    assert "idle" in events[0].message
    await stream.close()
    with pytest.raises(ProviderError):
        await stream.send(b"late audio")


async def test_deepgram_browser_token_grant(fake_providers, settings):
    fake_providers.configure(settings, transcriber="deepgram")
    token, expires_in = await get_transcriber().grant_token(ttl_seconds=60)
    assert token
    assert expires_in == 60


# --- OpenAI -----------------------------------------------------------------------------------


async def test_openai_streams_text_deltas(fake_providers, settings) -> None:
    fake_providers.configure(settings, llm="openai")
    fake_providers.knobs(openai={"replies": ["Great start. Tell me more!"]})
    model = get_language_model()
    assert isinstance(model.client, openai.AsyncOpenAI)  # the official SDK
    deltas = [d async for d in model.stream_text(USER, max_tokens=50)]
    assert len(deltas) > 1
    assert "".join(deltas) == "Great start. Tell me more!"
    request = fake_providers.state()["log"][-1]
    assert request["body"]["stream"] is True
    assert request["body"]["model"] == settings.OPENAI_MODEL


async def test_openai_streamed_refusal_is_an_error_not_an_empty_reply(fake_providers, settings):
    fake_providers.configure(settings, llm="openai")
    fake_providers.knobs(openai_chat={"output_faults": "refusal"})
    with pytest.raises(ProviderError) as info:
        _ = [d async for d in get_language_model().stream_text(USER, max_tokens=50)]
    assert info.value.code == "refusal"
    assert info.value.permanent is True  # asking again gets the same answer


async def test_openai_structured_output_against_a_strict_schema(fake_providers, settings):
    fake_providers.configure(settings, llm="openai")
    model = get_language_model()
    generated = await model.complete_json(USER, schema_name="Feedback", schema=SCHEMA)
    assert generated == {"score": 1, "tips": ["example"]}
    fake_providers.knobs(openai={"json_replies": [{"score": 4, "tips": ["Use STAR."]}]})
    scripted = await model.complete_json(USER, schema_name="Feedback", schema=SCHEMA)
    assert scripted == {"score": 4, "tips": ["Use STAR."]}
    request = fake_providers.state()["log"][-1]["body"]["response_format"]
    assert request["type"] == "json_schema"
    assert request["json_schema"]["strict"] is True
    assert request["json_schema"]["name"] == "Feedback"


@pytest.mark.parametrize(
    ("knobs", "code", "permanent"),
    [
        ({"openai": {"api_key": "other"}}, "unauthorized", True),
        ({"openai": {"fail": "429", "retry_after": 4}}, "rate_limited", False),
        ({"openai": {"fail": "500"}}, "http_500", False),
        ({"openai": {"fail": "timeout"}}, "timeout", False),
        ({"openai": {"fail": "reset"}}, "connection", False),
        ({"openai": {"fail": "400"}}, "bad_request", True),
        ({"openai": {"json_replies": ["{not json"]}}, "malformed", False),
        ({"openai": {"finish_reason": "length"}}, "truncated", True),
    ],
)
async def test_openai_errors_are_classified(fake_providers, settings, knobs, code, permanent):
    fake_providers.configure(settings, llm="openai")
    settings.PROVIDER_TIMEOUT = 1.0
    fake_providers.knobs(**knobs)
    error = await _error(
        get_language_model().complete_json(USER, schema_name="Feedback", schema=SCHEMA)
    )
    assert (error.code, error.permanent) == (code, permanent)
    if code == "rate_limited":
        assert error.retry_after == 4


async def test_openai_loose_schema_is_refused_permanently(fake_providers, settings):
    fake_providers.configure(settings, llm="openai")
    loose = {"type": "object", "properties": {"a": {"type": "string"}}}
    error = await _error(get_language_model().complete_json(USER, schema_name="X", schema=loose))
    assert (error.code, error.permanent) == ("bad_request", True)


async def test_openai_error_in_the_middle_of_a_stream(fake_providers, settings):
    fake_providers.configure(settings, llm="openai")
    fake_providers.knobs(openai={"stream_error": True})
    received: list[str] = []

    async def consume() -> None:
        async for delta in get_language_model().stream_text(USER):
            received.append(delta)

    with pytest.raises(ProviderError) as info:
        await consume()
    assert received  # the first half arrived before the failure
    assert info.value.permanent is False
