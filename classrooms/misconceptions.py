"""Misconceptions written into course material, and matching a student's words against them.

The convention (documented on the course page), under any heading, as plain lines or list items:

    Misconception: A 95% confidence interval has a 95% probability of containing the true mean.
    Ask: If we repeated the study a hundred times, what would the 95% describe?
    Sounds like: the mean is in the interval 95% of the time; there's a 95% chance it's in there

"Misconception:" states what students wrongly believe; "Ask:" is the guiding question the
professor wants the tutor to ask instead of explaining; "Sounds like:" (optional) lists other
wordings students use, separated by semicolons. The lines of one block follow each other (a
blank line or a heading ends it); labels may be bold (**Misconception:**) and a label's text
may wrap onto the next lines. A block without "Ask:" is reported on upload, not used.

Matching compares word stems, with a few statistics-class synonyms folded together, so a
paraphrase matches while a question that merely shares the topic does not: most of the
misconception's distinctive words must appear in what the student said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.text import slugify

from classrooms.lexicon import Folding, lexicon
from classrooms.retrieval import STOPWORDS, WORD, stem

KEY_MAX_CHARS = 64
_LABEL = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(misconception|ask|sounds like)\s*:\s*(?:\*\*|__)?\s*(.*)$",
    re.IGNORECASE,
)
# Words students use for the same idea (classrooms/data/tutor_lexicon.toml); each folds to the
# first word of its group. A course adds its own groups with "Synonyms:" lines.
GENERAL_FOLDING = Folding(lexicon().synonyms, stem)
# Words that carry no idea of their own here ("actually" is not "actual", "means" is a verb).
_FILLERS = lexicon().idea_fillers
# "the mean is in the interval" says the interval contains it.
_IS_IN = re.compile(r"\b(?:is|are|be|being|lies|lie|falls|fall|sits|sit)\s+(?:in|inside|within)\b")
_IN_INTERVAL = re.compile(r"\bin\s+(the|this|that|my|our|an?|each|every)\s+(interval|range)\b")
# Pairs of concepts that flip a statement's meaning ("a wider interval is more confident" is
# right, "less confident" is the misconception).
_OPPOSITES = lexicon().opposites
_NEGATION = re.compile(r"\b(?:not|never|no)\b|n't\b", re.IGNORECASE)
# "Isn't it the probability...?" asks the misconception; it does not deny it.
_NEGATIVE_QUESTION = re.compile(
    r"^\W*(?:(?:so|but|and|then|wait)\W+)?(?:isn't|aren't|doesn't|don't|wasn't|won't|can't|"
    r"shouldn't|wouldn't|couldn't)\b",
    re.IGNORECASE,
)
# Most of the wording's ideas, and at least three of them (both, for a two-idea wording): the
# topic words alone ("the standard error") never make a match.
MIN_SHARED = 3
MIN_COVERAGE = 0.6
PRECISION_MARGIN = 0.15


@dataclass(frozen=True)
class Misconception:
    key: str  # stable slug of the statement: what MisconceptionHit.key records
    statement: str
    ask: str
    phrasings: tuple[str, ...] = ()
    heading: str = ""


def course_folding(synonyms: tuple[tuple[str, ...], ...] = ()) -> Folding:
    """The general synonym groups plus a course's own (its groups take precedence)."""
    if not synonyms:
        return GENERAL_FOLDING
    return _course_folding(synonyms)


@lru_cache(maxsize=64)
def _course_folding(synonyms: tuple[tuple[str, ...], ...]) -> Folding:
    return Folding((*synonyms, *lexicon().synonyms), stem)


def concepts(text: str, folding: Folding = GENERAL_FOLDING) -> frozenset[str]:
    """The ideas in `text`: content-word stems, synonyms folded, numbers and fillers dropped."""
    text = folding.text(text)
    text = _IN_INTERVAL.sub(" contain \\2 ", _IS_IN.sub(" contain ", text))
    found = set()
    for word in WORD.findall(text):
        term = stem(word)
        folded = folding.word(word, term)
        if folded is not None:  # before the stopwords: "more" and "less" carry meaning here
            found.add(folded)
            continue
        if word in STOPWORDS or word in _FILLERS or len(word) < 2 or word[0].isdigit():
            continue
        found.add(term)
    return frozenset(found)


def misconception_key(statement: str) -> str:
    """A slug of the statement, cut at a word boundary to fit MisconceptionHit.key."""
    slug = slugify(statement, allow_unicode=True) or "misconception"
    if len(slug) <= KEY_MAX_CHARS:
        return slug
    cut = slug[: KEY_MAX_CHARS + 1]
    return cut.rsplit("-", 1)[0] if "-" in cut else slug[:KEY_MAX_CHARS]


def _clean(value: str) -> str:
    return " ".join(value.replace("**", "").replace("__", "").split()).strip()


