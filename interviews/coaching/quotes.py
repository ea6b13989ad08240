"""The quote check every coaching engine passes: a quote counts only when it really occurs in
the candidate's transcript (case, whitespace and punctuation aside); plus the text bounds."""

from __future__ import annotations

import re
import unicodedata

MAX_QUOTE_CHARS = 320
MAX_TEXT_CHARS = 400

_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACE = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"\.{3,}|…")


def normalise(text: str) -> str:
    """Case-, whitespace- and punctuation-insensitive form used to match quotes."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = _PUNCT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def quote_in_transcript(quote: str, normalised_transcript: str) -> bool:
    """True when the quote occurs in the transcript. Fragments joined by an ellipsis
    ("I led ... the migration") must each occur, in order."""
    fragments = [normalise(part) for part in _ELLIPSIS.split(quote or "")]
    fragments = [f for f in fragments if f]
    if not fragments:
        return False
    haystack = f" {normalised_transcript} "
    position = 0
    for fragment in fragments:
        # Whole-word match: pad with spaces so "led" does not match inside "called".
        found = haystack.find(f" {fragment} ", position)
        if found < 0:
            return False
        position = found + len(fragment) + 1
    return True


def clip(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    text = _SPACE.sub(" ", str(text or "")).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def clip_quote(quote: str) -> str:
    """Shorten a long quote at a word boundary; a prefix of a real quote is still real."""
    quote = _SPACE.sub(" ", quote).strip()
    if len(quote) <= MAX_QUOTE_CHARS:
        return quote
    return quote[:MAX_QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
