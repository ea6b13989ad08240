"""The classroom tutor's word lists, read from `classrooms/data/tutor_lexicon.toml`.

They are data (stopwords, synonyms, spoken numbers, units, what students say when they ask for a
hint or a summary, other languages' common words), so they live in a data file a maintainer can
edit without touching code. The file is read once, on first use, and validated: a malformed
entry stops the process with the entry's name instead of quietly matching nothing.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

LEXICON_PATH = Path(__file__).resolve().parent / "data" / "tutor_lexicon.toml"
WORD_LISTS = (
    "stopwords",
    "not_topic",
    "pronouns",
    "determiners",
    "idea_fillers",
    "sound_fillers",
    "negations",
    "answer_fillers",
)
PHRASE_TABLES = ("units", "asks", "whispers", "languages", "intents")


@dataclass(frozen=True)
class Lexicon:
    stopwords: frozenset[str]
    not_topic: frozenset[str]
    pronouns: frozenset[str]
    determiners: frozenset[str]
    idea_fillers: frozenset[str]
    sound_fillers: frozenset[str]
    negations: frozenset[str]
    answer_fillers: frozenset[str]
    opposites: tuple[tuple[str, str], ...]
    synonyms: tuple[tuple[str, ...], ...]
    numbers: dict[str, float]
    units: dict[str, tuple[str, ...]]
    asks: dict[str, tuple[str, ...]]
    whispers: dict[str, tuple[str, ...]]
    languages: dict[str, frozenset[str]]
    intents: dict[str, tuple[str, ...]]


def _words(name: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        raise ImproperlyConfigured(f"{LEXICON_PATH.name}: {name} must be a list of words")
    if any(w != w.lower() for w in value):
        raise ImproperlyConfigured(f"{LEXICON_PATH.name}: {name} must be lowercase")
    return tuple(value)


def _table(name: str, value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict) or not value:
        raise ImproperlyConfigured(f"{LEXICON_PATH.name}: [{name}] must be a table of lists")
    return {key: _words(f"{name}.{key}", words) for key, words in value.items()}


def parse_lexicon(data: dict[str, Any]) -> Lexicon:
    """Validate the file's content (every list present, lowercase words, numeric numbers)."""
    required = (*WORD_LISTS, *PHRASE_TABLES, "synonyms", "opposites", "numbers")
    missing = [n for n in required if n not in data]
    if missing:
        raise ImproperlyConfigured(f"{LEXICON_PATH.name}: missing {', '.join(missing)}")
    synonyms = data["synonyms"]
    if not isinstance(synonyms, list):
        raise ImproperlyConfigured(f"{LEXICON_PATH.name}: synonyms must be a list of lists")
    numbers = data["numbers"]
    if not isinstance(numbers, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in numbers.values()
    ):
        raise ImproperlyConfigured(f"{LEXICON_PATH.name}: [numbers] must map words to numbers")
    opposites = [_words(f"opposites[{i}]", pair) for i, pair in enumerate(data["opposites"])]
    if any(len(pair) != 2 for pair in opposites):
        raise ImproperlyConfigured(f"{LEXICON_PATH.name}: each of opposites must be a pair")
    lists = {name: frozenset(_words(name, data[name])) for name in WORD_LISTS}
    return Lexicon(
        **lists,
        opposites=tuple((pair[0], pair[1]) for pair in opposites),
        synonyms=tuple(_words(f"synonyms[{i}]", group) for i, group in enumerate(synonyms)),
        numbers={str(k): float(v) for k, v in numbers.items()},
        units=_table("units", data["units"]),
        asks=_table("asks", data["asks"]),
        whispers=_table("whispers", data["whispers"]),
        languages={k: frozenset(v) for k, v in _table("languages", data["languages"]).items()},
        intents=_table("intents", data["intents"]),
    )


def phrase_pattern(phrases: tuple[str, ...], *, at_start: bool = False) -> re.Pattern[str]:
    """A case-insensitive pattern for any of the phrases, as whole words ("confus*" ends in
    any letters; an apostrophe may be left out); `at_start`: only at the start of the text."""
    alternatives = []
    for phrase in sorted(phrases, key=len, reverse=True):
        body = re.escape(phrase.rstrip("*")).replace("'", "'?")
        alternatives.append(body + (r"\w*" if phrase.endswith("*") else ""))
    head = r"^\W*" if at_start else r"\b"
    return re.compile(head + "(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


@cache
def lexicon() -> Lexicon:
    with LEXICON_PATH.open("rb") as handle:
        try:
            data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise ImproperlyConfigured(f"{LEXICON_PATH.name}: {exc}") from exc
    return parse_lexicon(data)


class Folding:
    """Synonym groups folded to their first word: multi-word phrases on the text ("carbon
    dioxide" -> one token), single words by their word or stem."""

    def __init__(self, groups: tuple[tuple[str, ...], ...], stem: Callable[[str], str]) -> None:
        self.words: dict[str, str] = {}
        phrases: list[tuple[str, str]] = []
        for group in groups:
            head = group[0].replace(" ", "")
            for alias in group:
                if " " in alias:
                    phrases.append((alias, head))
                else:
                    self.words.setdefault(alias, head)
                    self.words.setdefault(stem(alias), head)
            if " " not in group[0]:
                self.words[group[0]] = head
                self.words[stem(group[0])] = head
        phrases.sort(key=lambda p: len(p[0]), reverse=True)
        self.pattern = (
            re.compile(r"(?<![\w])(" + "|".join(re.escape(p) for p, _ in phrases) + r")(?![\w])")
            if phrases
            else None
        )
        self.phrases = dict(phrases)

    def text(self, text: str) -> str:
        text = text.lower().replace("\u2019", "'")
        if self.pattern is None:
            return text
        return self.pattern.sub(lambda m: self.phrases[m.group(1)], text)

    def word(self, word: str, stemmed: str) -> str | None:
        """The group a word belongs to, or None."""
        return self.words.get(word) or self.words.get(stemmed)
