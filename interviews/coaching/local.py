"""The local coach: deterministic, no network, linear in the length of the answer.

It reads the transcript the way an interview coach would, using only observable evidence:

- splits it into sentences (punctuation, or discourse markers when a browser transcript has none);
- labels situation / task / action / result sentences from cue lexicons plus position (context
  early, results late) and quotes the best sentence for each part;
- ownership: first person singular ("I", "my") against plural ("we", "our");
- specifics: numbers, percentages, money, durations, metrics, named tools and systems;
- whether there is a result, whether it is measurable, whether it is hedged;
- delivery: filler words, words per minute (word timings, else duration), pauses > 2.5 s,
  answer length against a 60-120 s target. No emotion or "confidence" inference.

Everything it says about content is backed by a quote of the candidate's own sentence.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from interviews.coaching.schema import (
    MAX_TEXT_CHARS,
    DeliveryMetrics,
    Feedback,
    clip,
    finalise,
    normalise,
)

if TYPE_CHECKING:
    from interviews.coaching.engine import AnswerInput

TARGET_SECONDS = (60, 120)
LONG_PAUSE_SECONDS = 2.5
IDEAL_WPM = (120, 165)
ESTIMATE_WPM = 140

_WORD = re.compile(r"\w+(?:['\u2019]\w+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?\u3002\uff01\uff1f])\s+|\n+|(?<=[\u3002\uff01\uff1f])")
_DIGIT = re.compile(r"\d")

# --- Lexicons ------------------------------------------------------------------------------

_FIRST_SINGULAR = {"i", "me", "my", "myself", "mine", "i'm", "i've", "i'd", "i'll"}
_FIRST_PLURAL = {"we", "us", "our", "ours", "ourselves", "we're", "we've", "we'd", "we'll"}

_ENGLISH_COMMON = {
    "the",
    "a",
    "an",
    "and",
    "or",
    "but",
    "so",
    "to",
    "of",
    "in",
    "on",
    "at",
    "for",
    "with",
    "was",
    "were",
    "is",
    "are",
    "be",
    "it",
    "that",
    "this",
    "i",
    "we",
    "my",
    "our",
    "they",
    "he",
    "she",
    "you",
    "had",
    "have",
    "did",
    "do",
    "not",
    "as",
    "by",
    "from",
    "then",
    "when",
}

_STOPWORDS = _ENGLISH_COMMON | {
    "me",
    "about",
    "time",
    "tell",
    "describe",
    "situation",
    "give",
    "example",
    "your",
    "how",
    "what",
    "would",
    "could",
    "walk",
    "through",
    "share",
    "talk",
    "once",
    "there",
    "which",
    "where",
    "why",
    "who",
    "whom",
    "some",
    "any",
    "can",
    "will",
    "been",
    "being",
    "into",
    "out",
    "up",
    "if",
    "than",
    "them",
    "their",
    "its",
    "his",
    "her",
    "us",
    "one",
    "also",
    "very",
    "just",
    "more",
    "most",
    "all",
    "each",
    "did",
    "does",
    "has",
    "having",
    "ever",
    "recent",
    "recently",
    "particular",
    "specific",
    "else",
    "other",
    "way",
    "thing",
    "things",
    "get",
    "got",
    "make",
    "made",
    "take",
    "took",
    "let",
    "like",
    "something",
    "someone",
    "go",
    "went",
}

_COMPETENCY_TERMS: dict[str, set[str]] = {
    "leadership": {
        "lead",
        "led",
        "leader",
        "team",
        "mentor",
        "coach",
        "vision",
        "decision",
        "decide",
        "ownership",
        "initiative",
        "delegate",
        "motivate",
        "align",
        "direction",
        "hire",
        "manage",
        "responsibility",
        "stakeholder",
        "influence",
    },
    "conflict": {
        "disagree",
        "disagreement",
        "conflict",
        "tension",
        "argument",
        "pushback",
        "push",
        "compromise",
        "perspective",
        "resolve",
        "concern",
        "difficult",
        "frustrate",
        "opinion",
        "view",
        "listen",
        "agree",
        "escalate",
        "misunderstand",
        "relationship",
    },
    "failure": {
        "fail",
        "failure",
        "mistake",
        "wrong",
        "learn",
        "lesson",
        "miss",
        "regret",
        "error",
        "own",
        "apologise",
        "apologize",
        "fix",
        "differently",
        "reflect",
        "blame",
        "recover",
    },
    "teamwork": {
        "team",
        "collaborate",
        "collaboration",
        "together",
        "help",
        "colleague",
        "support",
        "pair",
        "share",
        "cross",
        "partner",
        "coordinate",
        "communicate",
        "trust",
        "role",
    },
    "technical_general": {
        "system",
        "design",
        "bug",
        "performance",
        "architecture",
        "scale",
        "latency",
        "data",
        "database",
        "api",
        "test",
        "deploy",
        "debug",
        "code",
        "service",
        "migration",
        "incident",
        "monitor",
        "tradeoff",
        "trade",
    },
    "behavioural": {
        "deadline",
        "priority",
        "prioritise",
        "prioritize",
        "learn",
        "decision",
        "deliver",
        "goal",
        "challenge",
        "initiative",
        "customer",
        "improve",
        "problem",
        "plan",
    },
}

_TECH_WORDS = {
    "python",
    "java",
    "javascript",
    "typescript",
    "rust",
    "kotlin",
    "swift",
    "sql",
    "postgres",
    "postgresql",
    "mysql",
    "redis",
    "kafka",
    "docker",
    "kubernetes",
    "k8s",
    "aws",
    "gcp",
    "azure",
    "terraform",
    "react",
    "django",
    "flask",
    "node",
    "graphql",
    "jira",
    "confluence",
    "slack",
    "excel",
    "tableau",
    "looker",
    "salesforce",
    "hubspot",
    "figma",
    "sentry",
    "datadog",
    "grafana",
    "prometheus",
    "jenkins",
    "github",
    "gitlab",
    "spark",
    "airflow",
    "snowflake",
    "bigquery",
    "s3",
    "lambda",
    "api",
    "apis",
    "sdk",
    "ios",
    "android",
    "linux",
    "notion",
    "zendesk",
    "sap",
    "powerbi",
    "dbt",
    "pandas",
    "elasticsearch",
    "mongodb",
    "cloudflare",
    "stripe",
    "segment",
    "amplitude",
    "mixpanel",
    "okta",
    "ci",
    "cd",
    "etl",
    "sla",
    "slo",
    "crm",
    "erp",
    "a/b",
}
_METRIC_WORDS = {
    "latency",
    "revenue",
    "conversion",
    "churn",
    "retention",
    "nps",
    "uptime",
    "throughput",
    "p95",
    "p99",
    "kpi",
    "okr",
    "budget",
    "cost",
    "costs",
    "margin",
    "arr",
    "mrr",
    "sales",
    "tickets",
    "downtime",
    "velocity",
    "headcount",
    "roi",
    "signups",
    "errors",
    "complaints",
    "satisfaction",
    "csat",
    "backlog",
    "deadline",
    "sprint",
    "quarter",
}
_NUMBER_WORDS = {
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "fifteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "dozen",
    "dozens",
    "half",
    "double",
    "doubled",
    "triple",
    "tripled",
    "halved",
    "percent",
}
_TIME_WORDS = {
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "weekend",
}
_COMMON_CAPITALISED = {
    "i",
    "i'm",
    "i've",
    "i'd",
    "i'll",
    "ok",
    "okay",
    "so",
    "and",
    "but",
    "then",
    "the",
    "we",
    "my",
    "it",
    "english",
    "mr",
    "mrs",
    "ms",
    "dr",
}

_NUMBER_SPECIFIC = re.compile(
    r"(?<![\w.])(?:[$£€]\s?\d[\d,.]*\s?(?:k|m|bn|million|billion)?|\d[\d,.]*\s?(?:%|percent|x\b|k\b|"
    r"ms\b|seconds?|minutes?|hours?|days?|weeks?|months?|years?|people|users|customers|"
    r"engineers|tickets|requests|dollars|pounds|euros|million|billion|thousand)?)",
    re.IGNORECASE,
)


def _cues(*pairs: tuple[str, float]) -> list[tuple[re.Pattern[str], float]]:
    return [(re.compile(pattern), weight) for pattern, weight in pairs]


_ACTION_VERBS = (
    r"decided|built|created|led|organi[sz]ed|wrote|designed|implemented|set up|scheduled|met|"
    r"talked|spoke|proposed|analy[sz]ed|introduced|migrated|refactored|negotiated|coached|"
    r"mentored|reached out|started|ran|drove|automated|fixed|prioriti[sz]ed|asked|called|"
    r"investigated|pushed|added|changed|rewrote|interviewed|gathered|collected|presented|"
    r"convinced|brought|split|broke|paired|documented|tested|measured|profiled|trained|hired|"
    r"delegated|escalated|reviewed|moved|replaced|sat down|listened|shadowed|volunteered|took|"
    r"made|gave|sent|used|researched|planned|mapped|identified|traced|booked|suggested|"
    r"explained|offered|stepped|rebuilt|wrote up|pulled|dug|focused|reorgani[sz]ed|cleaned up|"
    r"set|restructured|cancelled|canceled|owned|apologi[sz]ed|created|launched|shipped|"
    r"learned|learnt|read|studied|practised|practiced|worked|checked|compared|agreed|chose"
)
_CUES: dict[str, list[tuple[re.Pattern[str], float]]] = {
    "situation": _cues(
        (
            r"\b(at|in) my (last|previous|current|first|old|former) (job|role|company|team|"
            r"position|internship|employer|school|university)\b",
            2.5,
        ),
        (r"\bwhen i (was|joined|started|moved)\b", 2.0),
        (r"\bin my (role|job|position|time|first year) (as|at|in)\b", 2.5),
        (r"\bwhile (i was )?working\b", 2.0),
        (r"\bi (was )?work(ed|ing) (at|as|on|for|in)\b", 2.0),
        (r"\bi was (a|an|the) \w+", 1.5),
        (r"\bback in\b", 1.5),
        (r"\bat the time\b", 1.5),
        (r"\b(last|this|that) (year|quarter|summer|spring|autumn|fall|winter|term)\b", 1.0),
        (r"\bin (19|20)\d\d\b", 1.5),
        (r"\b(situation|context|background)\b", 1.5),
        (
            r"\b(was|were) (facing|struggling|dealing|experiencing|losing|missing|behind|"
            r"failing|growing|about to)\b",
            1.5,
        ),
        (r"\b(there was|there were|we had|we were|the team was|our team)\b", 1.0),
        (
            r"\b(our|the) (company|startup|client|customer|product|department|project|store|"
            r"shop|hospital|school|agency)\b",
            1.0,
        ),
        (r"\b(the )?problem was\b", 1.0),
    ),
    "task": _cues(
        (r"\bmy (task|job|goal|responsibility|role|mission|assignment|brief|aim) was\b", 3.0),
        (r"\bi was (asked|responsible|tasked|assigned|expected|supposed|hired|brought in)\b", 3.0),
        (r"\b(responsible for|in charge of|accountable for)\b", 2.0),
        (r"\bmy (task|job|goal|responsibility|mission|aim)\b", 1.5),
        (r"\bi (owned|was the owner of|looked after)\b", 2.0),
        (r"\b(the )?(goal|objective|aim|target|deadline|challenge|ask) was\b", 2.5),
        (r"\bi (needed|had|wanted) to\b", 1.5),
        (r"\bwe (needed|had|wanted) to\b", 1.0),
        (r"\bi had (\w+ )?(hours|days|weeks|months) to\b", 2.0),
        (r"\b(make sure|so that|in order to)\b", 0.5),
    ),
    "action": _cues(
        (rf"\bi (\w+ly |then |also |first |quickly |personally )?({_ACTION_VERBS})\b", 3.0),
        (r"\b(so|then|first|next|after that|afterwards|finally|second|third),? i\b", 1.5),
        (r"\bmy (approach|plan|first step|solution) was\b", 2.5),
        (rf"\bwe (then |also |first )?({_ACTION_VERBS})\b", 1.5),
        (r"\bi (would|will|usually|always|normally|try to|tend to)\b", -1.0),
    ),
    "result": _cues(
        (r"\bas a result\b", 3.0),
        (r"\b(result|results|resulted|outcome|impact)\b", 2.0),
        (
            r"\b(increased|decreased|reduced|improved|cut|saved|grew|raised|lowered|boosted|"
            r"doubled|tripled|halved|dropped|shortened|sped up|went up|went down|fell|rose)\b",
            2.0,
        ),
        (
            r"\b(in the end|ended up|which meant|that meant|this meant|since then|afterwards|"
            r"after that|within (a|two|three|four|six|\d+) (days?|weeks?|months?))\b",
            1.5,
        ),
        (r"\b(went|was|were|is|are|came|got) (down|up) (to|by|from)\b", 2.0),
        (r"\bfrom \S*\d\S* to \S*\d", 2.0),
        (
            r"\b(got|became|was|were|felt) (\w+ )?(better|faster|quicker|easier|calmer|"
            r"smoother|more positive)\b",
            1.5,
        ),
        (r"\b(stopped|resolved|solved|disappeared|went away)\b", 1.0),
        (r"\beventually\b", 1.0),
        (
            r"\b(launched|shipped|delivered|released|completed|finished|won|closed|signed|hit|"
            r"exceeded|beat|passed|adopted|promoted|thanked|praised|recogni[sz]ed)\b",
            1.5,
        ),
        (r"\b(on time|ahead of schedule|under budget|on budget)\b", 2.0),
        (r"\b(i|we) (learned|learnt|realised|realized)\b", 1.5),
        (r"\b(lesson|takeaway|now i|today i|i now|still use|still uses|became the)\b", 1.5),
    ),
}
_HEDGES = re.compile(
    r"\b(i think|i guess|maybe|probably|hopefully|kind of|sort of|a bit|somewhat|"
    r"not sure|i believe it|might have|seemed to)\b"
)
_HYPOTHETICAL = re.compile(r"\b(i would|i'd|i will|i'll|you should|you would)\b")
_BREAK_WORDS = {
    "so",
    "then",
    "but",
    "because",
    "after",
    "which",
    "and",
    "when",
    "eventually",
    "finally",
    "afterwards",
    "meanwhile",
    "however",
}
_MAX_RUN_WORDS = 32
_MIN_RUN_WORDS = 10


# --- Data ------------------------------------------------------------------------------------


@dataclass
class Sentence:
    text: str
    index: int
    lower: str
    tokens: list[str]
    scores: dict[str, float] = field(default_factory=dict)
    specifics: list[str] = field(default_factory=list)
    fillers: int = 0


@dataclass
class Analysis:
    sentences: list[Sentence]
    words: int
    star: dict[str, Sentence | None]
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
    competency_hits: list[str]
    hypothetical: bool


# --- Text utilities -------------------------------------------------------------------------


def split_sentences(text: str) -> list[str]:
    """Sentences, with long unpunctuated runs split at discourse markers (or every ~32 words),
    so a quote is always a contiguous piece of the transcript."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(text or ""):
        piece = piece.strip()
        if not piece:
            continue
        tokens = piece.split()
        if len(tokens) <= _MAX_RUN_WORDS + 8:
            out.append(" ".join(tokens))
            continue
        run: list[str] = []
        for token in tokens:
            bare = token.lower().strip(",;:")
            if run and (
                len(run) >= _MAX_RUN_WORDS
                or (len(run) >= _MIN_RUN_WORDS and bare in _BREAK_WORDS)
                or (len(run) >= _MIN_RUN_WORDS and run[-1].endswith((",", ";", ":")))
            ):
                out.append(" ".join(run))
                run = []
            run.append(token)
        if run:
            out.append(" ".join(run))
    return out


