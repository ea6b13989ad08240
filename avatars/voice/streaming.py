"""A language model's reply as spoken sentences: the one place a reply is streamed and its
first token timed, for every conversation (the tutor, the interview's follow-up).

The stream is opened through `stream_with_retries` (a 429, 5xx or dropped connection before
the first word is retried, not apologised for) and cut into sentences as they complete, so the
first one can be spoken while the model is still writing the rest.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import aclosing

from avatars.retries import stream_with_retries
from avatars.voice.sentences import iter_sentences

OpenStream = Callable[[], AsyncIterator[str]]


async def _noting_first(
    deltas: AsyncIterator[str], on_first: Callable[[], None] | None
) -> AsyncGenerator[str, None]:
    try:
        async for delta in deltas:
            if on_first is not None and delta:
                on_first()
                on_first = None
            yield delta
    finally:  # a reply cut short (barge-in, a sentence cap) closes the model's stream now
        close = getattr(deltas, "aclose", None)
        if close is not None:
            await close()


async def model_sentences(
    open_stream: OpenStream, *, on_first_token: Callable[[], None] | None = None
) -> AsyncGenerator[str, None]:
    """Yield the model's reply sentence by sentence; `on_first_token` runs when its first
    text arrives (the turn's `first_token` mark)."""
    # Both generators are closed when the reader stops early (a barge-in, a sentence cap):
    # iter_sentences does not close its input, and the model's HTTP stream must end now.
    async with (
        aclosing(_noting_first(stream_with_retries(open_stream), on_first_token)) as deltas,
        aclosing(iter_sentences(deltas)) as sentences,
    ):
        async for sentence in sentences:
            sentence = sentence.strip()
            if sentence:
                yield sentence
