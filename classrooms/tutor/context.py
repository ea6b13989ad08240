"""What a tutor knows for one reply: the room, the course material and what grounds the reply."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from classrooms.misconceptions import Misconception


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
class Grounding:
    """What one reply can stand on: the passages retrieved for the student's words, the
    professor's misconception they match (if any), and whether the material covers them.

    `grounded` is None when there is nothing to ground (a greeting, thanks, silence)."""

    passages: tuple[GroundedPassage, ...] = ()
    misconception: Misconception | None = None
    grounded: bool | None = None

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