def _tokens(text: str) -> list[str]:
    return [t.replace("\u2019", "'") for t in _WORD.findall(text.lower())]


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "ment", "ly"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _previous_word(text: str, start: int) -> tuple[str, str]:
    """The word before `start` and the non-space character right before it."""
    before = text[max(0, start - 30) : start]
    stripped = before.rstrip()
    char = stripped[-1:] if stripped else ""
    match = re.search(r"(\w+(?:'\w+)?)\W*$", before)
    return (match.group(1) if match else ""), char


def count_fillers(text: str) -> Counter[str]:
    """Filler words and phrases in `text` (lower-cased, punctuation kept for context)."""
    lower = (text or "").lower().replace("\u2019", "'")
    counts: Counter[str] = Counter()
    simple = {
        "um": r"\b(?:u+m+|erm+|uhm+)\b",
        "uh": r"\b(?:u+h+|e+r|a+h+)\b",
        "hmm": r"\bh+m+\b",
        "basically": r"\bbasically\b",
        "actually": r"\bactually\b",
        "literally": r"\bliterally\b",
        "i mean": r"\bi mean\b(?! it\b)",
        "you know": r"\byou know\b(?!\s+(?:how|what|why|where|when|who|if|whether|that|about|"
        r"the|a|it|him|her|them|this)\b)",
        "so yeah": r"\bso yeah\b",
    }
    for name, pattern in simple.items():
        found = len(re.findall(pattern, lower))
        if found:
            counts[name] = found
    for match in re.finditer(r"\b(sort|kind) of\b", lower):
        word, _ = _previous_word(lower, match.start())
        if word not in {
            "what",
            "this",
            "that",
            "the",
            "a",
            "any",
            "every",
            "which",
            "same",
            "different",
            "some",
            "these",
            "those",
            "one",
            "right",
            "wrong",
        }:
            counts[f"{match.group(1)} of"] += 1
    for match in re.finditer(r"\blike\b", lower):
        word, char = _previous_word(lower, match.start())
        after = lower[match.end() : match.end() + 12]
        next_is_number = bool(
            re.match(r"\s*(\d|a hundred|a thousand|two|three|four|five|ten)", after)
        )
        filler = (
            char in {"", ".", ",", "!", "?", ";", ":"}
            or after.startswith(",")
            or word in {"and", "but", "so", "um", "uh", "umm", "yeah", "oh", "well", "like"}
            or next_is_number
        )
        if filler:
            counts["like"] += 1
    return counts


