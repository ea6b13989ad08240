"""What a tutor knows for one reply: the room, the course material and what grounds the reply."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from classrooms.misconceptions import Misconception
from classrooms.script import Check, Script


@dataclass(frozen=True)
class MaterialSection:
    """One chunk of course material as the tutor sees it: prose only (its misconception blocks
    are parsed out, never quoted)."""

    chunk_id: int | None
    heading: str
    text: str


@dataclass(frozen=True)
class GroundedPassage:
    chunk_id: int | None
    heading: str
    text: str
    score: float


@dataclass(frozen=True)
class TutorState:
    """What the tutor remembers in a room between replies (stored on the room, so any process
    serving the class continues the same lesson)."""

    check: str = ""  # the key of the check question waiting for an answer
    hints: int = 0  # hints given on that question
    done: tuple[str, ...] = ()  # check questions answered right
    asked: tuple[str, ...] = ()  # check questions asked
    covered: tuple[str, ...] = ()  # section headings worked on
    right: int = 0  # answers judged right
    hints_total: int = 0
    replies: int = 0
    named_at: int = 0  # the reply that last used the student's name (0: the greeting did)
    whisper_done: str = ""  # the professor's instruction already acted on

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: object) -> TutorState:
        if not isinstance(data, dict):
            return cls()
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name not in known:
                continue
            default = getattr(cls(), name)
            if isinstance(default, tuple) and isinstance(value, list | tuple):
                values[name] = tuple(str(v) for v in value)
            elif isinstance(default, bool | int | str) and type(value) is type(default):
                values[name] = value
        return replace(cls(), **values)


class Act:
    """What the tutor does with a student's turn (the step it takes)."""

    GREET = "greet"
    ASK = "ask"
    RIGHT = "right"
    PARTLY = "partly"
    WRONG = "wrong"
    WORKED = "worked"
    REVEAL = "reveal"  # only when the professor's script says "Reveal: yes"
    HINT = "hint"
    SIMPLER = "simpler"
    MISCONCEPTION = "misconception"
    EXPLAIN = "explain"
    NOT_COVERED = "not_covered"
    SUMMARY = "summary"
    FRUSTRATION = "frustration"
    LANGUAGE = "language"
    THANKS = "thanks"
    FAREWELL = "farewell"
    EMPTY = "empty"
    ACK = "ack"


@dataclass(frozen=True)
class Step:
    """The tutor's plan for one reply: what it does and with what, decided before any sentence
    is written (the local tutor words it; the model tutor is told it)."""

    act: str
    state: TutorState  # the state after this reply
    check: Check | None = None  # the question judged, or the one the reply asks about
    next_check: Check | None = None  # the question this reply asks next
    credited: tuple[str, ...] = ()  # the right part of a partly right answer
    unit_missing: bool = False
    hint: str = ""
    simpler: str = ""
    quote: str = ""
    summary: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()  # what the course covers (for "not covered" and summaries)
    language: str = ""  # the language the student wrote in
    use_name: bool = False
    focus: str = ""  # the idea the professor whispered to bring in
    then: str = ""  # a follow-up act folded into this reply (frustration, then a hint)


@dataclass(frozen=True)
class Grounding:
    """What one reply can stand on: the passages retrieved for the student's words, the
    professor's misconception they match (if any), and whether the material covers them.

    `grounded` is None when there is nothing to ground (a greeting, thanks, silence)."""

    passages: tuple[GroundedPassage, ...] = ()
    misconception: Misconception | None = None
    grounded: bool | None = None
    step: Step | None = None

    @property
    def sources(self) -> list[dict[str, Any]]:
        """The material sections the reply draws on, for RoomTranscriptLine.sources (none for
        chatter: a greeting draws on nothing, even with the whisper's passage at hand)."""
        if self.grounded is None:
            return []
        seen: set[tuple[int | None, str]] = set()
        out: list[dict[str, Any]] = []
        for passage in self.passages:
            key = (passage.chunk_id, passage.heading)
            if key not in seen:
                seen.add(key)
                out.append({"chunk_id": passage.chunk_id, "heading": passage.heading})
        if (
            self.misconception
            and self.misconception.heading
            and not any(s["heading"] == self.misconception.heading for s in out)
        ):
            out.append({"chunk_id": None, "heading": self.misconception.heading})
        return out


