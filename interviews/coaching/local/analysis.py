"""Reading an answer: sentences with STAR part scores, specifics, ownership, narrative against
self-description, and what the question's competency asks for."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from interviews.coaching import competencies
from interviews.coaching.answer import AnswerInput
from interviews.coaching.local import cues
from interviews.coaching.local.lexicons import (
    BUZZ_PHRASES,
    CLAUSE_BREAK,
    COMMON_CAPITALISED,
    DECLINES,
    ENGLISH_COMMON,
    FIRST_PLURAL,
    FIRST_SINGULAR,
    HEDGES,
    HYPOTHETICAL,
    I_ACTION,
    IRREGULAR_ACTIONS,
    METRIC_WORDS,
    NOT_ACTIONS,
    NUMBER_IN_WORDS,
    NUMBER_WITH_UNIT,
    NUMBER_WORDS,
    OUTCOME_IN_ACTION,
    SELF_DESCRIPTION,
    STAR_LABEL,
    STOPWORDS,
    TECH_WORDS,
    TIME_WORDS,
    WE_ACTION,
)
from interviews.coaching.local.text import split_sentences, stem, tokens
from interviews.coaching.question_types import QuestionType, question_type_for
from interviews.coaching.schema import normalise

PARTS = ("situation", "task", "action", "result")
#: A part is found at this score; between WEAK and FOUND it is "there but unclear".
FOUND = 2.0
WEAK = 1.0
_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"\b(19|20)\d\d\b")
#: A label needs this many words of its own behind it to count as that part.
_LABEL_SUBSTANCE_WORDS = 10


@dataclass
class Sentence:
    text: str
    index: int
    lower: str
    tokens: list[str]
    scores: dict[str, float] = field(default_factory=dict)
    specifics: list[str] = field(default_factory=list)
    own_action: bool = False  # "I" + a past-tense action verb
    team_action: bool = False  # "we" + a past-tense action verb
    generic: bool = False  # a claim about the candidate, not an event
    hollow_label: bool = False  # "Result: it went well." - a label with nothing behind it


@dataclass
class Analysis:
    sentences: list[Sentence]
    words: int
    star: dict[str, Sentence | None]
    unclear: dict[str, Sentence | None]  # parts with only weak evidence
    i_count: int
    we_count: int
    specifics: list[str]
    numeric_specifics: int
    result_quantified: bool
    result_hedged: bool
    repetitive: bool
    language: str
    question_keywords: list[str]
    question_hits: list[str]
    hypothetical: bool
    narrative: int  # sentences telling what happened
    generic: int  # sentences describing the candidate instead
    buzzwords: list[str]
    declined: bool
    competency: str
    asks: str
    criteria: tuple[competencies.Criterion, ...]
    core: tuple[str, ...]
    criteria_met: dict[str, bool]
    criteria_quotes: dict[str, str]
    setup_share: float  # share of the words spoken before the first thing the candidate did
    idle_share: float  # share of sentences that serve no STAR part at all
    question_type: QuestionType
    hollow_labels: int  # STAR labels with nothing behind them
    absent: list[str]  # STAR parts the answer's own structure shows are not there
    type_met: dict[str, bool]  # a non-behavioural question's criteria the answer meets
    type_quotes: dict[str, str]
    other_topic: str  # what the story fits better than the question asked ("" when nothing)

    @property
    def rambling(self) -> bool:
        """Long, and the point arrives late or is buried among asides."""
        return self.words >= 120 and (self.setup_share >= 0.5 or self.idle_share >= 0.4)

    @property
    def found(self) -> list[str]:
        return [part for part in PARTS if self.star[part] is not None]

    @property
    def story(self) -> bool:
        """The question asks for a past story (STAR, ownership and "hypothetical" apply)."""
        return self.question_type.is_story

    @property
    def no_example(self) -> bool:
        """No occasion is told: claims, habits or hypotheticals only (English answers to
        behavioural questions only: other languages are not judged on content, other question
        types ask for no story)."""
        if self.language != "en" or not self.story:
            return False
        return self.narrative == 0 or (self.generic >= 2 and self.generic > 2 * self.narrative)


def _own_action(lower: str) -> bool:
    return any(m.group(1) not in NOT_ACTIONS for m in I_ACTION.finditer(lower))


def _team_action(lower: str) -> bool:
    return any(m.group(1) not in NOT_ACTIONS for m in WE_ACTION.finditer(lower))


def _capitalised_ratio(text: str) -> float:
    found = re.findall(r"\b[^\W\d_]+\b", text or "")
    if not found:
        return 0.0
    return sum(1 for t in found if t[:1].isupper()) / len(found)


def _sentence_specifics(s: Sentence, *, check_capitals: bool) -> list[str]:
    """Numbers with units, named things (capitalised runs), tools, metrics, dates."""
    found: list[str] = []
    for match in NUMBER_WITH_UNIT.finditer(s.text):
        value = match.group(0).strip()
        if value and _DIGIT.search(value):
            found.append(value)
    if check_capitals:
        raw = re.findall(r"[^\W\d_][\w'&-]*", s.text)
        run: list[str] = []
        for position, token in enumerate([*raw, ""]):
            lower = token.lower()
            if (
                position > 0
                and len(token) > 1
                and token[:1].isupper()
                and lower not in COMMON_CAPITALISED
                and lower not in STOPWORDS
            ):
                run.append(token)
                continue
            if run:
                found.append(" ".join(run))
                run = []
    # A number said in words is named with what it counts ("three hours", "twenty people").
    for match in NUMBER_IN_WORDS.finditer(s.lower):
        number, unit = match.group(1), match.group(2)
        if unit and unit not in STOPWORDS:
            start = match.start()
            found.append(s.text[start : start + len(number) + 1 + len(unit)])
    covered = {word for item in found for word in item.lower().split()}
    for token in s.tokens:
        if token not in covered and (
            token in TECH_WORDS
            or token in METRIC_WORDS
            or token in TIME_WORDS
            or token in NUMBER_WORDS
        ):
            found.append(token)
    out: list[str] = []
    keys: set[str] = set()
    for item in found:
        if item.lower() not in keys:
            keys.add(item.lower())
            out.append(item)
    return out


def _score_parts(s: Sentence, position: float, n: int) -> None:
    for part, table in (
        ("situation", cues.SITUATION),
        ("task", cues.TASK),
        ("action", cues.ACTION),
        ("result", cues.RESULT),
    ):
        s.scores[part] = sum(weight for pattern, weight in table if pattern.search(s.lower))
    if s.own_action:
        s.scores["action"] += 3.0
    elif s.team_action:
        s.scores["action"] += 1.5
    # Position: context comes early, results late (a weak prior, never decisive alone).
    bonus = {
        "situation": 1.0 if position <= 0.3 else (-1.0 if position >= 0.7 else 0.0),
        "task": 0.5 if position <= 0.5 else 0.0,
        "action": 0.5 if 0.15 <= position <= 0.85 else 0.0,
        "result": 1.0 if position >= 0.6 else (-1.0 if position <= 0.2 and n > 3 else 0.0),
    }
    for part, value in bonus.items():
        if s.scores[part] > 0:
            s.scores[part] += value
    if _DIGIT.search(s.lower) and s.scores["result"] > 0:
        s.scores["result"] += 1.0
    if s.generic or s.hollow_label:
        for part in PARTS:
            s.scores[part] = min(s.scores[part], 0.5)


def _assign(sentences: list[Sentence], threshold: float) -> dict[str, Sentence | None]:
    """The best sentence per part, each sentence serving one part; parts with fewer
    candidates choose first, so a sentence that is both task and action goes where it is
    the only evidence."""
    candidates = {
        part: sorted(
            (s for s in sentences if s.scores.get(part, 0) >= threshold),
            key=lambda s, part=part: (-s.scores[part], s.index),  # type: ignore[misc]
        )
        for part in PARTS
    }
    chosen: dict[str, Sentence | None] = dict.fromkeys(PARTS)
    used: set[int] = set()
    for part in sorted(PARTS, key=lambda p: (len(candidates[p]), p)):
        for s in candidates[part]:
            if s.index not in used:
                chosen[part] = s
                used.add(s.index)
                break
    return chosen


def _keywords(question: str) -> list[str]:
    out: list[str] = []
    for token in tokens(question):
        if token in STOPWORDS or len(token) < 3:
            continue
        if stem(token) not in out:
            out.append(stem(token))
    return out


def _language(answer_tokens: list[str], transcript: str) -> str:
    letters = re.findall(r"[^\W\d_]", transcript)
    non_latin = sum(1 for ch in letters if ord(ch) > 0x24F)
    if letters and non_latin / len(letters) > 0.3:
        return "other"
    common = sum(1 for t in answer_tokens if t in ENGLISH_COMMON)
    words = len(answer_tokens)
    return "en" if words < 6 or common / max(1, words) >= 0.12 else "other"


def analyse(answer: AnswerInput) -> Analysis:
    sentences: list[Sentence] = []
    seen: set[str] = set()
    duplicates = 0
    for text in split_sentences(answer.transcript):
        key = normalise(text)
        if not key:
            continue
        if key in seen and len(key) > 12:
            duplicates += 1
            continue  # a repeated sentence earns nothing twice
        seen.add(key)
        lower = text.lower().replace("\u2019", "'")
        s = Sentence(text=text, index=len(sentences), lower=lower, tokens=tokens(text))
        s.own_action = _own_action(lower)
        s.team_action = _team_action(lower)
        claims = bool(SELF_DESCRIPTION.search(lower) or BUZZ_PHRASES.search(lower))
        s.generic = claims and not (s.own_action or s.team_action)
        label = STAR_LABEL.match(lower)
        if label:
            behind = lower[label.end() :]
            s.hollow_label = len(tokens(behind)) < _LABEL_SUBSTANCE_WORDS and not _DIGIT.search(
                behind
            )
        sentences.append(s)
    all_tokens = tokens(answer.transcript)
    words = len(all_tokens)
    total = len(sentences) + duplicates
    caps_ratio = _capitalised_ratio(answer.transcript)
    n = len(sentences)
    for s in sentences:
        _score_parts(s, s.index / (n - 1) if n > 1 else 0.5, n)
        s.specifics = _sentence_specifics(s, check_capitals=caps_ratio < 0.4)

    star = _assign(sentences, FOUND)
    used = {s.index for s in star.values() if s}
    rest = [s for s in sentences if s.index not in used]
    weak = _assign(rest, WEAK)
    unclear = {part: (weak[part] if star[part] is None else None) for part in PARTS}

    specifics: list[str] = []
    seen_specifics: set[str] = set()
    numeric = 0
    for s in sentences:
        for item in s.specifics:
            if item.lower() not in seen_specifics:
                seen_specifics.add(item.lower())
                specifics.append(item)
                numeric += bool(
                    _DIGIT.search(item) or any(w in NUMBER_WORDS for w in item.lower().split())
                )
    narrative = sum(1 for s in sentences if (s.own_action or s.team_action) and not s.generic)
    actions = [s for s in sentences if (s.own_action or s.team_action) and not s.generic]
    first = next((s for s in actions if s.own_action), None) or (actions[0] if actions else None)
    start = actions[0].index if actions else -1
    # A result is measured when a number is part of the outcome: in a result sentence told
    # after the first thing the candidate did, and not a year.
    result_sentences = [
        s for s in sentences if s.scores["result"] >= FOUND and s.index > start and not s.generic
    ]
    quantified = any(
        _DIGIT.search(_YEAR.sub("", s.lower)) or any(t in NUMBER_WORDS for t in s.tokens)
        for s in result_sentences
    )
    hedged = bool(star["result"] and HEDGES.search(star["result"].lower))

    keywords = _keywords(answer.question)
    answer_stems = {stem(t) for t in all_tokens}
    question_hits = [k for k in keywords if k in answer_stems]
    key = competencies.resolve_competency(answer.competency, answer.question)
    focus = competencies.focus_for(answer.question, key)
    spec = focus or competencies.COMPETENCIES[key]
    criteria = spec.criteria
    lower_all = answer.transcript.lower().replace("\u2019", "'")
    met = competencies.criteria_met(lower_all, criteria)
    criteria_quotes = _quotes(sentences, criteria)
    qtype = question_type_for(answer.question, answer.question_type)
    type_met = competencies.criteria_met(lower_all, qtype.criteria)
    before = sum(len(s.tokens) for s in sentences if first is not None and s.index < first.index)
    idle = sum(1 for s in sentences if max(s.scores.values()) < WEAK)
    absent: list[str] = []
    if qtype.is_story and actions and n >= 2:
        # Evidence, not wording: nothing but actions until the last one means no setting;
        # nothing after the last action (and no outcome anywhere) means no result.
        told_before = [s for s in sentences if s.index < actions[-1].index and s not in actions]
        if (
            not told_before
            and not _opens_with_a_setting(actions[0].lower)
            and star["situation"] is None
            and unclear["situation"] is None
        ):
            absent.append("situation")
        # The last action can carry its own outcome ("everyone coped and we moved back"): any
        # sign of an outcome after the first action is not "nothing".
        outcome_signs = [s for s in sentences if s.index >= start and s.scores["result"] > 0]
        last = sentences[-1]
        if (
            actions[-1] is last
            and star["result"] is None
            and not outcome_signs
            and _only_own_clauses(last.lower)
        ):
            absent.append("result")
    other = _better_fit(spec, lower_all) if qtype.is_story else ""
    return Analysis(
        sentences=sentences,
        words=words,
        star=star,
        unclear=unclear,
        i_count=sum(1 for t in all_tokens if t in FIRST_SINGULAR),
        we_count=sum(1 for t in all_tokens if t in FIRST_PLURAL),
        specifics=specifics,
        numeric_specifics=numeric,
        result_quantified=quantified,
        result_hedged=hedged,
        repetitive=total >= 4 and duplicates / total >= 0.3,
        language=_language(all_tokens, answer.transcript),
        question_keywords=keywords,
        question_hits=question_hits,
        hypothetical=len(HYPOTHETICAL.findall(lower_all)) >= (2 if narrative == 0 else 3),
        narrative=narrative,
        generic=sum(1 for s in sentences if s.generic),
        buzzwords=sorted({m.group(0) for m in BUZZ_PHRASES.finditer(lower_all)}),
        declined=bool(DECLINES.search(lower_all)) and narrative <= 1 and words < 60,
        competency=key,
        asks=spec.asks,
        criteria=criteria,
        core=spec.core_keys,
        criteria_met=met,
        criteria_quotes=criteria_quotes,
        setup_share=before / words if words else 0.0,
        idle_share=idle / n if n else 0.0,
        question_type=qtype,
        hollow_labels=sum(1 for s in sentences if s.hollow_label),
        absent=absent,
        type_met=type_met,
        type_quotes=_quotes(sentences, qtype.criteria),
        other_topic=other,
    )


_FILLER = frozenset({"um", "uh", "like", "just", "also", "then", "yeah", "basically", "actually"})


def _opens_with_a_setting(lower: str) -> bool:
    """The sentence says something before the first thing "I" or "we" did ("When the server
    crashed during the sale, I rolled back"): that is a setting, whatever its words."""
    first = [m.start() for m in (I_ACTION.search(lower), WE_ACTION.search(lower)) if m]
    before = [w for w in tokens(lower[: min(first)]) if w not in _FILLER] if first else []
    return len(before) >= 3


def _only_own_clauses(lower: str) -> bool:
    """Every clause of the sentence is something "I" or "we" did: no one else's reaction, no state
    of things ("everyone coped", "the release went out") and no outcome told as an action ("we
    served every booking") hides in it."""
    if OUTCOME_IN_ACTION.search(lower) or _DIGIT.search(lower):
        return False
    for clause in CLAUSE_BREAK.split(lower):
        words = [w for w in tokens(clause) if w not in _FILLER]
        if not words:
            continue
        if words[0] in ("i", "we"):
            continue
        if words[0].endswith("ed") or re.fullmatch(IRREGULAR_ACTIONS, words[0]):
            continue  # "... and moved the report": the same subject goes on
        return False
    return True


def _quotes(
    sentences: list[Sentence], criteria: tuple[competencies.Criterion, ...]
) -> dict[str, str]:
    """The first sentence that meets each criterion."""
    out: dict[str, str] = {}
    for criterion in criteria:
        hit = next((s for s in sentences if criterion.pattern.search(s.lower)), None)
        if hit:
            out[criterion.key] = hit.text
    return out


def _fit(spec: competencies.Competency | competencies.Focus, lower: str) -> tuple[bool, float]:
    """Whether the text meets a spec's core criteria, and the share of its criteria it meets."""
    met = competencies.criteria_met(lower, spec.criteria)
    core = all(any(met.get(k) for k in key.split("|")) for key in spec.core_keys)
    return core, sum(met.values()) / len(spec.criteria)


def _better_fit(asked: competencies.Competency | competencies.Focus, lower: str) -> str:
    """What the story is about when it clearly fits another question better: the asked
    question's core is not there and the story meets every criterion of another competency or
    narrower ask (the general behavioural one fits any story, so it is no evidence). ""
    otherwise: relevance is then not judged, as a missed word is no evidence."""
    asked_core, asked_share = _fit(asked, lower)
    if asked_core:
        return ""
    others: list[competencies.Competency | competencies.Focus] = [
        c for c in competencies.COMPETENCIES.values() if c.key != competencies.BEHAVIOURAL
    ]
    for other in [*others, *competencies.FOCI]:  # the broader competencies name it best
        # Not the asked one, nor its parent competency or its own narrower asks.
        if other.key in (asked.key, getattr(asked, "competency", "")) or (
            getattr(other, "competency", "") == asked.key
        ):
            continue
        core, share = _fit(other, lower)
        if core and share == 1.0 and share - asked_share >= 0.5:
            return other.asks
    return ""
