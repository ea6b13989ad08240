"""Word lists and cue patterns of the local coach (English), from data/lexicons.toml."""

from __future__ import annotations

import re

from interviews.coaching.datafiles import DataFileError, load, regex, table, text

_FILE = "lexicons.toml"
_DATA = load(_FILE)
_WORDS = table(_DATA, "words", _FILE)
_PATTERNS = table(_DATA, "patterns", _FILE)


def _words(key: str) -> frozenset[str]:
    return frozenset(text(_WORDS, key, f"{_FILE} [words]").split())


def _pattern(key: str, flags: int = 0) -> re.Pattern[str]:
    pattern = regex(text(_PATTERNS, key, f"{_FILE} [patterns]"), f"{_FILE} [patterns] {key}")
    return re.compile(pattern.pattern, flags) if flags else pattern


FIRST_SINGULAR = _words("first_singular")
FIRST_PLURAL = _words("first_plural")
ENGLISH_COMMON = _words("english_common")
STOPWORDS = ENGLISH_COMMON | _words("stopwords")
TECH_WORDS = _words("tech_words")
METRIC_WORDS = _words("metric_words")
NUMBER_WORDS = _words("number_words")
TIME_WORDS = _words("time_words")
COMMON_CAPITALISED = _words("common_capitalised")
# Past-tense verbs that are states or opinions, not actions a candidate took.
NOT_ACTIONS = _words("not_actions")
BREAK_WORDS = _words("break_words")

IRREGULAR_ACTIONS = text(_PATTERNS, "irregular_actions", f"{_FILE} [patterns]")
_ADVERB = r"(?:\w+ly |then |also |first |finally |just |then also |still |even |myself )?"
I_ACTION = re.compile(rf"\bi {_ADVERB}(\w{{3,}}ed|{IRREGULAR_ACTIONS})\b")
WE_ACTION = re.compile(rf"\bwe {_ADVERB}(\w{{3,}}ed|{IRREGULAR_ACTIONS})\b")
HEDGES = _pattern("hedges")
HYPOTHETICAL = _pattern("hypothetical")
# Self-description and stock phrases: claims about the candidate, not evidence.
BUZZ_PHRASES = _pattern("buzz_phrases")
SELF_DESCRIPTION = _pattern("self_description")
DECLINES = _pattern("declines")
LASTING_RESULT = _pattern("lasting_result")
BUSINESS_RESULT = _pattern("business_result")
REASONS = _pattern("reasons")
NUMBER_IN_WORDS = _pattern("number_in_words")
NUMBER_WITH_UNIT = _pattern("number_with_unit", re.IGNORECASE)
STAR_LABEL = _pattern("star_label")
CLAUSE_BREAK = _pattern("clause_break")
OUTCOME_IN_ACTION = _pattern("outcome_in_action")


def weighted_cues(part: str) -> tuple[tuple[re.Pattern[str], float], ...]:
    """The weighted patterns that score a sentence as one STAR part ([[cues.<part>]])."""
    where = f"{_FILE} [[cues.{part}]]"
    entries = table(_DATA, "cues", _FILE).get(part)
    if not isinstance(entries, list) or not entries:
        raise DataFileError(f"{where}: missing")
    out = []
    for index, entry in enumerate(entries):
        weight = entry.get("weight") if isinstance(entry, dict) else None
        if not isinstance(weight, int | float):
            raise DataFileError(f"{where} #{index + 1}: `weight` must be a number")
        out.append((regex(entry.get("pattern"), f"{where} #{index + 1}"), float(weight)))
    return tuple(out)
