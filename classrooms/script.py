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
"Hint:" lines are the ladder, in order; after the last one the tutor works through the first
step with the student, never saying the answer, unless the check has "Reveal: yes" (then, after
the worked step, it says the answer and moves on). "Simpler:" re-explains the section for a confused student,
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
    "reveal",
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
    reveal: bool = False  # "Reveal: yes": the answer may be said after the ladder


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


@dataclass
class _DraftCheck:
    question: str
    line: int
    parts: list[AnswerPart] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    reveal: bool = False


@dataclass
class _DraftSection:
    heading: str
    checks: list[_DraftCheck] = field(default_factory=list)
    simpler: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)


def parse_script(text: str) -> Script:
    """The script in `text`, with every problem the professor should fix (line numbers)."""
    problems: list[ScriptProblem] = []
    sections: dict[str, _DraftSection] = {}  # one per heading, in order (a repeat extends it)
    synonyms: list[tuple[str, ...]] = []
    heading = ""
    check: _DraftCheck | None = None  # the check being read
    last = ""  # the label a wrapped continuation line extends

    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        heading_match = _HEADING.match(line)
        if heading_match:
            heading, check, last = heading_match.group(1).strip(), None, ""
            continue
        match = LABEL.match(line)
        if not match:
            if not line.strip():
                last = ""
            elif last:
                _extend(sections.get(heading), check, last, _clean(line))
            continue
        label, value = match.group(1).lower(), _clean(match.group(2))
        last = ""
        if label in ("misconception", "ask", "sounds like"):
            check = None  # classrooms.misconceptions reads these
            continue
        section = sections.setdefault(heading, _DraftSection(heading))
        if label == "check":
            if not value:
                problems.append(ScriptProblem(number, "“Check:” has no question."))
                check = None
                continue
            check = _DraftCheck(question=value, line=number)
            section.checks.append(check)
            last = "question"
        elif label in ("answer", "hint", "reveal"):
            if check is None:
                problems.append(
                    ScriptProblem(
                        number,
                        f"“{label.title()}:” must follow a “Check:” question in the same block.",
                    )
                )
            elif label == "answer":
                part = parse_answer(value)
                if isinstance(part, str):
                    problems.append(ScriptProblem(number, part))
                else:
                    check.parts.append(part)
            elif label == "reveal":
                if value.lower() not in ("yes", "no"):
                    problems.append(ScriptProblem(number, "“Reveal:” is “yes” or “no”."))
                check.reveal = value.lower() == "yes"
            elif value:
                check.hints.append(value)
                last = "hint"
        elif label == "simpler" and value:
            section.simpler.append(value)
            last = "simpler"
        elif label == "summary" and value:
            section.summary.append(value)
            last = "summary"
            if check is not None:
                check.summary.append(value)
        elif label == "synonyms":
            words = tuple(w.strip().lower() for w in re.split(r"[,;]", value) if w.strip())
            if len(words) < 2:
                problems.append(ScriptProblem(number, "“Synonyms:” needs at least two words."))
            else:
                synonyms.append(words)
    built = tuple(
        ScriptSection(
            heading=draft.heading,
            checks=tuple(
                Check(
                    key=f"{slugify(draft.heading)[:48] or 'notes'}-{index}",
                    heading=draft.heading,
                    question=item.question,
                    parts=tuple(item.parts),
                    hints=tuple(item.hints),
                    line=item.line,
                    summary=tuple(item.summary),
                    reveal=item.reveal,
                )
                for index, item in enumerate(draft.checks[:MAX_ITEMS_PER_SECTION], start=1)
            ),
            simpler=tuple(draft.simpler),
            summary=tuple(draft.summary),
        )
        for draft in sections.values()
    )
    return Script(sections=built, synonyms=tuple(synonyms), problems=tuple(problems))


def _extend(
    section: _DraftSection | None, check: _DraftCheck | None, label: str, extra: str
) -> None:
    """A wrapped continuation of the last label's text."""
    if label == "question" and check is not None:
        check.question = f"{check.question} {extra}"
    elif label == "hint" and check is not None and check.hints:
        check.hints[-1] = f"{check.hints[-1]} {extra}"
    elif section is not None and label in ("simpler", "summary"):
        values = section.simpler if label == "simpler" else section.summary
        if values:
            values[-1] = f"{values[-1]} {extra}"
            if label == "summary" and check is not None and check.summary:
                check.summary[-1] = values[-1]


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
