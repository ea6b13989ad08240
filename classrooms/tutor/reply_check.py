"""Checks on the model tutor's sentences before they are spoken.

A language model follows the teaching script most of the time, not always. Each sentence it
streams is checked here first: a sentence that says the key of the question the student is still
working on is dropped (the professor wants them to find it), a second question ends the reply
(one question at a time), and it stays short (a few spoken sentences, none of them a lecture).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from classrooms.tutor.context import Act, TutorContext

MAX_SENTENCES = 4
MAX_SENTENCE_CHARS = 320


def _key_pattern(ctx: TutorContext) -> re.Pattern[str] | None:
    """The key of the question still open, when the student has not given it."""
    step = ctx.grounding.step
    if step is None or step.check is None or step.act in (Act.RIGHT, Act.REVEAL):
        return None
    pieces: list[str] = []
    for part in step.check.parts:
        if part.number is not None:
            pieces.append(rf"(?<![\d.]){re.escape(f'{part.number:g}')}(?![\d.])")
        pieces.extend(rf"\b{re.escape(p.lower())}\b" for p in part.phrasings)
    credited = {c.lower() for c in step.credited}
    pieces = [p for p in pieces if not any(c and c in p for c in credited)]
    return re.compile("|".join(pieces)) if pieces else None


@dataclass
class ReplyCheck:
    """Decides, sentence by sentence, what of a model's reply may be spoken."""

    ctx: TutorContext
    spoken: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    done: bool = False
    asked: bool = False

    def __post_init__(self) -> None:
        self.key = _key_pattern(self.ctx)
        self.script_text = " ".join(
            text
            for text in (
                *(c.question for c in self.ctx.script.checks),
                *(h for c in self.ctx.script.checks for h in c.hints),
            )
        ).lower()

    def reveals_key(self, sentence: str) -> bool:
        if self.key is None:
            return False
        low = sentence.lower()
        if low.strip(" .?!") and low.strip(" .?!") in self.script_text:
            return False  # the professor's own question or hint, word for word
        return self.key.search(low) is not None

    def allow(self, sentence: str) -> str | None:
        """The sentence to speak, or None (dropped, or the reply is over)."""
        if self.done:
            return None
        question = sentence.rstrip().endswith("?")
        if question and self.asked:
            self.done = True  # one question per reply
            return None
        if len(sentence) > MAX_SENTENCE_CHARS or self.reveals_key(sentence):
            self.dropped.append(sentence)
            return None
        self.spoken.append(sentence)
        self.asked = self.asked or question
        self.done = len(self.spoken) >= MAX_SENTENCES  # a short reply
        return sentence
