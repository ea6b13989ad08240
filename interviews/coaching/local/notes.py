"""One note per dimension, in the second person. A note says a part is missing only on
structural evidence in the answer itself (nothing after the last action: no result; nothing
before the first action: no setting); otherwise it says what would make the part clearer."""

from __future__ import annotations

import re

from interviews.coaching.local.analysis import PARTS, Analysis
from interviews.coaching.local.delivery import LONG_PAUSE_SECONDS
from interviews.coaching.local.scoring import Relevance, reasoning
from interviews.coaching.schema import DeliveryMetrics

CLEARER = {
    "situation": "say where and when this was and what was at stake",
    "task": "say what you personally had to achieve",
    "action": "say what you did yourself, step by step, with “I”",
    "result": "say what changed because of what you did",
}
#: How a part reads in "Your story has ...".
PART_PHRASES = {
    "situation": "a setting",
    "task": "what you had to do",
    "action": "what you did",
    "result": "how it ended",
}
NO_EXAMPLE = (
    "You describe yourself or how you usually work, but tell no single occasion: tell one time "
    "it happened."
)
_THIRD_PERSON = (
    (re.compile(r"\bthe candidate's\b"), "your"),
    (re.compile(r"\bthe candidate\b"), "you"),
)


def second_person(text: str) -> str:
    """Criteria text is written about "the candidate"; notes speak to them."""
    for pattern, replacement in _THIRD_PERSON:
        text = pattern.sub(replacement, text)
    return text


def join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def short(text: str, words: int = 12) -> str:
    tokens = text.split()
    if len(tokens) <= words:
        return text.rstrip(" ,;:.!?")
    return " ".join(tokens[:words]).rstrip(" ,;:.!?") + " …"


def structure_note(a: Analysis) -> str:
    if not a.story:
        return type_note(a)
    if a.declined:
        return "You did not tell a story yet, so there is nothing to structure."
    if a.no_example:
        return NO_EXAMPLE
    if a.hollow_labels:
        return (
            "The labels (Situation, Task, Action, Result) have little behind them: under each, "
            "tell what actually happened."
        )
    found = a.found
    if len(found) == 4:
        return "Your story has a setting, what you had to do, what you did and how it ended."
    sentences = []
    if found:
        sentences.append("Your story has " + join([PART_PHRASES[p] for p in found]) + ".")
    if "situation" in a.absent:
        sentences.append("It starts straight with what you did: open with where and when this was.")
    if "result" in a.absent:
        sentences.append("It ends on what you did: say how it turned out.")
    clearer = [p for p in PARTS if p not in found and p not in a.absent and p != "task"]
    if clearer:
        sentences.append(f"To make the {clearer[0]} stand out, {CLEARER[clearer[0]]}.")
    return " ".join(sentences) or "Tell it in order: where you were, what you did, how it ended."


def type_note(a: Analysis) -> str:
    """A question that asks for no story: what it asks for, covered or not (never STAR)."""
    asks = second_person(a.question_type.asks)
    met = [c.label for c in a.question_type.criteria if a.type_met.get(c.key)]
    rest = [c.label for c in a.question_type.criteria if not a.type_met.get(c.key)]
    note = f"This is a “{a.question_type.label}” question: it asks for {asks}; no story is needed."
    if met and rest:
        note += f" You cover {join(met)}; {join(rest)} would make it stronger."
    elif met:
        note += f" You cover {join(met)}."
    else:
        note += f" Say {join(rest)}."
    return note


def specificity_note(a: Analysis) -> str:
    if a.declined:
        return "No example yet, so no details to judge."
    if a.no_example:
        if a.buzzwords:
            return (
                "Stock phrases ("
                + ", ".join(f"“{b}”" for b in a.buzzwords[:3])
                + ") are claims, not evidence: give one real example with names, numbers or dates."
            )
        return NO_EXAMPLE
    if not a.specifics:
        return "Add a concrete detail: a number, a date, or the name of a tool, person or place."
    note = "You name specifics: " + ", ".join(f"“{x}”" for x in a.specifics[:5]) + "."
    if a.numeric_specifics == 0:
        note += " A number (how many, how long, how much) would make it more concrete."
    return note


def impact_note(a: Analysis) -> str:
    if not a.story:
        if a.words < 25:
            return "Too short to show your reasoning: say why, and what you would weigh."
        reasons = len(reasoning(a).quotes)
        if reasons >= 2:
            return "You give your reasons and weigh the options."
        if reasons == 1:
            return "You give one reason; say why for your other steps or choices too."
        return "Say why: the reasons behind each step or choice, and what it costs."
    if a.declined or a.no_example:
        return "Without a real example there is no outcome to judge."
    result = a.star["result"]
    if result is None:
        if "result" in a.absent:
            return "You stop at what you did: say how it turned out, with a number if you can."
        return "Make the ending clearer: " + CLEARER["result"] + "."
    if a.result_quantified:
        return "You put a number on the outcome."
    if a.result_hedged:
        return "The outcome is hedged: say plainly what changed, with a number if you can."
    return "You say how it ended; a number (time, money, people, %) would show its size."


def relevance_note(a: Analysis, r: Relevance) -> str:
    if a.language != "en":
        return "The built-in coach reads English answers only; content was not judged."
    if r.judged:
        return (
            f"Your story seems to be about {second_person(a.other_topic)}; this question asks "
            f"for {second_person(a.asks if a.story else a.question_type.asks)}."
        )
    return (
        "The built-in coach does not judge whether this is the right example; check that it "
        f"shows {second_person(a.asks if a.story else a.question_type.asks)}."
    )


def delivery_note(m: DeliveryMetrics) -> str:
    parts = []
    if m["wpm"] is not None:
        parts.append(f"{m['wpm']} words per minute")
    parts.append(f"{m['fillers']} filler words")
    if m["duration_source"] in ("timings", "duration"):
        parts.append(f"{round(m['duration_seconds'])} s long")
    else:
        parts.append(f"about {round(m['duration_seconds'])} s if spoken")
    if m["long_pauses"]:
        parts.append(f"{m['long_pauses']} pauses over {LONG_PAUSE_SECONDS:g} s")
    return ", ".join(parts) + "."
