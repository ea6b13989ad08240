"""The four content scores (1-5) from an Analysis, each with its quotes and the facts its note
needs. Delivery is scored in `delivery`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from interviews.coaching.local.analysis import FOUND, Analysis, Sentence
from interviews.coaching.local.lexicons import BUSINESS_RESULT, LASTING_RESULT, REASONS

_DIGIT = re.compile(r"\d")
# Weights of the STAR parts in the structure score: the task is often implicit in a good
# story ("three things landed on me at once" is the task), so it weighs least.
_PART_POINTS = {"situation": 1.0, "task": 0.75, "action": 1.25, "result": 1.25}


@dataclass
class Scored:
    score: int
    quotes: list[str] = field(default_factory=list)


def _clamp(value: float) -> int:
    return max(1, min(5, round(value)))


def _type_coverage(a: Analysis) -> float:
    criteria = a.question_type.criteria
    return sum(a.type_met.get(c.key, False) for c in criteria) / len(criteria) if criteria else 0.0


def _type_structure(a: Analysis) -> Scored:
    """A question that asks for no story: how much of what it asks for the answer covers."""
    score = 1 + 4 * _type_coverage(a)
    if a.words < 25:
        score = min(score, 2)
    elif a.words < 45:
        score = min(score, 3)
    if len(a.buzzwords) >= 2:
        score -= 1
    quotes = [a.type_quotes[c.key] for c in a.question_type.criteria if c.key in a.type_quotes]
    return Scored(_clamp(score), list(dict.fromkeys(quotes)))


def reasoning(a: Analysis) -> Scored:
    """A question that asks for no story: the reasons and trade-offs behind the answer."""
    reasons = [s for s in a.sentences if REASONS.search(s.lower) and not s.generic]
    score = {0: 1, 1: 3, 2: 4}.get(len(reasons), 5)
    if a.words < 25:
        score = min(score, 2)
    elif a.words < 45:
        score = min(score, 3)
    return Scored(_clamp(score), [s.text for s in reasons[:2]])


def structure(a: Analysis) -> Scored:
    if not a.story:
        return _type_structure(a)
    points = sum(_PART_POINTS[p] for p, s in a.star.items() if s is not None)
    points += sum(_PART_POINTS[p] / 2 for p, s in a.unclear.items() if s is not None)
    score = 1 + points / sum(_PART_POINTS.values()) * 4
    we_heavy = a.we_count >= 3 and a.i_count < a.we_count
    own = bool(a.star["action"] and a.star["action"].own_action)
    if a.star["action"] is not None and not own and we_heavy:
        score -= 1
    if len(a.sentences) < 3:
        score = min(score, 2)
    if a.no_example or a.declined:
        score = min(score, 1.5 if a.narrative == 0 else 2)
    if a.repetitive or a.hypothetical or a.rambling:
        score -= 1
    # Labels are not structure: "Result: it went well." tells nothing.
    if a.hollow_labels >= 2:
        score = min(score, 2)
    parts = [a.star[p] for p in ("situation", "action", "result", "task")]
    return Scored(_clamp(score), [s.text for s in parts if s is not None])


def specificity(a: Analysis) -> Scored:
    distinct = len(a.specifics)
    score = 1 if distinct == 0 else 2 if distinct == 1 else 3 if distinct <= 3 else 4
    if distinct >= 6:
        score = 5
    if a.numeric_specifics == 0:
        score = min(score, 3)
    # Concrete, first-person events are evidence even without numbers.
    if a.narrative >= 4 and score < 3:
        score += 1
    if a.words < 25:
        score = min(score, 2)
    if a.no_example or a.declined:
        score = min(score, 1 if len(a.buzzwords) >= 2 or a.declined else 2)
    elif len(a.buzzwords) >= 3:
        score -= 1
    ranked = sorted(
        (s for s in a.sentences if s.specifics), key=lambda s: (-len(s.specifics), s.index)
    )
    return Scored(_clamp(score), [s.text for s in ranked[:2]])


def _result_sentences(a: Analysis) -> list[Sentence]:
    return [s for s in a.sentences if s.scores["result"] >= FOUND and not s.generic]


def impact(a: Analysis) -> Scored:
    if not a.story:
        return reasoning(a)
    result = a.star["result"]
    results = _result_sentences(a)
    if result is None:
        # Only an answer that ends on an action shows it has no result; otherwise the ending
        # is there but not recognisable as one.
        score = 1 if "result" in a.absent else 2
    elif a.result_quantified:
        score = 4
        quantified = [s for s in results if _DIGIT.search(s.lower)]
        if len(quantified) >= 2 or any(
            BUSINESS_RESULT.search(s.lower) or LASTING_RESULT.search(s.lower) for s in quantified
        ):
            score = 5
    elif a.result_hedged:
        score = 2
    else:
        score = 3
        # Without numbers, a result still shows its size by naming several concrete effects
        # or one that lasted ("the macros are still used").
        weight = sum(s.scores["result"] for s in results)
        lasting = any(LASTING_RESULT.search(s.lower) for s in results)
        if weight >= 8 or (len(results) >= 2 and lasting):
            score = 4
    if a.hypothetical and score > 2:
        score -= 1
    if a.no_example or a.declined:
        score = 1
    quotes = [result.text] if result else []
    quotes += [s.text for s in results if s is not result and _DIGIT.search(s.lower)][:1]
    return Scored(_clamp(score), quotes)


@dataclass
class Relevance(Scored):
    missing: list[str] = field(default_factory=list)  # labels of unmet criteria
    met: list[str] = field(default_factory=list)
    core_missing: bool = False
    judged: bool = False  # False: the built-in coach does not judge it (not counted)


def relevance(a: Analysis) -> Relevance:
    """Whether the answer is about what the question asks, judged only on positive evidence
    that it is about something else (its story meets every criterion of another ask and
    shares nothing with the question). Without such evidence relevance is not judged: a
    criterion the word lists miss is no evidence, so it can never lower a score."""
    met = [c for c in a.criteria if a.criteria_met.get(c.key)]
    missing = [c for c in a.criteria if not a.criteria_met.get(c.key)]
    if a.language != "en" or not a.other_topic:
        return Relevance(3, [], missing=[c.label for c in missing], met=[c.label for c in met])
    quotes = [s.text for s in a.sentences if s.own_action][:2] or [a.sentences[0].text]
    return Relevance(
        2,
        quotes,
        missing=[c.label for c in missing],
        met=[c.label for c in met],
        core_missing=True,
        judged=True,
    )
