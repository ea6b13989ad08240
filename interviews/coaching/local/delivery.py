"""Delivery metrics measured from the transcript and word timings (no content judgement)."""

from __future__ import annotations

import itertools
from typing import Any

from interviews.coaching.answer import AnswerInput
from interviews.coaching.local.text import count_fillers, tokens
from interviews.coaching.schema import DeliveryMetrics

TARGET_SECONDS = (60, 120)
LONG_PAUSE_SECONDS = 2.5
IDEAL_WPM = (120, 165)
ESTIMATE_WPM = 140


def _timing(item: Any, key: str) -> float | None:
    value = item.get(key) if isinstance(item, dict) else getattr(item, key, None)
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def delivery_metrics(answer: AnswerInput, *, words: int | None = None) -> DeliveryMetrics:
    count = len(tokens(answer.transcript)) if words is None else words
    fillers = count_fillers(answer.transcript)
    timings = []
    for item in answer.words or []:
        start, end = _timing(item, "start"), _timing(item, "end")
        if start is not None and end is not None and end >= start:
            timings.append((start, end))
    timings.sort()
    long_pauses = 0
    longest = 0.0
    for (_, previous_end), (start, _) in itertools.pairwise(timings):
        gap = start - previous_end
        longest = max(longest, gap)
        if gap > LONG_PAUSE_SECONDS:
            long_pauses += 1

    if count == 0 and timings:
        count = len(timings)
    span = timings[-1][1] - timings[0][0] if len(timings) >= 2 else 0.0
    if span >= 5 and len(timings) >= 2:
        duration, source = span, "timings"
        wpm: float | None = len(timings) / span * 60
    elif answer.duration_seconds and answer.duration_seconds >= 5:
        duration, source = float(answer.duration_seconds), "duration"
        wpm = count / duration * 60 if count else 0.0
    elif count:
        duration, source = count / ESTIMATE_WPM * 60, "estimate"
        wpm = None
    else:
        duration, source, wpm = 0.0, "none", None

    total_fillers = sum(fillers.values())
    per_minute = (
        round(total_fillers / (duration / 60), 1) if source in ("timings", "duration") else None
    )
    if source == "none":
        verdict = "unknown"
    elif duration < TARGET_SECONDS[0]:
        verdict = "short"
    elif duration > TARGET_SECONDS[1]:
        verdict = "long"
    else:
        verdict = "on_target"
    return {
        "words": count,
        "duration_seconds": round(duration, 1),
        "duration_source": source,
        "wpm": round(wpm) if wpm is not None else None,
        "fillers": total_fillers,
        "filler_counts": dict(fillers.most_common(8)),
        "filler_per_minute": per_minute,
        "long_pauses": long_pauses,
        "longest_pause_seconds": round(longest, 1),
        "length_verdict": verdict,
    }


def delivery_score(metrics: DeliveryMetrics) -> int:
    if metrics["words"] == 0:
        return 1
    score = 5
    wpm = metrics["wpm"]
    if wpm is not None:
        if wpm < 90 or wpm > 190:
            score -= 2
        elif wpm < 110 or wpm > 175:
            score -= 1
    per_minute = metrics["filler_per_minute"]
    if per_minute is None:
        per_hundred = metrics["fillers"] / max(1, metrics["words"]) * 100
        score -= 2 if per_hundred > 6 else (1 if per_hundred > 3 else 0)
    else:
        score -= 2 if per_minute > 8 else (1 if per_minute > 4 else 0)
    if metrics["long_pauses"] >= 6:
        score -= 2
    elif metrics["long_pauses"] >= 3:
        score -= 1
    duration = metrics["duration_seconds"]
    if duration < 30:
        score -= 2
    elif duration < 45 or duration > 180:
        score -= 2 if duration > 240 else 1
    elif duration > 150:
        score -= 1
    return max(1, min(5, score))
