"""OpenAI (or any OpenAI-compatible server: Ollama, vLLM, llama.cpp) through the official SDK.

`AsyncOpenAI(base_url=OPENAI_BASE_URL or the default, timeout=PROVIDER_TIMEOUT, max_retries=0)`,
one per event loop with its own connection pool (the SDK runs on httpx2, not httpx, so it
cannot share the other vendors' client): the SDK does not retry; our callers retry retryable `ProviderError`s with jittered backoff
(`avatars.retries.with_retries`). `stream_text` yields content deltas of a streamed chat
completion; `complete_json` asks for a strict `json_schema` response and parses it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any, cast

import openai as openai_sdk
from django.conf import settings
from openai.types.chat import ChatCompletionMessageParam

from avatars.providers.base import ChatMessage, ProviderError
from avatars.providers.http import LoopLocal, retry_after_seconds

NAME = "openai"


def _client() -> openai_sdk.AsyncOpenAI:
    # Our own HTTP client, not the SDK's: the SDK's closes itself when garbage collected by
    # scheduling `aclose()` on whatever loop is running then, which for a client of a loop that
    # has ended (async_to_sync, a command, a test) fails as an ERROR "Task exception was never
    # retrieved ... Event loop is closed" in someone else's log.
    return openai_sdk.AsyncOpenAI(
        api_key=settings.OPENAI_API_KEY or "missing-key",
        base_url=settings.OPENAI_BASE_URL or None,
        timeout=float(settings.PROVIDER_TIMEOUT),
        max_retries=0,
        http_client=openai_sdk.DefaultAsyncHttpxClient(timeout=float(settings.PROVIDER_TIMEOUT)),
    )


def map_openai_error(exc: Exception) -> ProviderError:
    """openai exceptions -> ProviderError (permanent unless a retry can help)."""
    if isinstance(exc, openai_sdk.APITimeoutError):
        return ProviderError(
            f"no answer within {settings.PROVIDER_TIMEOUT:g} s",
            permanent=False,
            provider=NAME,
            code="timeout",
        )
    if isinstance(exc, openai_sdk.APIConnectionError):
        return ProviderError("connection failed", permanent=False, provider=NAME, code="connection")
    if isinstance(exc, openai_sdk.APIStatusError):
        status = exc.status_code
        body = exc.body if isinstance(exc.body, dict) else {}
        message = str(body.get("message") or f"HTTP {status}")
        if isinstance(exc, openai_sdk.AuthenticationError | openai_sdk.PermissionDeniedError):
            return ProviderError(
                "the API key was refused",
                permanent=True,
                provider=NAME,
                code="unauthorized",
                status=status,
            )
        if isinstance(exc, openai_sdk.RateLimitError):
            quota = body.get("code") == "insufficient_quota"
            return ProviderError(
                message,
                permanent=quota,
                provider=NAME,
                code="insufficient_quota" if quota else "rate_limited",
                status=status,
                retry_after=retry_after_seconds(exc.response.headers),
            )
        if isinstance(exc, openai_sdk.NotFoundError):
            return ProviderError(
                message, permanent=True, provider=NAME, code="model_not_found", status=status
            )
        if status >= 500 or status in (408, 409):
            return ProviderError(
                message,
                permanent=False,
                provider=NAME,
                code=f"http_{status}",
                status=status,
                retry_after=retry_after_seconds(exc.response.headers),
            )
        return ProviderError(
            message, permanent=True, provider=NAME, code="bad_request", status=status
        )
    if isinstance(exc, openai_sdk.APIError):
        # e.g. an error event in the middle of a stream
        return ProviderError(
            str(exc.message or exc), permanent=False, provider=NAME, code="stream_error"
        )
    return ProviderError(str(exc), permanent=False, provider=NAME, code="unexpected")


def json_in_reply(content: str) -> Any:
    """The JSON of a structured reply. OpenAI-compatible servers that do not enforce the schema
    (many local ones) wrap it in prose or a ```json fence; then the JSON object that starts at
    the first "{" is taken. Raises JSONDecodeError when there is none."""
    try:
        return json.loads(content)
    except json.JSONDecodeError:
        start = content.find("{")
        if start < 0:
            raise
        value, _ = json.JSONDecoder().raw_decode(content, start)
        return value


class OpenAILanguageModel:
    name = NAME

    def __init__(self) -> None:
        self._clients = LoopLocal(_client)

    @property
    def client(self) -> openai_sdk.AsyncOpenAI:
        return self._clients.get()

    @staticmethod
    def _messages(messages: list[ChatMessage]) -> list[ChatCompletionMessageParam]:
        return [
            cast("ChatCompletionMessageParam", {"role": m.role, "content": m.content})
            for m in messages
        ]

    async def stream_text(
        self,
        messages: list[ChatMessage],
        *,
        max_tokens: int = 400,
        temperature: float = 0.4,
        model: str | None = None,
    ) -> AsyncIterator[str]:
        try:
            stream = await self.client.chat.completions.create(
                model=model or settings.OPENAI_MODEL,
                messages=self._messages(messages),
                max_tokens=max_tokens,
                temperature=temperature,
                stream=True,
            )
            chunks = 0
            said = False
            refusal: list[str] = []
            try:
                async for chunk in stream:
                    chunks += 1
                    if not chunk.choices:
                        continue
                    delta = chunk.choices[0].delta
                    if delta.refusal:
                        refusal.append(delta.refusal)
                    if delta.content:
                        said = True
                        yield delta.content
            finally:
                await stream.close()  # also when the caller stops early
            if refusal and not said:
                # The model declined (the API's `refusal` field, content null): an empty reply
                # would leave the tutor or the interviewer silent with no reason given.
                raise ProviderError(
                    "the model declined to answer: " + "".join(refusal)[:200],
                    permanent=True,
                    provider=NAME,
                    code="refusal",
                )
            if chunks == 0:
                # Not a single event (a body that is not server-sent events): unreadable, not
                # an empty reply, so callers retry or fall back instead of staying silent.
                raise ProviderError(
                    "the stream carried no events", permanent=False, provider=NAME, code="malformed"
                )
        except openai_sdk.OpenAIError as exc:
            raise map_openai_error(exc) from exc
        except ValueError as exc:  # unreadable stream payload
            raise ProviderError(
                "unreadable stream", permanent=False, provider=NAME, code="malformed"
            ) from exc

    async def complete_json(
        self,
        messages: list[ChatMessage],
        *,
        schema_name: str,
        schema: dict[str, Any],
        max_tokens: int = 1200,
        model: str | None = None,
        temperature: float | None = None,
    ) -> dict[str, Any]:
        try:
            completion = await self.client.chat.completions.create(
                model=model or settings.OPENAI_MODEL,
                messages=self._messages(messages),
                max_tokens=max_tokens,
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": schema_name, "strict": True, "schema": schema},
                },
                temperature=openai_sdk.omit if temperature is None else temperature,
            )
        except openai_sdk.OpenAIError as exc:
            raise map_openai_error(exc) from exc
        except ValueError as exc:
            raise ProviderError(
                "unreadable answer", permanent=False, provider=NAME, code="malformed"
            ) from exc
        if not completion.choices:
            raise ProviderError("empty answer", permanent=False, provider=NAME, code="malformed")
        choice = completion.choices[0]
        refusal = getattr(choice.message, "refusal", None)
        if refusal:
            raise ProviderError(
                "the model refused to answer", permanent=True, provider=NAME, code="refusal"
            )
        if choice.finish_reason == "length":
            raise ProviderError(
                "the answer was cut off (max_tokens)",
                permanent=True,
                provider=NAME,
                code="truncated",
            )
        try:
            value = json_in_reply(choice.message.content or "")
        except json.JSONDecodeError as exc:
            raise ProviderError(
                "the model did not return valid JSON",
                permanent=False,
                provider=NAME,
                code="malformed",
            ) from exc
        if not isinstance(value, dict):
            raise ProviderError(
                "the model did not return a JSON object",
                permanent=False,
                provider=NAME,
                code="malformed",
            )
        return value
