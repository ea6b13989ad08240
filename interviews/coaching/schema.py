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
import re
import unicodedata
from typing import Any, Literal, TypedDict

SCHEMA_VERSION = 1

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
    "relevance": "Relevance to the question",
    "delivery": "Delivery",
}
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
MAX_QUOTE_CHARS = 320
MAX_LIST_ITEMS = 6
MAX_TEXT_CHARS = 400

Dimension = Literal[
    "structure_star", "specificity_evidence", "impact_results", "relevance", "delivery"
]


class DimensionFeedback(TypedDict):
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
    star: dict[str, str | None]
    strengths: list[str]
    improvements: list[str]
    outline: list[str]
    follow_up: str | None
    follow_up_reason: str | None
    delivery: DeliveryMetrics
    signals: dict[str, Any]
    dropped_quotes: list[str]


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
_DIMENSION_STORED["required"].append("supported")

_NUM_OR_NULL = {"type": ["number", "null"]}

FEEDBACK_SCHEMA: dict[str, Any] = _obj(
    {
        "schema_version": {"type": "integer"},
        "engine": {"type": "string"},
        "overall": {"type": "number"},
        "summary": {"type": "string"},
        "dimensions": _obj(dict.fromkeys(DIMENSIONS, _DIMENSION_STORED)),
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
    }
)


# --- Quote validation ------------------------------------------------------------------------

_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACE = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"\.{3,}|…")