NO_GROUNDING = Grounding()


@dataclass(frozen=True)
class TutorContext:
    professor_name: str
    teaching_style: str
    course_title: str
    course_description: str
    students: tuple[tuple[str, str], ...]  # (name, background)
    whisper: str = ""
    history: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (speaker, text)
    material: tuple[MaterialSection, ...] = ()
    misconceptions: tuple[Misconception, ...] = ()
    grounding: Grounding = NO_GROUNDING
    script: Script = field(default_factory=Script)
    state: TutorState = field(default_factory=TutorState)

    @property
    def student_names(self) -> str:
        names = [name.split()[0] for name, _ in self.students if name]
        if len(names) <= 1:
            return names[0] if names else "there"
        return ", ".join(names[:-1]) + " and " + names[-1]

    @property
    def passages(self) -> tuple[str, ...]:
        return tuple(p.text for p in self.grounding.passages)

    @property
    def recent_tutor_lines(self) -> tuple[str, ...]:
        """The tutor's lines since the student's second-to-last turn (what it just said)."""
        lines: list[str] = []
        students_seen = 0
        for speaker, text in reversed(self.history):
            if speaker == "student":
                students_seen += 1
                if students_seen > 2:
                    break
            elif speaker == "tutor":
                lines.append(text)
        return tuple(lines)


STEP_GUIDES: dict[str, str] = {
    Act.ASK: "Ask the student this check question, in these words: {question}",
    Act.RIGHT: "The student's answer is right. Say so plainly (for example \"Yes, that's it\"),"
    " say briefly why, then {next}",
    Act.PARTLY: "The student's answer is partly right: {credited} is right. Credit that part,"
    " then help with the rest using this hint: {hint}",
    Act.WRONG: "The student's answer is not right yet. Do not say the answer; give this hint"
    " and ask them to try again: {hint}",
    Act.WORKED: "The student has used every hint. Work through the first step with them, still"
    " without saying the final answer: {hint}",
    Act.REVEAL: "The student has used every hint and the worked step; the professor allows the"
    " answer now. Say it kindly with why it is right, then {next}",
    Act.HINT: "The student asked for help or for the answer. Do not say the answer; give this"
    " hint: {hint}",
    Act.SIMPLER: "The student is confused. Explain again more simply, in these words or close:"
    " {simpler}",
    Act.NOT_COVERED: "The course material does not cover what the student asked. Say so"
    " plainly, do not guess, and say you have noted the question for the professor.",
    Act.SUMMARY: "The student asked for a summary. Sum up only what was covered: {summary}",
    Act.FRUSTRATION: "The student is frustrated. Acknowledge it kindly in one sentence first.",
    Act.LANGUAGE: "The student wrote in {language}. Answer in English, the course's language,"
    " and say so in one short sentence.",
}


def script_notes(ctx: TutorContext) -> str:
    """The teaching script's state for the model tutor's system prompt: the open question,
    its key, the hints used, the student's progress and the step to take now."""
    step = ctx.grounding.step
    script = ctx.script
    if step is None or not (script.checks or step.act in STEP_GUIDES):
        return ""
    parts: list[str] = []
    state = step.state
    check = step.check
    if check is not None:
        key = "; ".join(p.text for p in check.parts) or "(none: judge by the material)"
        parts.append(
            f'The check question the student is working on: "{check.question}" Its answer'
            f" (never say it before the student does): {key}. Hints given so far:"
            f" {state.hints} of {len(check.hints)}."
        )
    if script.checks:
        parts.append(
            f"Progress: {len(state.done)} of {len(script.checks)} check questions answered"
            f" right, {state.hints_total} hints used."
        )
    guide = STEP_GUIDES.get(step.act)
    if guide:
        following = step.next_check
        parts.append(
            "Your next step: "
            + guide.format(
                question=following.question if following else "",
                next=f'ask the next question: "{following.question}"'
                if following
                else "ask what they would like to go over next.",
                credited=" and ".join(step.credited) or "part",
                hint=step.hint or "(give a small clue from the material)",
                simpler=step.simpler or "(the plainest sentence of the material)",
                summary=" ".join(step.summary) or "(nothing yet: say so)",
                language=step.language or "another language",
            )
        )
    return "Teaching script:\n" + "\n".join(f"- {p}" for p in parts) if parts else ""