# --- Analysis -------------------------------------------------------------------------------


def analyse(answer: AnswerInput) -> Analysis:
    raw_sentences = split_sentences(answer.transcript)
    sentences: list[Sentence] = []
    seen: set[str] = set()
    duplicates = 0
    for text in raw_sentences:
        key = normalise(text)
        if not key:
            continue
        if key in seen and len(key) > 12:
            duplicates += 1
            continue  # repeated sentences earn nothing twice
        seen.add(key)
        lower = text.lower().replace("\u2019", "'")
        sentences.append(
            Sentence(text=text, index=len(sentences), lower=lower, tokens=_tokens(text))
        )
    all_tokens = _tokens(answer.transcript)
    words = len(all_tokens)
    total_raw = len(sentences) + duplicates
    repetitive = total_raw >= 4 and duplicates / total_raw >= 0.3

    common = sum(1 for t in all_tokens if t in _ENGLISH_COMMON)
    letters = re.findall(r"[^\W\d_]", answer.transcript)
    non_latin = sum(1 for ch in letters if ord(ch) > 0x24F)
    if letters and non_latin / len(letters) > 0.3:
        language = "other"
    else:
        language = "en" if words < 6 or common / max(1, words) >= 0.12 else "other"

    caps_ratio = _capitalised_ratio(answer.transcript)
    n = len(sentences)
    for s in sentences:
        position = s.index / (n - 1) if n > 1 else 0.5
        for part, cues in _CUES.items():
            base = sum(weight for pattern, weight in cues if pattern.search(s.lower))
            if base <= 0:
                s.scores[part] = base
                continue
            bonus = {
                "situation": 1.0 if position <= 0.3 else (-1.0 if position >= 0.7 else 0.0),
                "task": 0.5 if position <= 0.5 else 0.0,
                "action": 0.5 if 0.15 <= position <= 0.85 else 0.0,
                "result": 1.0 if position >= 0.6 else (-1.0 if position <= 0.2 and n > 3 else 0),
            }[part]
            s.scores[part] = base + bonus
        s.specifics = _sentence_specifics(s, check_capitals=caps_ratio < 0.4)
        if _DIGIT.search(s.lower) and s.scores.get("result", 0) > 0:
            s.scores["result"] += 1.0

    star = _assign_star(sentences)
    i_count = sum(1 for t in all_tokens if t in _FIRST_SINGULAR)
    we_count = sum(1 for t in all_tokens if t in _FIRST_PLURAL)

    specifics: list[str] = []
    specific_keys: set[str] = set()
    numeric = 0
    for s in sentences:
        for item in s.specifics:
            if item.lower() not in specific_keys:
                specific_keys.add(item.lower())
                specifics.append(item)
                numeric += bool(_DIGIT.search(item) or item in _NUMBER_WORDS)

    result_sentences = [s for s in sentences if s.scores.get("result", 0) >= 2.0]
    result_quantified = any(
        _DIGIT.search(s.lower) or any(t in _NUMBER_WORDS for t in s.tokens)
        for s in result_sentences
    )
    result_hedged = bool(star["result"] and _HEDGES.search(star["result"].lower))

    question_keywords = _keywords(answer.question)
    answer_stems = {_stem(t) for t in all_tokens}
    question_hits = [k for k in question_keywords if k in answer_stems]
    terms = {_stem(t) for t in _COMPETENCY_TERMS.get(answer.competency or "", set())}
    competency_hits = sorted(terms & answer_stems)
    hypothetical = len(_HYPOTHETICAL.findall(answer.transcript.lower())) >= 3

    return Analysis(
        sentences=sentences,
        words=words,
        star=star,
        i_count=i_count,
        we_count=we_count,
        specifics=specifics,
        numeric_specifics=numeric,
        result_quantified=result_quantified,
        result_hedged=result_hedged,
        repetitive=repetitive,
        language=language,
        question_keywords=question_keywords,
        question_hits=question_hits,
        competency_hits=competency_hits,
        hypothetical=hypothetical,
    )


