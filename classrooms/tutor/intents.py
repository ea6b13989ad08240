"""What kind of thing the student just said (greeting, plea for the answer, confusion...).

Shared by the local tutor (which picks its sentences by it) and grounding (a greeting has
nothing to ground, so it is never reported as a question the material could not answer).
"""

from __future__ import annotations

import re
from enum import StrEnum

from classrooms.lexicon import lexicon, phrase_pattern
from classrooms.retrieval import terms


class Intent(StrEnum):
    EMPTY = "empty"
    GREETING = "greeting"
    THANKS = "thanks"
    FAREWELL = "farewell"
    ANSWER_BEGGING = "answer_begging"
    CONFUSED = "confused"
    QUESTION = "question"
    STATEMENT = "statement"


_PHRASES = lexicon().intents
ANSWER_BEGGING = phrase_pattern(_PHRASES["answer_begging"])
CONFUSED = phrase_pattern(_PHRASES["confused"])
_GREETING = phrase_pattern(_PHRASES["greeting"], at_start=True)
_THANKS = phrase_pattern(_PHRASES["thanks"], at_start=True)
_FAREWELL = phrase_pattern(_PHRASES["farewell"])
_QUESTION_START = phrase_pattern(_PHRASES["question_start"], at_start=True)
SHORT_CHATTER_WORDS = 8
FILLERS = lexicon().sound_fillers


def classify(text: str) -> Intent:
    text = text.strip()
    if not re.search(r"[A-Za-z0-9]", text):
        return Intent.EMPTY
    content = [t for t in terms(text) if t not in FILLERS]
    if not content and len(text.split()) <= 2 and not _THANKS.search(text):
        return Intent.EMPTY  # "um", "why", "hmm": nothing to answer yet
    if ANSWER_BEGGING.search(text):
        return Intent.ANSWER_BEGGING
    short = len(text.split()) <= SHORT_CHATTER_WORDS
    if _GREETING.search(text) and (short or len(content) <= 1):
        return Intent.GREETING
    if _FAREWELL.search(text) and short:
        return Intent.FAREWELL
    if _THANKS.search(text) and short and len(content) <= 2:
        return Intent.THANKS
    if CONFUSED.search(text):
        return Intent.CONFUSED
    if text.endswith("?") or _QUESTION_START.search(text):
        return Intent.QUESTION
    return Intent.STATEMENT


CHATTER = frozenset({Intent.EMPTY, Intent.GREETING, Intent.THANKS, Intent.FAREWELL})
