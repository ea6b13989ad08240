"""One note per dimension. A note says a part is missing only when there is no sign of it at
all; when there is some sign but not enough, it says what would make the part clearer."""

from __future__ import annotations

from interviews.coaching.local.analysis import PARTS, Analysis
from interviews.coaching.local.delivery import LONG_PAUSE_SECONDS
from interviews.coaching.local.scoring import Relevance
from interviews.coaching.schema import DeliveryMetrics

CLEARER = {
    "situation": "say where and when this was and what was at stake",
    "task": "say what you personally had to achieve",
    "action": "say what you did yourself, step by step, with “I”",
    "result": "say how it ended: what changed because of what you did",
}
NO_EXAMPLE = (
    "No single real occasion is told: describing yourself or how you usually work is not "
    "evidence. Tell one time it happened."
)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def structure_note(a: Analysis) -> str:
    if a.declined:
        return "No story was told, so there is no situation, task, action or result yet."
    if a.no_example:
        return NO_EXAMPLE
    found = a.found
    unclear = [p for p in PARTS if a.unclear[p] is not None]
    absent = [p for p in PARTS if p not in found and p not in unclear]
    if len(found) == 4:
        return "All four STAR parts are there."
    sentences = []
    if found:
        sentences.append(f"Found the {_join(found)}.")
    else:
        sentences.append("No part of the story stands out clearly yet.")
    for part in unclear:
        sentences.append(f"The {part} is there but not clear: {CLEARER[part]}.")
    if absent:
        sentences.append(f"Missing: the {_join(absent)} ({CLEARER[absent[0]]}).")
    return " ".join(sentences)


def specificity_note(a: Analysis) -> str:
    if a.declined:
        return "No example, so no details to judge yet."
    if a.no_example:
        if a.buzzwords:
            return (
                "Stock phrases (" + ", ".join(f"“{b}”" for b in a.buzzwords[:3]) + ") are claims, "
                "not evidence: give one real example with names, numbers or dates."
            )
        return NO_EXAMPLE
    if not a.specifics:
        return "No numbers, names of tools, people or systems, dates or metrics."
    note = "Specifics: " + ", ".join(a.specifics[:6]) + "."
    if a.numeric_specifics == 0:
        note += " A number (how many, how long, how much) would make it more concrete."
    return note


def impact_note(a: Analysis) -> str:
    if a.declined or a.no_example:
        return "There is no real outcome to judge without a real example."
    if a.star["result"] is None:
        if a.unclear["result"] is not None:
            return "The ending is not clearly a result: " + CLEARER["result"] + "."
        return "The answer never says how it turned out."
    if a.result_quantified:
        return "The result is measurable."
    if a.result_hedged:
        return "The result is hedged and has no number."
    return "There is a result; a number (time, money, people, %) would show its size."


def relevance_note(a: Analysis, r: Relevance) -> str:
    if a.language != "en":
        return "The local coach reads English answers only; content was not judged."
    if a.declined:
        return f"The question was not answered: it asks for {a.asks}."
    if a.no_example:
        return f"No real example: the question asks for {a.asks}."
    if r.core_missing or r.score <= 2:
        missing = _join(r.missing) if r.missing else "what it asks"
        return f"Does not answer this question: it asks for {a.asks}; not addressed: {missing}."
    if r.missing:
        return f"Addresses {_join(r.met)}; {_join(r.missing)} would make it complete."
    return f"Answers what the question asks: {_join(r.met)}."


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