def _capitalised_ratio(text: str) -> float:
    tokens = re.findall(r"\b[^\W\d_]+\b", text or "")
    if not tokens:
        return 0.0
    return sum(1 for t in tokens if t[:1].isupper()) / len(tokens)


def _sentence_specifics(s: Sentence, *, check_capitals: bool) -> list[str]:
    """Numbers with their units, named things (runs of capitalised words), tools, metrics,
    dates. De-duplicated case-insensitively, first spelling kept."""
    found: list[str] = []
    for match in _NUMBER_SPECIFIC.finditer(s.text):
        value = match.group(0).strip()
        if value and _DIGIT.search(value):
            found.append(value)
    if check_capitals:
        raw_tokens = re.findall(r"[^\W\d_][\w'&-]*", s.text)
        run: list[str] = []
        for position, token in enumerate([*raw_tokens, ""]):
            lower = token.lower()
            named = (
                position > 0
                and token[:1].isupper()
                and lower not in _COMMON_CAPITALISED
                and lower not in _STOPWORDS
            )
            if named:
                run.append(token)
                continue
            if run:
                found.append(" ".join(run))
                run = []
    covered = {word for item in found for word in item.lower().split()}
    for token in s.tokens:
        if token in covered:
            continue
        if (
            token in _TECH_WORDS
            or token in _METRIC_WORDS
            or token in _TIME_WORDS
            or (token in _NUMBER_WORDS)
        ):
            found.append(token)
    out: list[str] = []
    keys: set[str] = set()
    for item in found:
        key = item.lower()
        if key not in keys:
            keys.add(key)
            out.append(item)
    return out


