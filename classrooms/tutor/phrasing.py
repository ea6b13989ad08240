"""Pieces of the local tutor's sentences: noun-phrase topics, quotable lines, clean slots.

A topic is a run of the student's content words (never a verb, adverb, pronoun or filler),
preferably one that also appears in the course material, with the article it needs ("the
standard error", "confidence intervals", "sampling"). A quote is the sentence of a retrieved
passage that best answers the student, never one the tutor has just said.
"""

from __future__ import annotations

import re

from classrooms.lexicon import lexicon
from classrooms.retrieval import STOPWORDS, stem, terms

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*|\d+(?:\.\d+)?%?|[^\sA-Za-z\d]")
# Words that never make a topic: verbs, adverbs, adjectives and fillers students use
# around the idea they mean ("understand", "actually", "really").
NOT_TOPIC = lexicon().not_topic
_PRONOUNS = lexicon().pronouns
MASS_ENDINGS = (
    "ing", "ness", "ity", "ics", "ism", "bias", "data", "evidence", "confidence", "significance",
    "inference", "independence",
)  # fmt: skip
MAX_TOPIC_WORDS = 3
QUOTE_LIMIT = 200


def _is_topic_word(word: str) -> bool:
    low = word.lower()
    return (
        len(low) >= 3
        and low.isascii()
        and low[0].isalpha()
        and low not in STOPWORDS
        and low not in NOT_TOPIC
        and low not in _PRONOUNS
        and not low.endswith("ly")
        and "'" not in low
    )


def _stem_line(text: str) -> str:
    return " " + " ".join(stem(w) for w in re.findall(r"[A-Za-z][A-Za-z'-]*", text.lower())) + " "


# "mean" is a filler on its own ("I mean") but a noun after one: "the sample mean".
_NOUN_AFTER_NOUN = frozenset({"mean", "means"})


# A word after one of these is being used as a noun ("the election", "my sample", "of bias").
_DETERMINERS = lexicon().determiners


def noun_phrases(text: str) -> list[tuple[str, bool]]:
    """Runs of topic words in the order the student said them (lowercased), each with whether
    a determiner, preposition or number comes right before it."""
    runs: list[tuple[list[str], bool]] = [([], False)]
    previous = ""
    for token in _TOKEN.findall(text):
        low = token.lower()
        words, _ = runs[-1]
        if _is_topic_word(token) or (words and low in _NOUN_AFTER_NOUN):
            if not words:
                runs[-1] = ([], previous in _DETERMINERS or previous[:1].isdigit())
            runs[-1][0].append(low)
        elif words:
            runs.append(([], False))
        previous = low
    return [(" ".join(words), determined) for words, determined in runs if words]


def with_article(phrase: str, headings: str = "") -> str:
    """ "the standard error", "confidence intervals" (a heading's own plural), "sampling"."""
    words = phrase.split()
    last = words[-1]
    if len(words) > 1 and re.search(rf"\b{re.escape(phrase)}s\b", headings, re.IGNORECASE):
        return phrase + "s"
    if last.endswith(MASS_ENDINGS) or (
        last.endswith("s") and not last.endswith(("ss", "is", "us"))
    ):
        return phrase
    return "the " + phrase


def topic_phrase(text: str, material_text: str, headings: str = "") -> str:
    """The best noun-phrase topic in the student's words, or "" when there is none. With
    material, only a phrase the material also uses counts (a topic the notes know)."""
    stems = _stem_line(material_text) if material_text else ""
    best = ""
    best_score = 0.0
    for run, determined in noun_phrases(text):
        words = run.split()
        if not stems and not determined and len(words) == 1:
            continue  # no notes to check against: a lone word must at least look like a noun
        for size in range(min(MAX_TOPIC_WORDS, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                phrase = " ".join(words[start : start + size])
                if stems:
                    if _stem_line(phrase).strip() and _stem_line(phrase) not in stems:
                        continue
                    score: float = size * 2 + 1
                else:
                    score = size
                if phrase.endswith("ed"):
                    score -= 1.5  # "repeated", "biased": a participle is not the head noun
                if score > best_score:
                    best, best_score = phrase, score
    return with_article(best, headings) if best else ""


def section_topic(heading: str) -> str:
    """A heading usable as a topic ("The central limit theorem" -> "the central limit theorem"),
    or "" for headings that are not one ("Week 3: ...", "Common misconceptions")."""
    heading = clean_text(heading)
    if not heading or ":" in heading or len(heading.split()) > 6:
        return ""
    if re.search(r"\b(misconception|summary|introduction|overview|notes|exercise)", heading, re.I):
        return ""
    if heading[0].isupper() and (len(heading) == 1 or not heading[1].isupper()):
        heading = heading[0].lower() + heading[1:]
    return heading


def clean_text(text: str) -> str:
    """Plain words from Markdown-ish text: no emphasis marks, links, code or list bullets."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`#>]+", "", text)
    text = re.sub(r"(?m)^\s*(?:[-+]|\d+[.)])\s+", "", text)
    return " ".join(text.replace('"', "'").split())


def sentences_of(passage: str) -> list[str]:
    text = clean_text(passage)
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", text) if s.strip()]


def quotable(sentence: str, limit: int = QUOTE_LIMIT) -> str:
    """A sentence ready to sit inside double quotes followed by a period."""
    sentence = sentence.strip().rstrip(".;:, ")
    if len(sentence) > limit:
        sentence = sentence[:limit].rsplit(" ", 1)[0].rstrip(".;:, ") + "..."
    return sentence


def pick_quote(passages: tuple[str, ...], student_text: str, recent: tuple[str, ...]) -> str:
    """The passage sentence closest to the student's words that the tutor has not just said."""
    said = set(terms(student_text))
    recent_text = " ".join(recent)
    candidates: list[tuple[float, int, str]] = []
    order = 0
    for rank_index, passage in enumerate(passages):
        for sentence in sentences_of(passage):
            quote = quotable(sentence)
            if len(quote) < 12 or quote.rstrip(".") in recent_text:
                continue
            overlap = len(said & set(terms(sentence)))
            # earlier passages rank better; within one, the more of the student's words the better
            candidates.append((overlap - rank_index * 0.5, -order, quote))
            order += 1
    if not candidates:
        return ""
    return max(candidates)[2]


def echoable(text: str) -> bool:
    """Worth quoting back: real words with some content, not noise or a stutter."""
    compact = "".join(text.split())
    letters = sum(len(w) for w in re.findall(r"[A-Za-z']+", text))
    return bool(compact) and letters / len(compact) >= 0.75 and bool(terms(text))


def echo(text: str, limit: int = 80) -> str:
    """The student's words, fit to be quoted back (no inner double quotes, trimmed)."""
    text = " ".join(text.replace('"', "'").split()).rstrip("?.!,;: ")
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip("?.!,;: ") + "..."
    return text
