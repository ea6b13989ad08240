"""Misconceptions written into course material, and matching a student's words against them.

The convention (documented on the course page), under any heading, as plain lines or list items:

    Misconception: A 95% confidence interval has a 95% probability of containing the true mean.
    Ask: If we repeated the study a hundred times, what would the 95% describe?
    Sounds like: the mean is in the interval 95% of the time; there's a 95% chance it's in there

"Misconception:" states what students wrongly believe; "Ask:" is the guiding question the
professor wants the tutor to ask instead of explaining; "Sounds like:" (optional) lists other
wordings students use, separated by semicolons. Labels may be bold (**Misconception:**) and a
label's text may wrap onto the next lines; a blank line, a heading or a list item ends it.

Matching compares word stems, with a few statistics-class synonyms folded together, so a
paraphrase matches while a question that merely shares the topic does not: most of the
misconception's distinctive words must appear in what the student said.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from django.utils.text import slugify

from classrooms.retrieval import STOPWORDS, WORD, stem, wordset

KEY_MAX_CHARS = 64
_LABEL = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(misconception|ask|sounds like)\s*:\s*(?:\*\*|__)?\s*(.*)$",
    re.IGNORECASE,
)
# Words students use for the same idea; each folds to the first stem of its group.
_SYNONYMS = {
    "probability": ("probability", "chance", "likely", "likelihood", "probable", "odd"),
    "contain": ("contain", "inside", "within", "include", "capture", "cover", "lie", "lies"),
    "true": ("true", "real", "actual", "population"),
    "large": ("large", "larg", "larger", "bigger", "big", "huge", "greater", "more", "higher"),
    "small": ("small", "smaller", "tiny", "less", "fewer", "lower"),
    "wide": ("wide", "wider", "widest", "broad", "broader"),
    "narrow": ("narrow", "narrower", "tight", "tighter"),
    "sample": ("sample", "sampl"),
    "same": ("same", "identical", "equal"),
    "need": ("need", "require"),
    "normal": ("normal", "bell"),
}
_FOLD = {
    form: group
    for group, words in _SYNONYMS.items()
    for word in words
    for form in (word, stem(word))
}
# Words that carry no idea of their own here ("actually" is not "actual", "means" is a verb).
_FILLERS = wordset(
    "actually basically exactly literally totally understand understood means meaning "
    "confused confusing sure idea question answer say said saying wondering wonder guess "
    "right wrong correct isn't aren't doesn't percent"
)
# "the mean is in the interval" says the interval contains it.
_IS_IN = re.compile(r"\b(?:is|are|be|being|lies|lie|falls|fall|sits|sit)\s+(?:in|inside|within)\b")
_IN_INTERVAL = re.compile(r"\bin\s+(the|this|that|my|our|an?|each|every)\s+(interval|range)\b")
# Pairs of concepts that flip a statement's meaning ("a wider interval is more confident" is
# right, "less confident" is the misconception).
_OPPOSITES = (
    ("large", "small"),
    ("wide", "narrow"),
    ("same", "different"),
    ("same", "large"),  # "bigger than" is not "the same as"
    ("same", "small"),
)
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


@dataclass(frozen=True)
class Misconception:
    key: str  # stable slug of the statement: what MisconceptionHit.key records
    statement: str
    ask: str
    phrasings: tuple[str, ...] = ()
    heading: str = ""


def concepts(text: str) -> frozenset[str]:
    """The ideas in `text`: content-word stems, synonyms folded, numbers and fillers dropped."""
    text = _IN_INTERVAL.sub(" contain \\2 ", _IS_IN.sub(" contain ", text.lower()))
    found = set()
    for word in WORD.findall(text):
        if word in _FOLD:  # before the stopwords: "more" and "less" carry meaning here
            found.add(_FOLD[word])
            continue
        if word in STOPWORDS or word in _FILLERS or len(word) < 2 or word[0].isdigit():
            continue
        term = stem(word)
        found.add(_FOLD.get(word, _FOLD.get(term, term)))
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


def parse_misconceptions(text: str, heading: str = "") -> list[Misconception]:
    """Every "Misconception:" block in `text` (a block without an "Ask:" line is skipped: the
    tutor would have nothing to ask)."""
    found: list[Misconception] = []
    current: dict[str, str] | None = None

    def close() -> None:
        if current and current.get("misconception") and current.get("ask"):
            statement = current["misconception"]
            phrasings = tuple(
                p.strip() for p in current.get("sounds like", "").split(";") if p.strip()
            )
            found.append(
                Misconception(
                    key=misconception_key(statement),
                    statement=statement,
                    ask=current["ask"],
                    phrasings=phrasings,
                    heading=current.get("heading", ""),
                )
            )

    section = heading
    last_label = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        heading_match = re.match(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", line)
        if heading_match:
            close()
            current, last_label = None, ""
            section = heading_match.group(1).strip()
            continue
        match = _LABEL.match(line)
        if match:
            label, value = match.group(1).lower(), _clean(match.group(2))
            if label == "misconception":
                close()
                current = {"misconception": value, "heading": section}
            elif current is not None:
                current[label] = value
            last_label = label if current is not None else ""
        elif current is not None and line.strip() and last_label:
            # A wrapped continuation line of the last label's text.
            current[last_label] = _clean(current[last_label] + " " + line)
        else:
            last_label = ""
    close()
    seen: set[str] = set()
    unique: list[Misconception] = []
    for item in found:
        key, n = item.key, 2
        while key in seen:
            key = f"{item.key[: KEY_MAX_CHARS - 3]}-{n}"
            n += 1
        seen.add(key)
        unique.append(item if key == item.key else dataclasses.replace(item, key=key))
    return unique


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


def _score(said: frozenset[str], wording: str, topic: frozenset[str]) -> tuple[float, int, int]:
    target = concepts(wording)
    if not target or _contradicts(said, target):
        return 0.0, 0, 0
    # The section's own topic words ("central limit theorem") say what it is about, not what
    # the student believes: the claim words must be there too.
    claim = target - topic
    if len(said & claim) < min(2, len(claim)):
        return 0.0, 0, 0
    shared = len(said & target)
    return shared / len(target), shared, len(target)


def match_misconception(
    text: str, items: tuple[Misconception, ...] | list[Misconception]
) -> Misconception | None:
    """The misconception the student's words state (best match), or None."""
    said = concepts(text)
    if len(said) < 2:
        return None
    negated = _negated(text)
    best: tuple[float, int, Misconception] | None = None
    for item in items:
        topic = concepts(item.heading)
        for wording in (item.statement, *item.phrasings):
            if _negated(wording) != negated:
                continue  # "it is not the probability..." states the opposite
            coverage, shared, size = _score(said, wording, topic)
            if shared < min(MIN_SHARED, size) or coverage < MIN_COVERAGE:
                continue
            if best is None or (coverage, shared) > best[:2]:
                best = (coverage, shared, item)
    return best[2] if best else None
