"""The sentence cutter: callers can speak each sentence the moment the model finishes it."""

from __future__ import annotations

from collections.abc import AsyncIterator

from hypothesis import given
from hypothesis import strategies as st

from avatars.voice.sentences import iter_sentences, iter_sentences_sync, split_sentences


async def _deltas(parts: list[str]) -> AsyncIterator[str]:
    for part in parts:
        yield part


async def _collect(parts: list[str]) -> list[str]:
    return [s async for s in iter_sentences(_deltas(parts))]


async def test_sentences_are_cut_at_terminators_and_remainder_is_flushed() -> None:
    parts = ["Hel", "lo there", ". How are", " you? I", " am fine!", " And you"]
    assert await _collect(parts) == ["Hello there.", "How are you?", "I am fine!", "And you"]


async def test_each_sentence_is_yielded_before_the_stream_ends() -> None:
    seen: list[str] = []
    emitted_after: list[int] = []

    async def deltas() -> AsyncIterator[str]:
        for i, part in enumerate(["First one.", " Second", " one.", " Third"]):
            seen.append(part)
            yield part
            del i

    async for sentence in iter_sentences(deltas()):
        emitted_after.append(len(seen))
        if sentence == "First one.":
            # Emitted as soon as the whitespace after it arrived, long before the end.
            assert len(seen) == 2
    assert emitted_after == [2, 4, 4]


async def test_abbreviations_decimals_and_initials_do_not_end_sentences() -> None:
    text = (
        "Use a framework, e.g. STAR, for stories. Dr. Smith scored 3.5 points. "
        "J. Doe moved to the U.S. in May. Done"
    )
    # Delivered one character at a time, the worst case for lookahead.
    assert await _collect(list(text)) == [
        "Use a framework, e.g. STAR, for stories.",
        "Dr. Smith scored 3.5 points.",
        "J. Doe moved to the U.S. in May.",
        "Done",
    ]


async def test_quotes_ellipses_and_paragraph_breaks() -> None:
    text = 'She said "stop!" Then left... Later:\n\nA new point'
    assert await _collect([text]) == ['She said "stop!"', "Then left...", "Later:", "A new point"]


async def test_empty_and_whitespace_only_streams_yield_nothing() -> None:
    assert await _collect([]) == []
    assert await _collect(["", "   ", "\n"]) == []


def test_sync_helpers_match() -> None:
    assert split_sentences("One. Two? Three") == ["One.", "Two?", "Three"]
    assert list(iter_sentences_sync(["One", ". Tw", "o."])) == ["One.", "Two."]


@given(
    st.lists(
        st.text(alphabet="ab .!?3e\n", min_size=0, max_size=12),
        min_size=0,
        max_size=12,
    )
)
def test_chunking_never_changes_the_words(parts: list[str]) -> None:
    """However the text is split into deltas, the words come out the same and in order."""
    text = "".join(parts)
    streamed = list(iter_sentences_sync(parts))
    assert " ".join(streamed).split() == text.split()
    assert streamed == split_sentences(text)
