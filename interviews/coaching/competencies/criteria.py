"""The shapes of competency data: a criterion an answer must meet, a competency, a focus; and
the criteria several competencies share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

#: The competency keys of the bank (kept equal to BankQuestion.Competency.values by a test;
#: not imported from the models so prompts and the coach can use this without Django).
BEHAVIOURAL = "behavioural"
LEADERSHIP = "leadership"
CONFLICT = "conflict"
FAILURE = "failure"
TEAMWORK = "teamwork"
TECHNICAL = "technical_general"


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str  # short, fits in "did not address {label}"
    description: str  # one sentence, for prompts and notes
    cues: tuple[str, ...]  # regexes matched against the lower-cased answer (any one counts)

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compiled(self.cues)


@dataclass(frozen=True)
class Competency:
    key: str
    label: str
    asks: str  # what the question asks for, in one phrase
    criteria: tuple[Criterion, ...]
    question_cues: str  # a regex; each distinct match in a question counts once
    # Without these the question was not answered (default: the first criterion); "a|b" means
    # either of the two will do.
    core: tuple[str, ...] = ()

    @property
    def core_keys(self) -> tuple[str, ...]:
        return self.core or (self.criteria[0].key,)


@dataclass(frozen=True)
class Focus:
    """A narrower ask inside a competency ("prioritise", "mentored"), found in the question."""

    key: str
    competency: str
    asks: str
    criteria: tuple[Criterion, ...]
    question_cues: str
    core: tuple[str, ...] = ()

    @property
    def core_keys(self) -> tuple[str, ...]:
        return self.core or (self.criteria[0].key,)


@cache
def _compiled(cues: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{cue})" for cue in cues))


def _c(key: str, label: str, description: str, *cues: str) -> Criterion:
    return Criterion(key, label, description, cues)


# --- Shared criteria --------------------------------------------------------------------------

_PAST = r"\b(i|we) (\w+ly |then |also |first |finally )?(\w{3,}ed|made|took|wrote|ran|built|met|sat|spoke|told|gave|went|got|chose|sent|set|led|found|brought|caught|kept|put|cut|drew|began|did|paid|won|lost|left|rang|split|broke|stood|saw|thought|held|taught|dug|swapped|shipped)\b"
EXAMPLE = _c(
    "example",
    "a specific example",
    "One real occasion from the candidate's past (when, where, who), not a general description of how they usually work.",
    _PAST,
    r"\b(last|that|one) (year|month|week|quarter|spring|summer|autumn|fall|winter|time)\b",
    r"\b(at|in) my (last|previous|current|first|old|former) \w+",
    r"\bwhen i (was|joined|started)\b",
)
OWN_ACTIONS = _c(
    "own_actions",
    "what you did",
    "The steps the candidate took themselves, in order, in the first person.",
    r"\bi (\w+ly |then |also |first |finally |just )?(\w{3,}ed|made|took|wrote|ran|built|met|sat|spoke|told|gave|went|got|chose|sent|set|led|found|brought|kept|put|cut|began|did|split|broke|drew|rang|swapped|shipped|taught|dug)\b",
)
OUTCOME = _c(
    "outcome",
    "how it turned out",
    "What changed because of it: a result, ideally measured, or a clear end state.",
    r"\b(as a result|in the end|ended up|by the end|afterwards|since then|which meant|that meant|eventually|finally|from then on|turned out|worked out)\b|\b(increased|decreased|reduced|improved|cut|saved|grew|dropped|fell|rose|halved|doubled|shipped|launched|delivered|finished|completed|resolved|fixed|passed|signed|won|hit|met|stopped|stayed|recovered|renewed)\b|\b(went|came) (down|up|from)\b|\bnothing (slipped|broke|was missed|was late)\b|\b(were|was|got) (all )?(done|sorted|out|live|fixed|back)\b|\b(on time|on schedule|on the date|ahead of|under budget|within (a|an|one|two|three|four|five|six|\d+) \w+)\b|\d+ ?(%|percent)",
)
LESSON = _c(
    "lesson",
    "what you learned",
    "What the candidate learned and what they now do differently because of it.",
    r"\b(learned|learnt|lesson|taught me|realised|realized|takeaway)\b|\b(now i|i now|these days i|since then i|i always \w+ now|i never|from then on)\b|\b(differently|changed (how|the way) i|i (started|stopped|make sure|check|ask))\b|\b(if i did it again|next time,? i|looking back|in hindsight|with hindsight|i would have|i'd have)\b",
)