def _assign_star(sentences: list[Sentence]) -> dict[str, Sentence | None]:
    """The best sentence per STAR part; each sentence serves one part at most. Parts with
    fewer candidates choose first, so a sentence that is both "task" and "action" goes to
    whichever part has no other evidence."""
    threshold = 2.0
    candidates = {
        part: sorted(
            (s for s in sentences if s.scores.get(part, 0) >= threshold),
            key=lambda s, part=part: (-s.scores[part], s.index),
        )
        for part in ("situation", "task", "action", "result")
    }
    chosen: dict[str, Sentence | None] = dict.fromkeys(candidates)
    used: set[int] = set()
    for part in sorted(candidates, key=lambda p: (len(candidates[p]), p)):
        for s in candidates[part]:
            if s.index not in used:
                chosen[part] = s
                used.add(s.index)
                break
    return chosen


def _keywords(question: str) -> list[str]:
    out: list[str] = []
    for token in _tokens(question):
        if token in _STOPWORDS or len(token) < 3:
            continue
        stem = _stem(token)
        if stem not in out:
            out.append(stem)
    return out


# --- Delivery -------------------------------------------------------------------------------


def _timing(item: Any, key: str) -> float | None:
    value = item.get(key) if isinstance(item, dict) else getattr(item, key, None)
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def delivery_metrics(answer: AnswerInput, *, words: int | None = None) -> DeliveryMetrics:
    count = len(_tokens(answer.transcript)) if words is None else words
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


# --- Scoring --------------------------------------------------------------------------------


def _short(text: str, words: int = 14) -> str:
    tokens = text.split()
    if len(tokens) <= words:
        return text.rstrip(" ,;:.!?")
    return " ".join(tokens[:words]).rstrip(" ,;:.!?") + " …"


def _persona_prefix(persona: str) -> str:
    return {"friendly": "Thanks, that helps. ", "tough": "Let me push on that. "}.get(persona, "")


