"""Text utilities of the local coach: sentences, tokens, stems, filler words."""

from __future__ import annotations

import re
from collections import Counter

from interviews.coaching.local.lexicons import BREAK_WORDS

WORD = re.compile(r"\w+(?:['\u2019]\w+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?\u3002\uff01\uff1f])\s+|\n+|(?<=[\u3002\uff01\uff1f])")
_MAX_RUN_WORDS = 32
_MIN_RUN_WORDS = 10


def split_sentences(text: str) -> list[str]:
    """Sentences, with long unpunctuated runs split at discourse markers (or every ~32 words),
    so a quote is always a contiguous piece of the transcript."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(text or ""):
        piece = piece.strip()
        if not piece:
            continue
        tokens = piece.split()
        if len(tokens) <= _MAX_RUN_WORDS + 8:
            out.append(" ".join(tokens))
            continue
        run: list[str] = []
        for token in tokens:
            bare = token.lower().strip(",;:")
            if run and (
                len(run) >= _MAX_RUN_WORDS
                or (len(run) >= _MIN_RUN_WORDS and bare in BREAK_WORDS)
                or (len(run) >= _MIN_RUN_WORDS and run[-1].endswith((",", ";", ":")))
            ):
                out.append(" ".join(run))
                run = []
            run.append(token)
        if run:
            out.append(" ".join(run))
    return out


def tokens(text: str) -> list[str]:
    return [t.replace("\u2019", "'") for t in WORD.findall(text.lower())]


def stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "ment", "ly"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def previous_word(text: str, start: int) -> tuple[str, str]:
    """The word before `start` and the non-space character right before it."""
    before = text[max(0, start - 30) : start]
    stripped = before.rstrip()
    char = stripped[-1:] if stripped else ""
    match = re.search(r"(\w+(?:'\w+)?)\W*$", before)
    return (match.group(1) if match else ""), char


def count_fillers(text: str) -> Counter[str]:
    """Filler words and phrases in `text` (lower-cased, punctuation kept for context)."""
    lower = (text or "").lower().replace("\u2019", "'")
    counts: Counter[str] = Counter()
    simple = {
        "um": r"\b(?:u+m+|erm+|uhm+)\b",
        "uh": r"\b(?:u+h+|e+r|a+h+)\b",
        "hmm": r"\bh+m+\b",
        "basically": r"\bbasically\b",
        "actually": r"\bactually\b",
        "literally": r"\bliterally\b",
        "i mean": r"\bi mean\b(?! it\b)",
        "you know": r"\byou know\b(?!\s+(?:how|what|why|where|when|who|if|whether|that|about|"
        r"the|a|it|him|her|them|this)\b)",
        "so yeah": r"\bso yeah\b",
    }
    for name, pattern in simple.items():
        found = len(re.findall(pattern, lower))
        if found:
            counts[name] = found
    for match in re.finditer(r"\b(sort|kind) of\b", lower):
        word, _ = previous_word(lower, match.start())
        if word not in {
            "what",
            "this",
            "that",
            "the",
            "a",
            "any",
            "every",
            "which",
            "same",
            "different",
            "some",
            "these",
            "those",
            "one",
            "right",
            "wrong",
        }:
            counts[f"{match.group(1)} of"] += 1
    for match in re.finditer(r"\blike\b", lower):
        word, char = previous_word(lower, match.start())
        after = lower[match.end() : match.end() + 12]
        next_is_number = bool(
            re.match(r"\s*(\d|a hundred|a thousand|two|three|four|five|ten)", after)
        )
        filler = (
            char in {"", ".", ",", "!", "?", ";", ":"}
            or after.startswith(",")
            or word in {"and", "but", "so", "um", "uh", "umm", "yeah", "oh", "well", "like"}
            or next_is_number
        )
        if filler:
            counts["like"] += 1
    return counts
