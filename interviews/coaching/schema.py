"""The one feedback schema every coaching engine produces, and the quote check every engine passes.

Two JSON schemas, both valid as OpenAI *strict* structured output (every property required,
`additionalProperties: false`, nullable fields as `["string", "null"]`, no unsupported keywords):

- `MODEL_SCHEMA`: what a language model is asked to produce (content judgement only).
- `FEEDBACK_SCHEMA`: the stored/streamed feedback: the model's part plus what we measure ourselves
  (delivery metrics, the overall score, which dimensions are supported by valid quotes, engine).

Scores are integers 1-5. A dimension is *supported* when it is backed by at least one quote that
really occurs in the transcript (`validate_quotes`), or when it is a low score (1-2) resting on an
absence ("no result was mentioned"), or it is the delivery dimension (backed by measured metrics).
Unsupported dimensions are shown as such and left out of the overall score.
"""

from __future__ import annotations

import copy
import math
import re
from typing import Any, Literal, TypedDict

# The quote check and the JSON-schema checker live in their own modules; re-exported here, where
# every engine and its tests look for them.
from interviews.coaching.quotes import MAX_QUOTE_CHARS as MAX_QUOTE_CHARS
from interviews.coaching.quotes import MAX_TEXT_CHARS as MAX_TEXT_CHARS
from interviews.coaching.quotes import clip as clip
from interviews.coaching.quotes import clip_quote
from interviews.coaching.quotes import normalise as normalise
from interviews.coaching.quotes import quote_in_transcript as quote_in_transcript
from interviews.coaching.schema_check import schema_errors as schema_errors
from interviews.coaching.schema_check import strict_schema_problems as strict_schema_problems

#: 2: every dimension carries its human `label` and `dimension_order` lists them in display order
#: (PostgreSQL's jsonb does not keep key order); `repairs` lists what was fixed in an engine's
#: output; `capped_from` is the overall before the relevance cap (None when not capped).
SCHEMA_VERSION = 2

DIMENSIONS: tuple[str, ...] = (
    "structure_star",
    "specificity_evidence",
    "impact_results",
    "relevance",
    "delivery",
)
DIMENSION_LABELS: dict[str, str] = {
    "structure_star": "Structure (STAR)",
    "specificity_evidence": "Specifics and evidence",
    "impact_results": "Impact and results",
    "relevance": "Relevance",
    "delivery": "Delivery",
}
#: The labels of the dimensions that mean something else for a question that asks for no past
#: story (situational, technical, motivation, opinion): STAR and results do not apply there.
NON_STORY_LABELS: dict[str, str] = {
    "structure_star": "Structure",
    "impact_results": "Reasoning",
}
ALL_DIMENSION_LABELS: tuple[str, ...] = (*DIMENSION_LABELS.values(), *NON_STORY_LABELS.values())
#: Weights of the overall score (renormalised over the supported dimensions).
WEIGHTS: dict[str, float] = {
    "structure_star": 0.25,
    "specificity_evidence": 0.2,
    "impact_results": 0.2,
    "relevance": 0.2,
    "delivery": 0.15,
}
STAR_PARTS: tuple[str, ...] = ("situation", "task", "action", "result")
FOLLOW_UP_REASONS: tuple[str, ...] = ("no_result", "ownership", "no_specifics", "no_context")

MAX_QUOTES = 3
MAX_LIST_ITEMS = 6

Dimension = Literal[
    "structure_star", "specificity_evidence", "impact_results", "relevance", "delivery"
]


class DimensionFeedback(TypedDict):
    label: str
    score: int
    quotes: list[str]
    note: str
    supported: bool


class DeliveryMetrics(TypedDict):
    words: int
    duration_seconds: float
    duration_source: str  # "timings" | "duration" | "estimate" | "none"
    wpm: float | None
    fillers: int
    filler_counts: dict[str, int]
    filler_per_minute: float | None
    long_pauses: int
    longest_pause_seconds: float
    length_verdict: str  # "short" | "on_target" | "long" | "unknown"


class Feedback(TypedDict):
    schema_version: int
    engine: str
    overall: float
    summary: str
    dimensions: dict[str, DimensionFeedback]
    dimension_order: list[str]
    star: dict[str, str | None]
    strengths: list[str]
    improvements: list[str]
    outline: list[str]
    follow_up: str | None
    follow_up_reason: str | None
    delivery: DeliveryMetrics
    signals: dict[str, Any]
    dropped_quotes: list[str]
    repairs: list[str]
    capped_from: float | None