def normalise(text: str) -> str:
    """Case-, whitespace- and punctuation-insensitive form used to match quotes."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = _PUNCT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def quote_in_transcript(quote: str, normalised_transcript: str) -> bool:
    """True when the quote occurs in the transcript. Fragments joined by an ellipsis
    ("I led ... the migration") must each occur, in order."""
    fragments = [normalise(part) for part in _ELLIPSIS.split(quote or "")]
    fragments = [f for f in fragments if f]
    if not fragments:
        return False
    haystack = f" {normalised_transcript} "
    position = 0
    for fragment in fragments:
        # Whole-word match: pad with spaces so "led" does not match inside "called".
        found = haystack.find(f" {fragment} ", position)
        if found < 0:
            return False
        position = found + len(fragment) + 1
    return True


def clip(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    text = _SPACE.sub(" ", str(text or "")).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def _clip_quote(quote: str) -> str:
    """Shorten a long quote at a word boundary; a prefix of a real quote is still real."""
    quote = _SPACE.sub(" ", quote).strip()
    if len(quote) <= MAX_QUOTE_CHARS:
        return quote
    return quote[:MAX_QUOTE_CHARS].rsplit(" ", 1)[0] + " …"


def _score(value: Any) -> int:
    try:
        number = round(float(value))
    except (TypeError, ValueError):
        return 1
    return max(1, min(5, number))


def _str_list(value: Any, limit: int = MAX_LIST_ITEMS) -> list[str]:
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


def finalise(
    raw: dict[str, Any],
    *,
    transcript: str,
    delivery: DeliveryMetrics,
    engine: str,
    signals: dict[str, Any] | None = None,
) -> Feedback:
    """Turn an engine's raw output (MODEL_SCHEMA shape, possibly sloppy) into a `Feedback`.

    Applies to every engine: clamps scores, bounds every list and string, drops every quote
    not found in the transcript (recorded in `dropped_quotes`), marks dimensions unsupported,
    and computes the overall score. Never raises on malformed input.
    """
    haystack = normalise(transcript)
    dropped: list[str] = []

    def keep(quote: Any) -> str | None:
        if not isinstance(quote, str) or not quote.strip():
            return None
        if quote_in_transcript(quote, haystack):
            return _clip_quote(quote)
        dropped.append(clip(quote, 200))
        return None

    raw_dims = raw.get("dimensions") if isinstance(raw.get("dimensions"), dict) else {}
    dimensions: dict[str, DimensionFeedback] = {}
    for name in DIMENSIONS:
        item = raw_dims.get(name) if isinstance(raw_dims.get(name), dict) else {}
        score = _score(item.get("score", 1))
        given = item.get("quotes") if isinstance(item.get("quotes"), list) else []
        quotes: list[str] = []
        lost = False
        for quote in given[: MAX_QUOTES * 3]:
            kept = keep(quote)
            if kept is None:
                lost = lost or bool(isinstance(quote, str) and quote.strip())
            elif kept not in quotes and len(quotes) < MAX_QUOTES:
                quotes.append(kept)
        if name == "delivery":
            supported = not (lost and not quotes)
        elif quotes:
            supported = True
        else:
            # No valid quote: only a low score resting on an absence is believable.
            supported = score <= 2 and not lost
        dimensions[name] = {
            "score": score,
            "quotes": quotes,
            "note": clip(item.get("note", ""), 300),
            "supported": supported,
        }

    raw_star = raw.get("star") if isinstance(raw.get("star"), dict) else {}
    star: dict[str, str | None] = {part: keep(raw_star.get(part)) for part in STAR_PARTS}

    follow_up = raw.get("follow_up")
    follow_up = clip(follow_up, 300) if isinstance(follow_up, str) and follow_up.strip() else None
    reason = raw.get("follow_up_reason")
    reason = reason if reason in FOLLOW_UP_REASONS and follow_up else None

    return {
        "schema_version": SCHEMA_VERSION,
        "engine": engine,
        "overall": overall_score(dimensions),
        "summary": clip(raw.get("summary", ""), 500),
        "dimensions": dimensions,
        "star": star,
        "strengths": _str_list(raw.get("strengths")),
        "improvements": _str_list(raw.get("improvements")),
        "outline": _str_list(raw.get("outline")),
        "follow_up": follow_up,
        "follow_up_reason": reason,
        "delivery": delivery,
        "signals": signals or {},
        "dropped_quotes": dropped[:20],
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


# --- A small JSON-schema checker (the subset these schemas use; no third-party dependency) -----

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def schema_errors(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """Errors of `value` against `schema` (type, enum, properties, required,
    additionalProperties, items). Empty list when valid."""
    errors: list[str] = []
    kinds = schema.get("type")
    if kinds is not None:
        kinds = kinds if isinstance(kinds, list) else [kinds]
        ok = False
        for kind in kinds:
            if isinstance(value, bool) and kind in ("integer", "number"):
                continue
            if isinstance(value, _TYPES[kind]):
                ok = True
        if not ok:
            return [f"{path}: expected {kinds}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                errors.append(f"{path}: missing {key}")
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                errors.extend(schema_errors(item, props[key], f"{path}.{key}"))
            elif extra is False:
                errors.append(f"{path}: unexpected {key}")
            elif isinstance(extra, dict):
                errors.extend(schema_errors(item, extra, f"{path}.{key}"))
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            errors.extend(schema_errors(item, schema["items"], f"{path}[{index}]"))
    return errors


def strict_schema_problems(schema: dict[str, Any], path: str = "$") -> list[str]:
    """Why `schema` would be refused as OpenAI strict structured output (empty when fine):
    every object lists all its properties as required and forbids additional ones."""
    problems: list[str] = []
    if schema.get("type") == "object" or "properties" in schema:
        props = schema.get("properties")
        if not isinstance(props, dict):
            problems.append(f"{path}: object without properties")
            props = {}
        if schema.get("additionalProperties") is not False:
            problems.append(f"{path}: additionalProperties must be false")
        if sorted(schema.get("required", [])) != sorted(props):
            problems.append(f"{path}: every property must be required")
        for key, sub in props.items():
            problems.extend(strict_schema_problems(sub, f"{path}.{key}"))
    if "items" in schema:
        problems.extend(strict_schema_problems(schema["items"], f"{path}[]"))
    for keyword in ("minLength", "maxLength", "minItems", "maxItems", "format", "default"):
        if keyword in schema:
            problems.append(f"{path}: keyword {keyword} not supported in strict mode")
    return problems
