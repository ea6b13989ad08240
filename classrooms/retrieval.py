"""Course material: chunking on upload and a small ranked retrieval for the tutors.

Chunks follow the document's own structure (Markdown headings, then paragraphs) and are packed
to about `MAX_CHUNK_CHARS`. Ranking is BM25 over word stems with a bonus for heading matches:
no index or vector store is needed for a course's worth of notes.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

import snowballstemmer

from classrooms.lexicon import lexicon

MAX_CHUNK_CHARS = 900
WORD = re.compile(r"[a-zA-Z][a-zA-Z0-9'-]+|\d+(?:\.\d+)?")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
# A "Misconception:" or "Check:" line (classrooms.misconceptions, classrooms.script) starts its
# own paragraph, so a block is never cut in two by packing or by the long-paragraph split.
_MISCONCEPTION_START = re.compile(
    r"\n(?=[ \t]*(?:[-*+]\s+)?(?:\*\*|__)?(?:misconception|check)\s*:)", re.IGNORECASE
)
STOPWORDS = lexicon().stopwords


_STEMMER = snowballstemmer.stemmer("english")


@cache
def stem(word: str) -> str:
    """The word's Snowball (Porter2) stem: "forces", "forced" and "force" all give "forc"."""
    word = word.lower().strip("'-")
    return str(_STEMMER.stemWord(word)) if word[:1].isalpha() else word


def terms(text: str) -> list[str]:
    return [stem(w) for w in WORD.findall(text) if w.lower() not in STOPWORDS and len(w) > 1]


def keywords(text: str, limit: int = 4) -> list[str]:
    """The student's most telling words, in the order they used them (for echoing back)."""
    seen: list[str] = []
    for word in WORD.findall(text):
        low = word.lower()
        if low in STOPWORDS or len(low) < 4 or low in seen:
            continue
        seen.append(low)
    return sorted(seen, key=len, reverse=True)[:limit]


def chunk_text(text: str, max_chars: int = MAX_CHUNK_CHARS) -> list[tuple[str, str]]:
    """Split a document into (heading, passage) pairs of at most about `max_chars`."""
    chunks: list[tuple[str, str]] = []
    heading = ""
    buffer: list[str] = []

    def flush() -> None:
        body = "\n\n".join(p for p in buffer if p.strip()).strip()
        if body:
            chunks.append((heading[:200], body))
        buffer.clear()

    text = _MISCONCEPTION_START.sub("\n\n", text.replace("\r\n", "\n"))
    paragraphs = re.split(r"\n\s*\n", text)
    for paragraph in paragraphs:
        lines = paragraph.strip().split("\n")
        if not lines or not lines[0].strip():
            continue
        match = _HEADING.match(lines[0])
        if match:
            flush()
            heading = match.group(1).strip()
            lines = lines[1:]
            if not lines:
                continue
        part = "\n".join(lines).strip()
        while len(part) > max_chars:  # a very long paragraph: cut at a sentence end
            cut = part.rfind(". ", 0, max_chars)
            cut = cut + 1 if cut > max_chars // 3 else max_chars
            if sum(len(p) for p in buffer):
                flush()
            buffer.append(part[:cut])
            flush()
            part = part[cut:].strip()
        if sum(len(p) + 2 for p in buffer) + len(part) > max_chars:
            flush()
        buffer.append(part)
    flush()
    return chunks


@dataclass(frozen=True)
class Passage:
    heading: str
    text: str
    score: float
    index: int = -1  # position in the ranked `chunks` list (to find the chunk's id)
    coverage: float = 0.0  # share of the query's distinct terms the passage contains
    matched: int = 0  # how many of the query's distinct terms it contains


def rank(query: str, chunks: list[tuple[str, str]], k: int = 3) -> list[Passage]:
    """BM25 (k1=1.2, b=0.75) over stems; a query term in the heading counts double."""
    query_terms = set(terms(query))
    if not query_terms or not chunks:
        return []
    docs = [Counter(terms(f"{heading} {text}")) for heading, text in chunks]
    heading_terms = [set(terms(heading)) for heading, _ in chunks]
    n = len(docs)
    avg_len = sum(sum(d.values()) for d in docs) / n or 1.0
    df = Counter(t for d in docs for t in set(d) if t in query_terms)
    scored: list[Passage] = []
    for index, ((heading, text), doc, head) in enumerate(
        zip(chunks, docs, heading_terms, strict=True)
    ):
        length = sum(doc.values()) or 1
        score = 0.0
        found = 0
        for term in query_terms:
            tf = doc.get(term, 0)
            if not tf:
                continue
            found += 1
            idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
            score += idf * tf * 2.2 / (tf + 1.2 * (1 - 0.75 + 0.75 * length / avg_len))
            if term in head:
                score += idf
        if score > 0:
            scored.append(
                Passage(
                    heading=heading,
                    text=text,
                    score=round(score, 4),
                    index=index,
                    coverage=round(found / len(query_terms), 4),
                    matched=found,
                )
            )
    scored.sort(key=lambda p: p.score, reverse=True)
    return scored[:k]
