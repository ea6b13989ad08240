"""The local coach: deterministic, no network, linear in the length of the answer.

It reads the transcript the way an interview coach would, from observable evidence only:

- `text`: sentences (punctuation, or discourse markers when a browser transcript has none),
  tokens, filler words;
- `analysis`: situation / task / action / result sentences from cues that cover plain narrative
  (first-person past-tense actions, time and place, outcomes stated as states or comparisons)
  as well as signposts; ownership ("I" against "we"); specifics; self-description and stock
  phrases against told events; the question's type (a past story, what you would do, design,
  motivation, opinion) and which of its criteria the answer meets;
- `scoring`: structure, specifics and evidence, impact (or reasoning), relevance (1-5) with
  their quotes; relevance is judged only on evidence that the story is about something else;
- `delivery`: pace, fillers, pauses and length; `notes` and `advice`: what the candidate reads.
Word lists and cues are data (`interviews/coaching/data/*.toml`).

Everything it says about content is backed by the candidate's own sentences, and a part is
called missing only on structural evidence in the answer (it stops at an action, or starts
with one): a cue that does not match is never evidence.
"""

from __future__ import annotations

from typing import Any

from interviews.coaching.answer import AnswerInput
from interviews.coaching.local import advice, notes, scoring
from interviews.coaching.local.analysis import Analysis, analyse
from interviews.coaching.local.delivery import delivery_metrics, delivery_score
from interviews.coaching.local.text import count_fillers, split_sentences
from interviews.coaching.schema import (
    DIMENSIONS,
    NON_STORY_LABELS,
    DeliveryMetrics,
    Feedback,
    finalise,
)

__all__ = [
    "Analysis",
    "analyse",
    "count_fillers",
    "delivery_metrics",
    "delivery_score",
    "local_coach",
    "split_sentences",
]


def local_coach(answer: AnswerInput) -> Feedback:
    """Feedback for one answer (FEEDBACK_SCHEMA), deterministic and without network."""
    a = analyse(answer)
    metrics = delivery_metrics(answer, words=a.words)
    if a.words == 0:
        return _empty_feedback(answer, metrics)

    ownership_ratio = a.i_count / (a.i_count + a.we_count) if a.i_count + a.we_count else None
    # Ownership ("I" against "we") is a story question's concern only.
    we_heavy = a.story and a.we_count >= 3 and (ownership_ratio or 0) < 0.4
    structure = scoring.structure(a)
    specificity = scoring.specificity(a)
    impact = scoring.impact(a)
    relevance = scoring.relevance(a)
    filler_sentences = sorted(
        ((sum(count_fillers(s.text).values()), s) for s in a.sentences),
        key=lambda pair: (-pair[0], pair[1].index),
    )
    dimensions = {
        "structure_star": {
            "score": structure.score,
            "quotes": structure.quotes[:3],
            "note": notes.structure_note(a),
        },
        "specificity_evidence": {
            "score": specificity.score,
            "quotes": specificity.quotes[:3],
            "note": notes.specificity_note(a),
        },
        "impact_results": {
            "score": impact.score,
            "quotes": impact.quotes[:3],
            "note": notes.impact_note(a),
        },
        "relevance": {
            "score": relevance.score,
            "quotes": relevance.quotes[:3],
            "note": notes.relevance_note(a, relevance),
            "judged": relevance.judged,
        },
        "delivery": {
            "score": delivery_score(metrics),
            "quotes": [s.text for count, s in filler_sentences[:1] if count >= 2],
            "note": notes.delivery_note(metrics),
        },
    }
    _quote_each_once(dimensions)
    follow_up, reason = advice.follow_up(answer, a, dimensions, we_heavy)
    raw = {
        "summary": advice.summary(a, we_heavy, dimensions),
        "dimensions": dimensions,
        "star": {part: (s.text if s else None) for part, s in a.star.items()} if a.story else {},
        "strengths": advice.strengths(a, metrics, ownership_ratio, relevance.score),
        "improvements": advice.improvements(a, metrics, we_heavy, dimensions),
        "outline": advice.outline(answer, a, we_heavy),
        "follow_up": follow_up,
        "follow_up_reason": reason,
    }
    signals = {
        "sentences": len(a.sentences),
        "star_found": a.found,
        "star_unclear": [p for p, s in a.unclear.items() if s is not None],
        "i_count": a.i_count,
        "we_count": a.we_count,
        "ownership_ratio": round(ownership_ratio, 2) if ownership_ratio is not None else None,
        "specifics": a.specifics[:12],
        "result_quantified": a.result_quantified,
        "repetitive": a.repetitive,
        "language": a.language,
        "question_keywords_hit": a.question_hits[:12],
        "competency": a.competency,
        "criteria_met": [c.key for c in a.criteria if a.criteria_met.get(c.key)],
        "criteria_missing": [c.key for c in a.criteria if not a.criteria_met.get(c.key)],
        "narrative_sentences": a.narrative,
        "generic_sentences": a.generic,
        "buzzwords": a.buzzwords[:8],
        "declined": a.declined,
        "question_type": a.question_type.key,
        "absent_parts": a.absent,
        "hollow_labels": a.hollow_labels,
        "other_topic": a.other_topic,
    }
    return finalise(
        raw,
        transcript=answer.transcript,
        delivery=metrics,
        engine="local",
        signals=signals,
        labels=None if a.story else NON_STORY_LABELS,
    )


#: Dimensions with the fewest candidate sentences choose their quotes first.
_QUOTE_ORDER = ("impact_results", "specificity_evidence", "relevance", "structure_star", "delivery")


def _quote_each_once(dimensions: dict[str, dict[str, Any]]) -> None:
    """Each sentence is quoted under one dimension only. The local coach reads the answer
    itself, so a dimension whose sentences are quoted elsewhere still counts (`judged`)."""
    used: set[str] = set()
    for name in _QUOTE_ORDER:
        dimensions[name]["quotes"] = [q for q in dimensions[name]["quotes"] if q not in used]
        used.update(dimensions[name]["quotes"])
        dimensions[name].setdefault("judged", True)


def _empty_feedback(answer: AnswerInput, metrics: DeliveryMetrics) -> Feedback:
    dims = {
        name: {"score": 1, "quotes": [], "note": "No answer was recorded."} for name in DIMENSIONS
    }
    raw = {
        "summary": "We didn't catch an answer. Try again: speak or type for 60-120 seconds.",
        "dimensions": dims,
        "star": {},
        "strengths": [],
        "improvements": [
            "Answer out loud or type it: aim for 60-120 seconds following Situation, Task, "
            "Action, Result."
        ],
        "outline": advice.outline(answer, None, False),
        "follow_up": None,
        "follow_up_reason": None,
    }
    signals = {"sentences": 0, "star_found": [], "language": "en"}
    return finalise(raw, transcript="", delivery=metrics, engine="local", signals=signals)