def _blocks(text: str, heading: str = "") -> list[dict[str, str]]:
    """Every "Misconception:" block in `text` as its labels' values (plus its heading)."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    section = heading
    last_label = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        heading_match = re.match(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", line)
        if heading_match:
            current, last_label = None, ""
            section = heading_match.group(1).strip()
            continue
        match = _LABEL.match(line)
        if match:
            label, value = match.group(1).lower(), _clean(match.group(2))
            if label == "misconception":
                current = {"misconception": value, "heading": section}
                blocks.append(current)
            elif current is not None:
                current[label] = value
            last_label = label if current is not None else ""
        elif not line.strip():
            current, last_label = None, ""  # a blank line ends the block
        elif current is not None and last_label:
            # A wrapped continuation line of the last label's text.
            current[last_label] = _clean(current[last_label] + " " + line)
        else:
            last_label = ""
    return blocks


def parse_misconceptions(text: str, heading: str = "") -> list[Misconception]:
    """Every complete "Misconception:" block in `text` (one without an "Ask:" line is left out:
    the tutor would have nothing to ask; `incomplete_misconceptions` names them)."""
    unique: list[Misconception] = []
    seen: set[str] = set()
    for block in _blocks(text, heading):
        statement, ask = block.get("misconception", ""), block.get("ask", "")
        if not (statement and ask):
            continue
        base = misconception_key(statement)
        key, n = base, 2
        while key in seen:
            key = f"{base[: KEY_MAX_CHARS - 3]}-{n}"
            n += 1
        seen.add(key)
        phrasings = tuple(p.strip() for p in block.get("sounds like", "").split(";") if p.strip())
        unique.append(
            Misconception(
                key=key,
                statement=statement,
                ask=ask,
                phrasings=phrasings,
                heading=block.get("heading", ""),
            )
        )
    return unique


def incomplete_misconceptions(text: str) -> list[str]:
    """The statements of blocks the tutor cannot use (no "Ask:" line, or nothing stated), so
    the professor is told on upload instead of the tutor silently ignoring them."""
    return [
        block.get("misconception") or "(empty)"
        for block in _blocks(text)
        if not (block.get("misconception") and block.get("ask"))
    ]


def material_misconceptions_message(text: str) -> tuple[str, str]:
    """What to tell the professor after an upload: (info, warning); either may be empty."""
    found = len(parse_misconceptions(text))
    missing = incomplete_misconceptions(text)
    info = ""
    if found:
        info = f"The tutor will watch for {found} misconception{'s' if found != 1 else ''}."
    warning = ""
    if missing:
        quoted = "; ".join(f"“{m[:80]}”" for m in missing[:3])
        warning = (
            f"{len(missing)} misconception{'s have' if len(missing) != 1 else ' has'} no "
            f"“Ask:” line and {'are' if len(missing) != 1 else 'is'} ignored: {quoted}. Add the "
            "question you want the tutor to ask on the line after it."
        )
    return info, warning


def strip_misconceptions(text: str) -> str:
    """The material without its misconception blocks: the wrong beliefs must never be quoted
    to a student as if they were the notes."""
    kept: list[str] = []
    in_block = False
    for line in text.replace("\r\n", "\n").split("\n"):
        label = _LABEL.match(line)
        # "Ask:" outside a block is the professor's prose, not part of the convention
        if label and (in_block or label.group(1).lower() == "misconception"):
            in_block = True
            continue
        if in_block and line.strip() and not re.match(r"^\s{0,3}(#|[-*+]\s)", line):
            continue  # continuation of a label line
        in_block = False
        kept.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _negated(text: str) -> bool:
    text = _NEGATIVE_QUESTION.sub(" ", text.replace("\u2019", "'"))
    return len(_NEGATION.findall(text)) % 2 == 1


def _contradicts(said: frozenset[str], target: frozenset[str]) -> bool:
    for one, other in _OPPOSITES:
        for a, b in ((one, other), (other, one)):
            if a in target and b not in target and b in said and a not in said:
                return True
    return False


def _score(
    said: frozenset[str], wording: str, topic: frozenset[str], folding: Folding
) -> tuple[float, int, int]:
    target = concepts(wording, folding)
    if not target or _contradicts(said, target):
        return 0.0, 0, 0
    # The section's own topic words ("central limit theorem") say what it is about, not what
    # the student believes: the claim words must be there too.
    claim = target - topic
    if len(said & claim) < min(2, len(claim)):
        return 0.0, 0, 0
    shared = len(said & target)
    # Most of the wording's ideas, or nearly all of the student's own words on top of at least
    # three shared ideas ("the car pushes harder because it is bigger" says the wording's
    # claim in fewer words).
    coverage = max(shared / len(target), shared / len(said) - PRECISION_MARGIN)
    return coverage, shared, len(target)


def match_misconception(
    text: str,
    items: tuple[Misconception, ...] | list[Misconception],
    synonyms: tuple[tuple[str, ...], ...] = (),
) -> Misconception | None:
    """The misconception the student's words state (best match), or None."""
    folding = course_folding(synonyms)
    said = concepts(text, folding)
    if len(said) < 2:
        return None
    negated = _negated(text)
    best: tuple[float, int, Misconception] | None = None
    for item in items:
        topic = concepts(item.heading, folding)
        for wording in (item.statement, *item.phrasings):
            if _negated(wording) != negated:
                continue  # "it is not the probability..." states the opposite
            coverage, shared, size = _score(said, wording, topic, folding)
            if shared < min(MIN_SHARED, size) or coverage < MIN_COVERAGE:
                continue
            if best is None or (coverage, shared) > best[:2]:
                best = (coverage, shared, item)
    return best[2] if best else None
