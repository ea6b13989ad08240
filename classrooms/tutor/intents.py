"""What kind of thing the student just said (greeting, plea for the answer, confusion...).

Shared by the local tutor (which picks its sentences by it) and grounding (a greeting has
nothing to ground, so it is never reported as a question the material could not answer).
"""

from __future__ import annotations

import re
from enum import StrEnum

from classrooms.lexicon import lexicon
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


ANSWER_BEGGING = re.compile(
    r"\b(just tell me|just give me|give me the (answer|solution)|what'?s the (answer|solution)|"
    r"what is the (answer|solution)|tell me the (answer|solution)|the answer is what|"
    r"solve it for me|do it for me|do my homework|just say (it|the answer)|"
    r"(can|could) you (just )?(give|tell) me the (answer|solution)|skip to the answer)\b",
    re.IGNORECASE,
)
CONFUSED = re.compile(
    r"\b(confus\w*|lost|don'?t (get|understand|follow)|do not (get|understand|follow)|no idea|"
    r"stuck|not sure|makes no sense|doesn'?t make sense|no clue|baffl\w*|puzzl\w*)\b",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^\W*(hi|hello|hey|hiya|howdy|yo|greetings|good (morning|afternoon|evening)|"
    r"how are you|how's it going|what'?s up)\b",
    re.IGNORECASE,
)
_THANKS = re.compile(
    r"^\W*(thanks|thank you|thx|cheers|got it|ok(ay)?|cool|great|nice|that makes sense|"
    r"makes sense|i see|understood|perfect|awesome)\b",
    re.IGNORECASE,
)
_FAREWELL = re.compile(
    r"\b(bye|goodbye|see you|see ya|gotta go|got to go|have to go|i'?m leaving|talk later)\b",
    re.IGNORECASE,
)
_QUESTION_START = re.compile(
    r"^\W*(what|why|how|when|where|which|who|whose|is|are|was|were|do|does|did|can|could|"
    r"should|would|will|isn'?t|aren'?t|doesn'?t|so is|so are|so does)\b",
    re.IGNORECASE,
)
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
