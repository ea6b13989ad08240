"""Cut a stream of model text deltas into sentences as soon as each one completes.

Callers speak the first sentence while the model is still writing the rest:

    async for sentence in iter_sentences(model.stream_text(messages)):
        await avatar_session_speak(session=s, text=sentence)

A sentence ends at ".", "!" or "?" (optionally followed by closing quotes or brackets) when the
next character is whitespace, or at the end of the stream. A period does not end a sentence
after a known abbreviation ("e.g.", "Dr.", "U.S."), a single initial ("J. Smith"), or inside a
number ("3.5"). Because whether a sentence ended can depend on the next character, a sentence is
emitted when the following whitespace arrives (one delta later at most); the remainder is flushed
when the stream ends. Blank-line paragraph breaks also end a sentence (lists, headings).
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Iterator

ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "eg",
        "ie",
        "cf",
        "approx",
        "inc",
        "ltd",
        "co",
        "corp",
        "no",
        "fig",
        "vol",
        "dept",
        "est",
        "mt",
        "u.s",
        "u.k",
        "a.m",
        "p.m",
        "ph.d",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    }
)
_TERMINATORS = ".!?…"
_CLOSERS = "\"')]}\u00bb\u201d\u2019"
# The word right before a period: letters, digits and inner periods ("e.g", "U.S", "3").
_LAST_WORD = re.compile(r"([\w.]+)$")


def _is_abbreviation(text_before_period: str) -> bool:
    match = _LAST_WORD.search(text_before_period)
    if not match:
        return False
    word = match.group(1).lower().lstrip(".")
    if word in ABBREVIATIONS:
        return True
    # A single letter is an initial ("J. Smith"); "I." is rare enough at a sentence end.
    return len(word) == 1 and word.isalpha() and word != "i"


def _find_boundary(buffer: str, start: int, final: bool) -> int | None:
    """Index just past the end of the first complete sentence in buffer[start:], or None."""
    i = start
    n = len(buffer)
    while i < n:
        ch = buffer[i]
        if ch == "\n" and i + 1 < n and buffer[i + 1] == "\n" and buffer[:i].strip():
            return i
        if ch in _TERMINATORS:
            end = i + 1
            while end < n and buffer[end] in _TERMINATORS:
                end += 1
            while end < n and buffer[end] in _CLOSERS:
                end += 1
            if end >= n:
                if not final:
                    return None  # wait: the next delta decides (".5", "..", "\"")
                return end
            if not buffer[end].isspace():
                i = end  # "3.5", "e.g.x", "file.txt": not a boundary
                continue
            if ch == "." and end == i + 1 and _is_abbreviation(buffer[:i]):
                i = end
                continue
            return end
        i += 1
    return None


def split_sentences(text: str) -> list[str]:
    """All sentences of a complete text (the same rules, for non-streamed strings)."""
    return list(_drain(text, final=True)[0])


def _drain(buffer: str, *, final: bool) -> tuple[list[str], str]:
    sentences: list[str] = []
    while True:
        stripped = buffer.lstrip()
        boundary = _find_boundary(stripped, 0, final)
        if boundary is None:
            buffer = stripped
            break
        sentence = stripped[:boundary].strip()
        if sentence:
            sentences.append(sentence)
        buffer = stripped[boundary:]
    if final and buffer.strip():
        sentences.append(buffer.strip())
        buffer = ""
    return sentences, buffer


async def iter_sentences(deltas: AsyncIterator[str]) -> AsyncGenerator[str, None]:
    """Yield each complete sentence from a stream of text deltas, then the remainder."""
    buffer = ""
    async for delta in deltas:
        if not delta:
            continue
        buffer += delta
        sentences, buffer = _drain(buffer, final=False)
        for sentence in sentences:
            yield sentence
    sentences, _ = _drain(buffer, final=True)
    for sentence in sentences:
        yield sentence


def iter_sentences_sync(deltas: Iterable[str]) -> Iterator[str]:
    """The same cutting for a plain iterable (local engines, tests)."""
    buffer = ""
    for delta in deltas:
        buffer += delta
        sentences, buffer = _drain(buffer, final=False)
        yield from sentences
    yield from _drain(buffer, final=True)[0]
