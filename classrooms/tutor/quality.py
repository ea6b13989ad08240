"""Measuring the built-in tutor on written student turns (`manage.py tutor_quality`).

A case file (TOML) names a course's material and holds conversations: the student's turns, in
order, each with what a good tutor does with it (`expect`). Each conversation is played in a
fresh room through the same code a live room uses (grounding, the step, the local tutor's
sentences), with the state carried from reply to reply as the room would store it. A turn is
handled right when the tutor takes the expected step and its reply keeps the craft rules (one
question, the key unsaid, a few of the student's words at most, the name in at most one reply in
four). The format is described in tests/classrooms/tutor_cases/README.md.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classrooms.misconceptions import parse_misconceptions, strip_misconceptions
from classrooms.retrieval import chunk_text
from classrooms.script import parse_script, strip_script
from classrooms.tutor.context import Act, MaterialSection, Step, TutorContext, TutorState
from classrooms.tutor.grounding import planned
from classrooms.tutor.local import LocalTutor

GROUPS: dict[str, str] = {
    "ask": "judging",
    "right": "judging",
    "partly": "judging",
    "wrong": "judging",
    "worked": "judging",
    "hint": "hints",
    "simpler": "hints",
    "misconception": "misconceptions",
    "no_misconception": "misconceptions",
    "not_covered": "not covered",
    "explain": "not covered",
    "summary": "summary",
    "greet": "craft",
    "frustration": "craft",
    "language": "craft",
    "thanks": "craft",
    "farewell": "craft",
}
GROUP_ORDER = ("judging", "hints", "misconceptions", "not covered", "summary", "craft")
MAX_QUOTED_WORDS = 5
NAME_EVERY = 4


@dataclass
class Miss:
    case: str
    say: str
    expected: str
    got: str
    reply: str
    reason: str


@dataclass
class GroupScore:
    turns: int = 0
    right: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.right / self.turns if self.turns else 1.0


def material_context(
    text: str, *, course: str, students: Iterable[str], professor: str = "Dr. Rivera"
) -> TutorContext:
    """A room's context for material given as text (no database)."""
    sections = tuple(
        MaterialSection(chunk_id=None, heading=heading, text=prose)
        for heading, body in chunk_text(text)
        if (prose := strip_script(strip_misconceptions(body)))
    )
    return TutorContext(
        professor_name=professor,
        teaching_style="",
        course_title=course,
        course_description="",
        students=tuple((name, "") for name in students),
        material=sections,
        misconceptions=tuple(parse_misconceptions(text)),
        script=parse_script(text),
    )


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _longest_quote(reply: str, said: str) -> int:
    """The longest run of the student's words the reply repeats."""
    a, b = _words(reply), _words(said)
    best = 0
    for i in range(len(a)):
        for j in range(len(b)):
            k = 0
            while i + k < len(a) and j + k < len(b) and a[i + k] == b[j + k]:
                k += 1
            best = max(best, k)
    return best


def _key_leaked(step: Step, reply: str) -> bool:
    """The current question's key said by the tutor itself (the professor's own hint, simpler
    explanation or question are theirs to give)."""
    check = step.check
    if check is None or step.act in (Act.RIGHT, Act.REVEAL):
        return False
    own = reply
    for given in (step.hint, step.simpler, step.quote, check.question, *step.credited):
        if given:
            own = own.replace(given, " ")
    if step.next_check is not None:
        own = own.replace(step.next_check.question, " ")
    low = own.lower()
    for part in check.parts:
        if part.number is not None:
            if re.search(rf"(?<![\d.]){re.escape(f'{part.number:g}')}(?![\d.])", low):
                return True
        elif any(
            re.search(rf"\b{re.escape(p.lower())}\b", low) for p in part.phrasings[:1]
        ) and not any(p.lower() in (step.credited or ()) for p in part.phrasings):
            return True
    return False


def judge_turn(
    turn: dict[str, Any], step: Step, reply: str, names_recent: list[bool], first_names: list[str]
) -> str:
    """ "" when the turn was handled right, else why not."""
    expected = str(turn["expect"])
    act = step.act
    if expected == "no_misconception":
        if act == Act.MISCONCEPTION:
            return "took a correct statement for a misconception"
    elif act != expected:
        return f"took the step {act!r}"
    if expected == "ask":
        piece = str(turn.get("question", ""))
        asked = step.next_check.question if step.next_check else ""
        if piece and piece.lower() not in asked.lower():
            return f"asked another question: {asked!r}"
    if expected == "misconception":
        piece = str(turn.get("ask", ""))
        if piece and piece.lower() not in reply.lower():
            return "did not ask the professor's question"
    if expected == "greet":
        missing = [n for n in turn.get("names", []) if n not in reply]
        if missing:
            return f"did not greet {', '.join(missing)}"
    if reply.count("?") > 1:
        return "asked more than one question"
    if _key_leaked(step, reply):
        return "said the key"
    if _longest_quote(reply, str(turn["say"])) > MAX_QUOTED_WORDS:
        return "quoted too many of the student's words"
    named = any(n in reply for n in first_names)
    if named and any(names_recent[-(NAME_EVERY - 1) :]) and len(first_names) == 1:
        return "used the student's name again within four replies"
    return ""


def play(path: Path) -> dict[str, GroupScore]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    material = (path.parent / str(data["material"])).read_text(encoding="utf-8")
    scores: dict[str, GroupScore] = {group: GroupScore() for group in GROUP_ORDER}
    tutor = LocalTutor()
    for conversation in data.get("conversation", []):
        students = [str(s) for s in conversation["students"]]
        first_names = [s.split()[0] for s in students]
        ctx = material_context(material, course=str(data["course"]), students=students)
        state = TutorState()
        history: list[tuple[str, str]] = []
        whisper = ""
        names_recent: list[bool] = []
        for turn in conversation["turns"]:
            whisper = str(turn.get("whisper", whisper))
            said = str(turn["say"])
            turn_ctx = dataclasses.replace(
                ctx, history=tuple(history[-12:]), whisper=whisper, state=state
            )
            grounding, step = planned(turn_ctx, said)
            turn_ctx = dataclasses.replace(turn_ctx, grounding=grounding)
            reply = " ".join(tutor.compose(turn_ctx, said))
            reason = judge_turn(turn, step, reply, names_recent, first_names)
            names_recent.append(any(n in reply for n in first_names))
            score = scores[GROUPS[str(turn["expect"])]]
            score.turns += 1
            if reason:
                score.misses.append(
                    Miss(
                        case=str(conversation["id"]),
                        say=said,
                        expected=str(turn["expect"]),
                        got=step.act,
                        reply=reply,
                        reason=reason,
                    )
                )
            else:
                score.right += 1
            state = step.state
            history += [("student", said), ("tutor", reply)]
    return scores


def measure(folder: Path) -> dict[str, GroupScore]:
    """Every case file in `folder`, scored per behaviour group."""
    total: dict[str, GroupScore] = {group: GroupScore() for group in GROUP_ORDER}
    for path in sorted(folder.glob("*.toml")):
        for group, score in play(path).items():
            total[group].turns += score.turns
            total[group].right += score.right
            total[group].misses += score.misses
    return total