def local_coach(answer: AnswerInput) -> Feedback:
    """Feedback for one answer (FEEDBACK_SCHEMA), deterministic and without network."""
    a = analyse(answer)
    metrics = delivery_metrics(answer, words=a.words)
    if a.words == 0:
        return _empty_feedback(answer, metrics)

    n = len(a.sentences)
    star = a.star
    found = [part for part, s in star.items() if s is not None]
    own_action = bool(star["action"] and re.search(r"\bi\b", star["action"].lower))
    ownership_ratio = a.i_count / (a.i_count + a.we_count) if a.i_count + a.we_count else None
    we_heavy = a.we_count >= 3 and (ownership_ratio or 0) < 0.4

    # Structure
    structure = {0: 1, 1: 2, 2: 3, 3: 4, 4: 5}[len(found)]
    if star["action"] and not own_action and we_heavy:
        structure -= 1
    if n < 3:
        structure = min(structure, 2)
    if a.repetitive or a.hypothetical:
        structure -= 1
    structure = max(1, structure)
    structure_quotes = [star[p].text for p in ("situation", "action", "result", "task") if star[p]]

    # Specificity
    distinct = len(a.specifics)
    specificity = (
        1
        if distinct == 0
        else 2
        if distinct == 1
        else 3
        if distinct <= 3
        else (4 if distinct <= 5 else 5)
    )
    if a.numeric_specifics == 0:
        specificity = min(specificity, 3)
    if a.words < 25:
        specificity = min(specificity, 2)
    by_specifics = sorted(
        (s for s in a.sentences if s.specifics), key=lambda s: (-len(s.specifics), s.index)
    )
    specificity_quotes = [s.text for s in by_specifics[:2]]

    # Impact
    if star["result"] is None:
        impact = 1
    elif a.result_quantified:
        impact = 4
        strong_words = {
            "revenue",
            "customers",
            "users",
            "cost",
            "costs",
            "saved",
            "hours",
            "churn",
            "retention",
            "conversion",
            "adopted",
            "since",
            "still",
        }
        quantified = [
            s for s in a.sentences if s.scores.get("result", 0) >= 2 and _DIGIT.search(s.lower)
        ]
        if len(quantified) >= 2 or any(strong_words & set(s.tokens) for s in quantified):
            impact = 5
    elif a.result_hedged:
        impact = 2
    else:
        impact = 3
    if a.hypothetical and impact > 2:
        impact -= 1
    result_quotes = [star["result"].text] if star["result"] else []
    extra_results = [
        s.text
        for s in a.sentences
        if s is not star["result"] and s.scores.get("result", 0) >= 3 and _DIGIT.search(s.lower)
    ]
    result_quotes += extra_results[:1]

    # Relevance
    ratio = len(a.question_hits) / len(a.question_keywords) if a.question_keywords else 0.5
    points = ratio * 3 + min(len(a.competency_hits), 4) * 0.6
    # A story with most STAR parts is, in itself, an answer to a behavioural question.
    points += 1.0 if len(found) >= 3 else 0.5 if len(found) == 2 else 0.0
    relevance = max(1, min(5, 1 + round(min(4.0, points))))
    if a.words < 20:
        relevance = min(relevance, 2)
    if a.language != "en":
        relevance = 1
    wanted = set(a.question_hits) | set(a.competency_hits)
    by_relevance = sorted(
        ((sum(1 for t in s.tokens if _stem(t) in wanted), s) for s in a.sentences),
        key=lambda pair: (-pair[0], pair[1].index),
    )
    relevance_quotes = [s.text for hits, s in by_relevance[:2] if hits > 0]

    # Delivery
    delivery = delivery_score(metrics)
    filler_sentences = sorted(
        ((sum(count_fillers(s.text).values()), s) for s in a.sentences),
        key=lambda pair: (-pair[0], pair[1].index),
    )
    delivery_quotes = [s.text for count, s in filler_sentences[:1] if count >= 2]

    raw_dims = {
        "structure_star": (structure, structure_quotes, _structure_note(found)),
        "specificity_evidence": (specificity, specificity_quotes, _specifics_note(a)),
        "impact_results": (impact, result_quotes, _impact_note(a, star["result"] is not None)),
        "relevance": (relevance, relevance_quotes, _relevance_note(a)),
        "delivery": (delivery, delivery_quotes, _delivery_note(metrics)),
    }
    dimensions = {
        name: {"score": score, "quotes": quotes[:3], "note": note}
        for name, (score, quotes, note) in raw_dims.items()
    }

    strengths = _strengths(a, metrics, found, ownership_ratio)
    improvements = _improvements(a, metrics, found, we_heavy, dimensions)
    follow_up, reason = _follow_up(answer, a, dimensions, we_heavy)
    raw = {
        "summary": _summary(a, found, we_heavy, dimensions),
        "dimensions": dimensions,
        "star": {part: (s.text if s else None) for part, s in star.items()},
        "strengths": strengths,
        "improvements": improvements,
        "outline": _outline(answer, a, we_heavy),
        "follow_up": follow_up,
        "follow_up_reason": reason,
    }
    signals = {
        "sentences": n,
        "star_found": found,
        "i_count": a.i_count,
        "we_count": a.we_count,
        "ownership_ratio": round(ownership_ratio, 2) if ownership_ratio is not None else None,
        "specifics": a.specifics[:12],
        "result_quantified": a.result_quantified,
        "repetitive": a.repetitive,
        "language": a.language,
        "question_keywords_hit": a.question_hits[:12],
    }
    return finalise(
        raw, transcript=answer.transcript, delivery=metrics, engine="local", signals=signals
    )


def _empty_feedback(answer: AnswerInput, metrics: DeliveryMetrics) -> Feedback:
    dims = {
        name: {"score": 1, "quotes": [], "note": "No answer was recorded."}
        for name in (
            "structure_star",
            "specificity_evidence",
            "impact_results",
            "relevance",
            "delivery",
        )
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
        "outline": _outline(answer, None, False),
        "follow_up": None,
        "follow_up_reason": None,
    }
    signals = {"sentences": 0, "star_found": [], "language": "en"}
    return finalise(raw, transcript="", delivery=metrics, engine="local", signals=signals)


# --- Notes and advice -----------------------------------------------------------------------


def _structure_note(found: list[str]) -> str:
    if len(found) == 4:
        return "All four STAR parts are there."
    missing = [p for p in ("situation", "task", "action", "result") if p not in found]
    if not found:
        return "No clear situation, task, action or result."
    return f"Found {', '.join(found)}; missing {', '.join(missing)}."


