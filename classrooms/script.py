"""The teaching script written into course material: check questions, keys, hints, summaries.

Optional lines under any section heading, beside "Misconception:" / "Ask:" / "Sounds like:"
(classrooms.misconceptions), as plain lines or list items, labels optionally bold:

    Check: A net force of 10 N pushes a 2 kg cart. What is its acceleration?
    Answer: 5 m/s² ±0.1
    Hint: Newton's second law links force, mass and acceleration: F = ma.
    Hint: Solve F = ma for a: divide the net force by the mass.
    Simpler: Force is how hard you push and mass is how much stuff you push...
    Summary: Newton's second law: acceleration equals net force divided by mass.
    Synonyms: push, pull, force

"Check:" is a question the tutor asks; the "Answer:" lines after it are its key: each line is one
part the answer needs (several lines: a partly right answer names some of them), with accepted
phrasings separated by semicolons, or a number with its unit and a tolerance ("5 m/s² ±0.1").
"Hint:" lines are the ladder, in order. "Simpler:" re-explains the section for a confused student,
"Summary:" says what the section taught and "Synonyms:" lists words that mean the same in this
course. A label's text may wrap onto the next lines; a blank line or a heading ends it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.text import slugify

LABELS = (
    "check",
    "answer",
    "hint",
    "simpler",
    "summary",
    "synonyms",
    "misconception",
    "ask",
    "sounds like",
)
LABEL = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(" + "|".join(LABELS) + r")\s*:\s*(?:\*\*|__)?\s*(.*)$",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_NUMBER_ANSWER = re.compile(
    r"^\s*(-?\d+(?:[.,]\d+)?)\s*(.*?)\s*(?:(?:±|\+/-|\+-)\s*(\d+(?:[.,]\d+)?)\s*(%?))?\s*$"
)
MAX_ITEMS_PER_SECTION = 50


@dataclass(frozen=True)
class AnswerPart:
    """One part of a key: accepted phrasings, or a number with its unit and tolerance."""

    phrasings: tuple[str, ...] = ()
    number: float | None = None
    tolerance: float = 0.0
    unit: str = ""

    @property
    def text(self) -> str:
        if self.number is not None:
            value = f"{self.number:g}"
            return f"{value} {self.unit}".strip()
        return self.phrasings[0] if self.phrasings else ""


@dataclass(frozen=True)
class Check:
    key: str  # stable id: the section's slug and the check's number in it
    heading: str
    question: str
    parts: tuple[AnswerPart, ...] = ()
    hints: tuple[str, ...] = ()
    line: int = 0
    summary: tuple[str, ...] = ()  # the "Summary:" lines written after this check


@dataclass(frozen=True)
class ScriptSection:
    heading: str
    checks: tuple[Check, ...] = ()
    simpler: tuple[str, ...] = ()
    summary: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScriptProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}"


@dataclass(frozen=True)
class Script:
    sections: tuple[ScriptSection, ...] = ()
    synonyms: tuple[tuple[str, ...], ...] = ()
    problems: tuple[ScriptProblem, ...] = field(default_factory=tuple)

    @property
    def checks(self) -> tuple[Check, ...]:
        return tuple(c for s in self.sections for c in s.checks)

    def check(self, key: str | None) -> Check | None:
        return next((c for c in self.checks if c.key == key), None) if key else None

    def section(self, heading: str) -> ScriptSection | None:
        return next((s for s in self.sections if s.heading == heading), None)

    def __bool__(self) -> bool:
        return bool(self.checks or any(s.simpler or s.summary for s in self.sections))


def _clean(value: str) -> str:
    return " ".join(value.replace("**", "").replace("__", "").split()).strip()


def parse_answer(value: str) -> AnswerPart | str:
    """One "Answer:" line as a key part, or the reason it cannot be one."""
    value = _clean(value)
    if not value:
        return "“Answer:” is empty."
    number = _NUMBER_ANSWER.match(value)
    if number and not re.search(r"[;]", value):
        unit = number.group(2).strip()
        tolerance = float((number.group(3) or "0").replace(",", "."))
        amount = float(number.group(1).replace(",", "."))
        if number.group(4):  # a tolerance given as a share of the value
            tolerance = abs(amount) * tolerance / 100
        if re.search(r"±|\+/-|\+-", unit):
            return "“Answer:” has a tolerance (±) but is not “number unit ±tolerance”."
        if len(unit.split()) <= 4:
            return AnswerPart(number=amount, tolerance=tolerance, unit=unit)
    if re.search(r"±|\+/-|\+-", value):
        return "“Answer:” has a tolerance (±) but is not “number unit ±tolerance”."
    phrasings = tuple(p.strip() for p in value.split(";") if p.strip())
    if not phrasings:
        return "“Answer:” has no phrasing."
    return AnswerPart(phrasings=phrasings)


def parse_script(text: str) -> Script:
    """The script in `text`, with every problem the professor should fix (line numbers)."""
    problems: list[ScriptProblem] = []
    sections: list[dict[str, list]] = []
    headings: list[str] = []
    synonyms: list[tuple[str, ...]] = []
    heading = ""
    current: dict[str, list] | None = None  # the section being read
    check: dict[str, object] | None = None  # the check being read
    last: tuple[str, int] | None = None  # the label a continuation line extends

    def section_for(name: str) -> dict[str, list]:
        nonlocal current
        if current is None or headings[-1] != name:
            current = {"checks": [], "simpler": [], "summary": []}
            sections.append(current)
            headings.append(name)
        return current

    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        heading_match = _HEADING.match(line)
        if heading_match:
            heading, check, last = heading_match.group(1).strip(), None, None
            continue
        match = LABEL.match(line)
        if not match:
            if not line.strip():
                last = None
            elif last is not None:
                _extend(sections, check, last, line)
            continue
        label, value = match.group(1).lower(), _clean(match.group(2))
        last = None
        if label in ("misconception", "ask", "sounds like"):
            check = None  # classrooms.misconceptions reads these
            continue
        section = section_for(heading)
        if label == "check":
            if not value:
                problems.append(ScriptProblem(number, "“Check:” has no question."))
                check = None
                continue
            check = {"question": value, "parts": [], "hints": [], "summary": [], "line": number}
            section["checks"].append(check)
            last = ("question", number)
        elif label in ("answer", "hint"):
            if check is None:
                problems.append(
                    ScriptProblem(
                        number,
                        f"“{label.title()}:” must follow a “Check:” question in the same block.",
                    )
                )
                continue
            if label == "answer":
                part = parse_answer(value)
                if isinstance(part, str):
                    problems.append(ScriptProblem(number, part))
                    continue
                check["parts"].append(part)  # type: ignore[union-attr]
            elif value:
                check["hints"].append(value)  # type: ignore[union-attr]
                last = ("hints", number)
        elif label in ("simpler", "summary"):
            if value:
                section[label].append(value)
                last = (label, number)
                if label == "summary" and check is not None:
                    check["summary"].append(value)  # type: ignore[union-attr]
        elif label == "synonyms":
            words = tuple(w.strip().lower() for w in re.split(r"[,;]", value) if w.strip())
            if len(words) < 2:
                problems.append(ScriptProblem(number, "“Synonyms:” needs at least two words."))
            else:
                synonyms.append(words)
    built: list[ScriptSection] = []
    for name, raw in zip(headings, sections, strict=True):
        checks = []
        for index, item in enumerate(raw["checks"][:MAX_ITEMS_PER_SECTION], start=1):
            checks.append(
                Check(
                    key=f"{slugify(name)[:48] or 'notes'}-{index}",
                    heading=name,
                    question=str(item["question"]),
                    parts=tuple(item["parts"]),
                    hints=tuple(item["hints"]),
                    line=int(item["line"]),
                    summary=tuple(item["summary"]),
                )
            )
        existing = next((i for i, s in enumerate(built) if s.heading == name), None)
        section = ScriptSection(
            heading=name,
            checks=tuple(checks),
            simpler=tuple(raw["simpler"]),
            summary=tuple(raw["summary"]),
        )
        if existing is None:
            built.append(section)
        else:  # the same heading again further down: one section
            old = built[existing]
            built[existing] = ScriptSection(
                heading=name,
                checks=old.checks + section.checks,
                simpler=old.simpler + section.simpler,
                summary=old.summary + section.summary,
            )
    return Script(sections=tuple(built), synonyms=tuple(synonyms), problems=tuple(problems))


def _extend(
    sections: list[dict[str, list]],
    check: dict[str, object] | None,
    last: tuple[str, int],
    line: str,
) -> None:
    """A wrapped continuation of the last label's text."""
    label, _ = last
    extra = _clean(line)
    if label == "question" and check is not None:
        check["question"] = f"{check['question']} {extra}"
    elif label == "hints" and check is not None:
        hints = check["hints"]
        hints[-1] = f"{hints[-1]} {extra}"  # type: ignore[index]
    elif sections and sections[-1][label]:
        sections[-1][label][-1] = f"{sections[-1][label][-1]} {extra}"


def script_message(text: str) -> tuple[str, str]:
    """What to tell the professor after an upload: (info, warning); either may be empty."""
    script = parse_script(text)
    checks = script.checks
    info = ""
    if checks:
        hints = sum(len(c.hints) for c in checks)
        info = (
            f"The tutor will ask {len(checks)} check question{'s' if len(checks) != 1 else ''}"
            f" with {hints} hint{'s' if hints != 1 else ''}."
        )
    warning = ""
    if script.problems:
        shown = " ".join(str(p) for p in script.problems[:5])
        more = len(script.problems) - 5
        warning = "Teaching script: " + shown + (f" (and {more} more)" if more > 0 else "")
    return info, warning


def strip_script(text: str) -> str:
    """The material without its script lines (and their wrapped continuations): keys, hints and
    misconceptions are never quoted to a student as if they were the notes."""
    kept: list[str] = []
    in_block = False
    for line in text.replace("\r\n", "\n").split("\n"):
        if LABEL.match(line):
            in_block = True
            continue
        if in_block and line.strip() and not re.match(r"^\s{0,3}(#|[-*+]\s)", line):
            continue
        in_block = False
        kept.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
