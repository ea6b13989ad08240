"""Coaching: turns an answer into feedback (one schema for every engine).

Public interface (used by interview services and consumers):
- `AnswerInput`: what the coach needs to know about one answer.
- `local_feedback(answer) -> dict`: deterministic, no network.
- `generate_feedback(answer)`: async iterator of events: zero or more
  `{"type": "partial", "text": ...}` while an engine streams, then exactly one
  `{"type": "final", "feedback": <feedback dict>}`. Raises `ProviderError` when the
  configured model fails (callers then mark the attempt feedback_failed).

Every engine's output passes `schema.finalise` (scores parsed, quotes checked against the
transcript, what was repaired listed) and then `engine.cap_for_relevance` (an answer the engine
judged to be about another question is capped at 2.5 and told what it seems to be about; the
built-in coach judges that only on evidence, never on a missed word).

The feedback dict (FEEDBACK_SCHEMA in schema.py):
  overall: float 1-5; capped_from: float|None; summary: str;
  dimensions: {name: {label, score, quotes, note, supported}}; dimension_order: [name];
  star: {part: quote|None}; strengths: [str]; improvements: [str]; outline: [str];
  follow_up: str|None; delivery: {words, duration_seconds, wpm, fillers, filler_per_minute,
  long_pauses, ...}; repairs: [str]; dropped_quotes: [str]
Pages show `label`, never the dimension's key.
"""

from interviews.coaching.answer import AnswerInput
from interviews.coaching.engine import generate_feedback, local_feedback

__all__ = ["AnswerInput", "generate_feedback", "local_feedback"]
