"""Cues for the four STAR parts, weighted (data/lexicons.toml). A sentence's score for a part is
the sum of the weights of the cues it matches (plus a position bonus in analysis). Narrative
counts as much as signposts: "went from 2.4 s to 620 ms" and "nothing slipped" are results
without "as a result", "last March, on the Monday of quarter-end" is a situation without "the
situation was"."""

from __future__ import annotations

from interviews.coaching.local.lexicons import weighted_cues

SITUATION = weighted_cues("situation")
TASK = weighted_cues("task")
ACTION = weighted_cues("action")
RESULT = weighted_cues("result")