def _specifics_note(a: Analysis) -> str:
    if not a.specifics:
        return "No numbers, names of tools or systems, dates or metrics."
    return "Specifics: " + ", ".join(a.specifics[:6]) + "."


def _impact_note(a: Analysis, has_result: bool) -> str:
    if not has_result:
        return "The answer never says how it turned out."
    if a.result_quantified:
        return "The result is measurable."
    if a.result_hedged:
        return "The result is hedged and has no number."
    return "There is a result, but no number shows its size."


def _relevance_note(a: Analysis) -> str:
    if a.language != "en":
        return "The local coach reads English answers only; content was not judged."
    terms = a.question_hits[:4] + [t for t in a.competency_hits if t not in a.question_hits][:4]
    if terms:
        return "Addresses the question (" + ", ".join(terms) + ")."
    return "Hard to connect to the question that was asked."


def _delivery_note(m: DeliveryMetrics) -> str:
    parts = []
    if m["wpm"] is not None:
        parts.append(f"{m['wpm']} words per minute")
    parts.append(f"{m['fillers']} filler words")
    if m["duration_source"] in ("timings", "duration"):
        parts.append(f"{round(m['duration_seconds'])} s long")
    else:
        parts.append(f"about {round(m['duration_seconds'])} s if spoken")
    if m["long_pauses"]:
        parts.append(f"{m['long_pauses']} pauses over {LONG_PAUSE_SECONDS:g} s")
    return ", ".join(parts) + "."


def _strengths(
    a: Analysis, m: DeliveryMetrics, found: list[str], ownership_ratio: float | None
) -> list[str]:
    out: list[str] = []
    if len(found) == 4:
        out.append("A complete STAR story: situation, task, action and result.")
    if a.result_quantified and a.star["result"]:
        out.append(f"You quantified the result: “{_short(a.star['result'].text)}”.")
    elif a.star["result"]:
        out.append(f"You said how it ended: “{_short(a.star['result'].text)}”.")
    if ownership_ratio is not None and ownership_ratio >= 0.6 and a.i_count >= 3:
        action = a.star["action"]
        detail = f": “{_short(action.text)}”" if action else ""
        out.append(f"Clear ownership of your part{detail}.")
    if len(a.specifics) >= 4:
        out.append("Concrete details: " + ", ".join(a.specifics[:5]) + ".")
    wpm = m["wpm"]
    if wpm is not None and IDEAL_WPM[0] <= wpm <= IDEAL_WPM[1]:
        out.append(f"A comfortable pace ({wpm} words per minute).")
    if m["words"] >= 60 and (m["fillers"] / max(1, m["words"])) < 0.01:
        out.append("Almost no filler words.")
    if m["length_verdict"] == "on_target":
        out.append("A good length for an interview answer (60-120 s).")
    return out[:5]


def _improvements(
    a: Analysis,
    m: DeliveryMetrics,
    found: list[str],
    we_heavy: bool,
    dims: dict[str, dict[str, Any]],
) -> list[tuple[float, str]] | list[str]:
    items: list[tuple[float, str]] = []
    if a.language != "en":
        items.append(
            (
                5,
                "The local coach only understands English: content was not scored. "
                "Delivery metrics still apply.",
            )
        )
    if a.star["result"] is None:
        items.append(
            (
                4.5,
                "Finish with the result: what changed, ideally with a number "
                "(time saved, %, money, users).",
            )
        )
    elif not a.result_quantified:
        items.append(
            (
                3,
                f"Put a number on the result “{_short(a.star['result'].text, 10)}”: "
                "how much, how many, how fast?",
            )
        )
    if we_heavy:
        items.append(
            (
                4,
                f"Say what you did yourself: you said “we/our” {a.we_count} times and "
                f"“I/my” {a.i_count} times.",
            )
        )
    if dims["specificity_evidence"]["score"] <= 2:
        items.append(
            (3.5, "Add specifics: numbers, dates, the tools or systems and the people involved.")
        )
    if a.star["situation"] is None:
        items.append(
            (2.5, "Open with one or two sentences of context: where, when, what was at stake.")
        )
    if a.star["action"] is None:
        items.append((4, "Describe the steps you took: “First I…, then I…”."))
    if a.hypothetical:
        items.append((3, "Tell what you did in a real situation, not what you would do."))
    if a.repetitive:
        items.append((3, "You repeated the same sentences; say each point once."))
    if dims["relevance"]["score"] <= 2 and a.language == "en" and a.words >= 20:
        items.append((3.5, "Connect your story to the question that was asked."))
    wpm = m["wpm"]
    if wpm is not None and wpm > 175:
        items.append((2, f"Slow down: {wpm} words per minute; aim for 120-165."))
    elif wpm is not None and 0 < wpm < 105:
        items.append((1.5, f"Pick up the pace a little: {wpm} words per minute; aim for 120-165."))
    if m["fillers"] >= 3:
        top = ", ".join(f"“{k}” \u00d7{v}" for k, v in list(m["filler_counts"].items())[:3])
        rate = f" ({m['filler_per_minute']} per minute)" if m["filler_per_minute"] else ""
        items.append((2 + min(2, m["fillers"] / 10), f"Cut filler words: {top}{rate}."))
    if m["long_pauses"] >= 3:
        items.append(
            (
                1.5,
                f"{m['long_pauses']} pauses over {LONG_PAUSE_SECONDS:g} s: pause "
                "briefly to think, then keep going.",
            )
        )
    if m["length_verdict"] == "short" and m["duration_seconds"] < 45:
        items.append((3, f"Too short ({round(m['duration_seconds'])} s): aim for 60-120 s."))
    elif m["length_verdict"] == "long" and m["duration_seconds"] > 150:
        items.append(
            (
                2.5,
                f"Too long ({round(m['duration_seconds'])} s): aim for 60-120 s; "
                "trim the situation and keep the action and result.",
            )
        )
    items.sort(key=lambda pair: -pair[0])
    return [text for _, text in items[:5]]