# --- JSON schemas ----------------------------------------------------------------------------

_NULLABLE_STR = {"type": ["string", "null"]}
_STR_LIST = {"type": "array", "items": {"type": "string"}}


def _obj(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        out["description"] = description
    return out


_DIMENSION_MODEL = _obj(
    {
        "score": {"type": "integer", "enum": [1, 2, 3, 4, 5]},
        "quotes": {
            **_STR_LIST,
            "description": "Sentences copied verbatim from the candidate's answer that justify "
            "the score. Empty only when the score rests on something missing.",
        },
        "note": {"type": "string", "description": "One sentence explaining the score."},
    }
)

MODEL_SCHEMA: dict[str, Any] = _obj(
    {
        "summary": {"type": "string", "description": "One or two sentences, to the candidate."},
        "dimensions": _obj(dict.fromkeys(DIMENSIONS, _DIMENSION_MODEL)),
        "star": _obj(
            {
                part: {
                    **_NULLABLE_STR,
                    "description": f"The verbatim sentence giving the {part}, or null.",
                }
                for part in STAR_PARTS
            }
        ),
        "strengths": _STR_LIST,
        "improvements": _STR_LIST,
        "outline": {
            **_STR_LIST,
            "description": "A better answer, as 4-5 short lines (Situation, Task, Action, "
            "Result, and optionally what was learned), built from the candidate's own story.",
        },
        "follow_up": {
            **_NULLABLE_STR,
            "description": "One short follow-up question the interviewer would ask about the "
            "biggest gap, or null when the answer is complete.",
        },
        "follow_up_reason": {"type": ["string", "null"], "enum": [*FOLLOW_UP_REASONS, None]},
    }
)

_DIMENSION_STORED = copy.deepcopy(_DIMENSION_MODEL)
_DIMENSION_STORED["properties"]["supported"] = {"type": "boolean"}
_DIMENSION_STORED["properties"]["label"] = {
    "type": "string",
    "enum": list(ALL_DIMENSION_LABELS),
}
_DIMENSION_STORED["required"] += ["supported", "label"]

_NUM_OR_NULL = {"type": ["number", "null"]}

FEEDBACK_SCHEMA: dict[str, Any] = _obj(
    {
        "schema_version": {"type": "integer"},
        "engine": {"type": "string"},
        "overall": {"type": "number"},
        "summary": {"type": "string"},
        "dimensions": _obj(dict.fromkeys(DIMENSIONS, _DIMENSION_STORED)),
        "dimension_order": {"type": "array", "items": {"type": "string", "enum": list(DIMENSIONS)}},
        "star": MODEL_SCHEMA["properties"]["star"],
        "strengths": _STR_LIST,
        "improvements": _STR_LIST,
        "outline": _STR_LIST,
        "follow_up": _NULLABLE_STR,
        "follow_up_reason": MODEL_SCHEMA["properties"]["follow_up_reason"],
        "delivery": _obj(
            {
                "words": {"type": "integer"},
                "duration_seconds": {"type": "number"},
                "duration_source": {
                    "type": "string",
                    "enum": ["timings", "duration", "estimate", "none"],
                },
                "wpm": _NUM_OR_NULL,
                "fillers": {"type": "integer"},
                "filler_counts": {
                    "type": "object",
                    "additionalProperties": {"type": "integer"},
                },
                "filler_per_minute": _NUM_OR_NULL,
                "long_pauses": {"type": "integer"},
                "longest_pause_seconds": {"type": "number"},
                "length_verdict": {
                    "type": "string",
                    "enum": ["short", "on_target", "long", "unknown"],
                },
            }
        ),
        "signals": {"type": "object"},
        "dropped_quotes": _STR_LIST,
        "repairs": _STR_LIST,
        "capped_from": _NUM_OR_NULL,
    }
)


def _score(value: Any) -> int:
    """A stored score read back (already validated once): clamped into 1-5."""
    try:
        number = round(float(value))
    except (TypeError, ValueError):
        return 1
    return max(1, min(5, number))


_SCORE_TEXT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(?:(?:/|out of)\s*5)?\s*\.?\s*$", re.I)


def parse_score(value: Any) -> int | None:
    """An engine's 1-5 score as an integer: 4, 4.0, "4", "4/5" and "4 out of 5" all read as 4.

    None when it is no number or lies outside 1-5. A 7 or a -1 is not clamped: it means the
    engine used another scale or made a mistake, and turning it into a 5 or a 1 would invent a
    judgement. Halves round up (3.5 -> 4), the way a person reads them.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        match = _SCORE_TEXT.match(value)
        if not match:
            return None
        value = float(match.group(1))
    if not isinstance(value, int | float) or not 1 <= value <= 5:  # NaN fails the comparison
        return None
    return min(5, math.floor(value + 0.5))


def _str_list(value: Any, limit: int = MAX_LIST_ITEMS) -> list[str]:
    if isinstance(value, str) and value.strip():
        value = [value]  # a single item where a list was asked for
    if not isinstance(value, list):
        return []
    out = [clip(item) for item in value if isinstance(item, str) and item.strip()]
    return out[:limit]


def overall_score(dimensions: dict[str, DimensionFeedback]) -> float:
    """Weighted mean of the supported dimensions, one decimal; 1.0 when none is supported."""
    total = weight = 0.0
    for name, dim in dimensions.items():
        if dim.get("supported"):
            total += WEIGHTS.get(name, 0.0) * dim["score"]
            weight += WEIGHTS.get(name, 0.0)
    if weight == 0:
        return 1.0
    return round(total / weight, 1)


NOT_ASSESSED_NOTE = "The coach did not assess this part, so it is not counted."
BAD_SCORE_NOTE = "The coach gave no usable score for this part, so it is not counted."


def _dimension(
    name: str, item: Any, keep: Any, repairs: list[str], labels: dict[str, str] | None = None
) -> DimensionFeedback:
    """One dimension of an engine's output, checked: score parsed, quotes verified. An engine
    that says it did not judge a dimension (`"judged": false`) is not counted for it; one that
    vouches for its reading (`"judged": true`, the local coach) is counted without a quote."""
    label = (labels or {}).get(name) or DIMENSION_LABELS[name]
    if not isinstance(item, dict):
        repairs.append(f"{name}: missing")
        return {
            "label": label,
            "score": 1,
            "quotes": [],
            "note": NOT_ASSESSED_NOTE,
            "supported": False,
        }
    given_score = item.get("score")
    score = parse_score(given_score)
    if score is None:
        repairs.append(f"{name}: unusable score {clip(repr(given_score), 40)}")
    elif not isinstance(given_score, int) or isinstance(given_score, bool):
        repairs.append(f"{name}: score {clip(repr(given_score), 40)} read as {score}")
    given = item.get("quotes")
    if isinstance(given, str):
        given = [given]
    given = given if isinstance(given, list) else []
    quotes: list[str] = []
    lost = False
    for quote in given[: MAX_QUOTES * 3]:
        kept = keep(quote)
        if kept is None:
            lost = lost or bool(isinstance(quote, str) and quote.strip())
        elif kept not in quotes and len(quotes) < MAX_QUOTES:
            quotes.append(kept)
    note = clip(item.get("note", ""), 300) if isinstance(item.get("note"), str) else ""
    if score is None:
        return {
            "label": label,
            "score": 1,
            "quotes": quotes,
            "note": BAD_SCORE_NOTE,
            "supported": False,
        }
    if item.get("judged") is False:
        supported = False
    elif item.get("judged") is True:
        supported = True  # the engine's own reading (the local coach quotes each sentence once)
    elif name == "delivery":
        supported = not (lost and not quotes)
    elif quotes:
        supported = True
    else:
        # No valid quote: only a low score resting on an absence is believable.
        supported = score <= 2 and not lost
    return {"label": label, "score": score, "quotes": quotes, "note": note, "supported": supported}


def finalise(
    raw: dict[str, Any],
    *,
    transcript: str,
    delivery: DeliveryMetrics,
    engine: str,
    signals: dict[str, Any] | None = None,
    labels: dict[str, str] | None = None,
) -> Feedback:
    """Turn an engine's raw output (MODEL_SCHEMA shape, possibly sloppy) into a `Feedback`.

    Applies to every engine: reads scores written as text ("4", "4/5"), refuses scores outside
    1-5, bounds every list and string, drops every quote not found in the transcript (recorded
    in `dropped_quotes`), marks missing, unscored and unquoted dimensions unsupported (each
    repair is listed in `repairs`), and computes the overall score. Never raises on malformed
    input. (The relevance cap comes after this, in `engine.py`: it needs the question.)
    """
    raw = raw if isinstance(raw, dict) else {}
    haystack = normalise(transcript)
    dropped: list[str] = []
    repairs: list[str] = []

    def keep(quote: Any) -> str | None:
        if not isinstance(quote, str) or not quote.strip():
            return None
        if quote_in_transcript(quote, haystack):
            return clip_quote(quote)
        dropped.append(clip(quote, 200))
        return None

    raw_dims: dict[str, Any] = raw["dimensions"] if isinstance(raw.get("dimensions"), dict) else {}
    dimensions = {
        name: _dimension(name, raw_dims.get(name), keep, repairs, labels) for name in DIMENSIONS
    }

    raw_star: dict[str, Any] = raw["star"] if isinstance(raw.get("star"), dict) else {}
    star: dict[str, str | None] = {part: keep(raw_star.get(part)) for part in STAR_PARTS}

    follow_up = raw.get("follow_up")
    follow_up = clip(follow_up, 300) if isinstance(follow_up, str) and follow_up.strip() else None
    reason = raw.get("follow_up_reason")
    reason = reason if reason in FOLLOW_UP_REASONS and follow_up else None
    summary = raw.get("summary")

    return {
        "schema_version": SCHEMA_VERSION,
        "engine": engine,
        "overall": overall_score(dimensions),
        "summary": clip(summary, 500) if isinstance(summary, str) else "",
        "dimensions": dimensions,
        "dimension_order": list(DIMENSIONS),
        "star": star,
        "strengths": _str_list(raw.get("strengths")),
        "improvements": _str_list(raw.get("improvements")),
        "outline": _str_list(raw.get("outline")),
        "follow_up": follow_up,
        "follow_up_reason": reason,
        "delivery": delivery,
        "signals": signals or {},
        "dropped_quotes": dropped[:20],
        "repairs": repairs[:20],
        "capped_from": None,
    }


#: What produced the feedback, as a person reads it (pages, admin, CSV).
ENGINE_LABELS: dict[str, str] = {
    "local": "Built-in coach (quick check, no AI model)",
    "openai": "AI model",
}


def engine_label(engine: str) -> str:
    return ENGINE_LABELS.get(engine, engine or "")


def dimension_label(name: str) -> str:
    """The human label of a dimension ("Structure (STAR)"), the one source for every page."""
    return DIMENSION_LABELS.get(name, "Other")


def with_labels(feedback: dict[str, Any] | None) -> dict[str, Any] | None:
    """Feedback as pages show it: feedback stored before schema version 2 gets each dimension's
    label and the display order filled in (a copy); newer feedback is returned unchanged."""
    if not isinstance(feedback, dict) or not isinstance(feedback.get("dimensions"), dict):
        return feedback
    dims = feedback["dimensions"]
    labelled = all(isinstance(d, dict) and d.get("label") for d in dims.values())
    if labelled and isinstance(feedback.get("dimension_order"), list):
        return feedback
    return {
        **feedback,
        "dimensions": {
            name: {**dim, "label": dimension_label(name)} if isinstance(dim, dict) else dim
            for name, dim in dims.items()
        },
        "dimension_order": [name for name in DIMENSIONS if name in dims],
    }


# --- Typed read helpers (used by reports, story bank, interview pages) -------------------------


def dimension_score(feedback: dict[str, Any] | None, name: str) -> int | None:
    """The score of a supported dimension, else None (old or empty feedback included)."""
    dims = (feedback or {}).get("dimensions") or {}
    dim = dims.get(name) or {}
    if not dim or not dim.get("supported", True) or "score" not in dim:
        return None
    return _score(dim["score"])


def star_completeness(feedback: dict[str, Any] | None) -> int:
    """How many STAR parts the feedback found (0-4)."""
    star = (feedback or {}).get("star") or {}
    return sum(1 for part in STAR_PARTS if star.get(part))


def delivery_metric(feedback: dict[str, Any] | None, key: str) -> float | None:
    value = ((feedback or {}).get("delivery") or {}).get(key)
    return float(value) if isinstance(value, int | float) else None


def feedback_overall(feedback: dict[str, Any] | None) -> float | None:
    value = (feedback or {}).get("overall")
    return float(value) if isinstance(value, int | float) else None