_COMPETENCY_RESULT_HINT = {
    "failure": "Result: what happened, what you learned, and what you do differently now.",
    "conflict": "Result: how the disagreement was resolved and how the relationship is now.",
    "leadership": "Result: what the team achieved, with a number, and what you learned "
    "about leading.",
    "teamwork": "Result: what the team delivered and what your part made possible.",
    "technical_general": "Result: the measurable effect (latency, errors, cost, time) and "
    "the trade-off you accepted.",
}


def _outline(answer: AnswerInput, a: Analysis | None, we_heavy: bool) -> list[str]:
    star = a.star if a else dict.fromkeys(("situation", "task", "action", "result"))
    lines = []
    s = star.get("situation")
    lines.append(
        f"Situation (10-15 s): keep it to “{_short(s.text, 12)}” and what was at stake."
        if s
        else "Situation (10-15 s): where you were, when, and what was at stake."
    )
    t = star.get("task")
    lines.append(
        f"Task (10-15 s): your goal, stated plainly: “{_short(t.text, 12)}”."
        if t
        else "Task (10-15 s): what you personally had to achieve, and by when."
    )
    act = star.get("action")
    action_line = "Action (30-50 s): two or three steps you took yourself, in order"
    if act and not we_heavy:
        action_line += f", starting from “{_short(act.text, 10)}”"
    elif we_heavy:
        action_line += " (say “I”, not “we”)"
    lines.append(action_line + ", naming the tools and people involved.")
    lines.append(
        _COMPETENCY_RESULT_HINT.get(
            answer.competency,
            "Result (10-20 s): the outcome with a number (time saved, %, money, users) "
            "and what changed afterwards.",
        )
    )
    if answer.role:
        lines.append(f"Close: one sentence linking this to the {clip(answer.role, 60)} role.")
    return lines


def _follow_up(
    answer: AnswerInput, a: Analysis, dims: dict[str, dict[str, Any]], we_heavy: bool
) -> tuple[str | None, str | None]:
    if a.language != "en" or (a.repetitive and a.words > 2000):
        return None, None
    prefix = _persona_prefix(answer.persona)
    if a.words < 8:
        return (
            prefix + "Could you walk me through a specific example: where were you, "
            "and what happened?",
            "no_context",
        )
    gaps: list[tuple[float, int, str]] = []
    impact = dims["impact_results"]["score"]
    if impact <= 2:
        gaps.append((5 - impact + 0.3, 0, "no_result"))
    if we_heavy:
        ratio = a.i_count / max(1, a.i_count + a.we_count)
        gaps.append((3.5 if ratio < 0.2 else 3.0, 1, "ownership"))
    specificity = dims["specificity_evidence"]["score"]
    if specificity <= 2:
        gaps.append((5 - specificity, 2, "no_specifics"))
    if a.star["situation"] is None and len(a.sentences) >= 2:
        gaps.append((2.5, 3, "no_context"))
    if not gaps:
        return None, None
    gaps.sort(key=lambda g: (-g[0], g[1]))
    reason = gaps[0][2]
    if reason == "no_result":
        action = a.star["action"]
        lead = f"You said “{_short(action.text, 10)}”. " if action else ""
        text = lead + "What was the measurable result? Can you put a number on it?"
    elif reason == "ownership":
        quote = next((s for s in a.sentences if re.search(r"\bwe\b", s.lower)), None)
        lead = f"You said “{_short(quote.text, 10)}”. " if quote else ""
        text = lead + "What did you personally do?"
    elif reason == "no_specifics":
        text = "Can you be more specific: what numbers, tools or systems were involved?"
    else:
        text = "Can you set the scene first: where was this, and what was at stake?"
    return clip(prefix + text, MAX_TEXT_CHARS), reason


def _summary(a: Analysis, found: list[str], we_heavy: bool, dims: dict[str, dict[str, Any]]) -> str:
    if a.language != "en":
        return "The local coach reads English; here are your delivery metrics."
    best = max(dims, key=lambda k: (dims[k]["score"], k != "delivery"))
    worst = min(dims, key=lambda k: (dims[k]["score"], k == "delivery"))
    good = {
        "structure_star": "a well-structured story",
        "specificity_evidence": "concrete specifics",
        "impact_results": "a measurable result",
        "relevance": "a clear answer to the question",
        "delivery": "clean delivery",
    }[best]
    fix = {
        "structure_star": "give it a situation, task, action and result",
        "specificity_evidence": "add numbers and names of tools or systems",
        "impact_results": "finish with a measurable result",
        "relevance": "tie it to the question that was asked",
        "delivery": "work on pace, fillers and length",
    }[worst]
    if we_heavy and worst != "impact_results":
        fix = "say what you did yourself, not only the team"
    if dims[worst]["score"] >= 4:
        return f"Strong answer with {good}."
    if dims[best]["score"] <= 2:
        return f"A start: {fix}."
    return f"Good: {good}. Next: {fix}."
