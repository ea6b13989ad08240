"""The local tutor: retrieval over the course material plus Socratic question templates.

It never states answers; it quotes the most relevant passage, refers back to what the student
said, and asks one question. Templates rotate with the conversation so it does not repeat itself.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from classrooms.retrieval import keywords
from classrooms.tutor import TutorContext, greeting_text

_ANSWER_SEEKING = re.compile(
    r"\b(just tell me|give me the answer|what'?s the answer|what is the answer|the answer is|"
    r"solve it for me|do it for me)\b",
    re.IGNORECASE,
)
_CONFUSED = re.compile(r"\b(confus|lost|don'?t (get|understand)|no idea|stuck|not sure)\w*", re.I)


def _snippet(passage: str, limit: int = 180) -> str:
    text = " ".join(passage.split())
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0] + "..."
    return first.rstrip(".")


def _quote(text: str, limit: int = 80) -> str:
    text = " ".join(text.split()).rstrip("?.! ")
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "..."


class LocalTutor:
    name = "local"

    def greeting(self, ctx: TutorContext) -> str:
        return greeting_text(ctx)

    def compose(self, ctx: TutorContext, student_text: str) -> list[str]:
        text = student_text.strip()[:1000]
        turn = sum(1 for speaker, _ in ctx.history if speaker == "student")
        words = keywords(text)
        topic = " ".join(words[:2]) if words else "this"
        name = ctx.student_names
        passage = _snippet(ctx.passages[0]) if ctx.passages else ""
        focus = _quote(ctx.whisper, 60) if ctx.whisper else ""
        if not text:
            return [f"Take your time, {name}.", "What part would you like to start with?"]
        if _ANSWER_SEEKING.search(text):
            lead = "I won't just hand you the answer, but we can get there together."
            if passage:
                return [lead, f'The notes say: "{passage}."', f"How could that help with {topic}?"]
            return [lead, f"What do you already know about {topic}?"]
        if focus and turn % 2 == 0:
            return [
                f'You said "{_quote(text)}".',
                f"Let's connect that to {focus}: how do you think they relate?",
            ]
        if _CONFUSED.search(text):
            if passage:
                return [
                    f"That's fine, {name}, {topic} trips many people up.",
                    f'Let\'s start small. The notes say: "{passage}."',
                    "Which word in that sentence is the least clear to you?",
                ]
            return [
                f"That's fine, {name}.",
                f"What is the very first thing that comes to mind when you hear {topic}?",
            ]
        if not passage and not words:
            return [
                f"Let's keep our focus on {ctx.course_title}.",
                "What question from today's class would you like to work through?",
            ]
        if not passage:
            return [
                f'You mentioned "{_quote(text)}".',
                f"How does that connect to what we've covered in {ctx.course_title}?",
            ]
        templates = [
            [
                f'You said "{_quote(text)}".',
                f'Our course notes put it this way: "{passage}."',
                "What do you think that means in your own words?",
            ],
            [
                f"Good, you're thinking about {topic}.",
                f'Look at this from the material: "{passage}."',
                f"Can you give me an example where that would matter for {topic}?",
            ],
            [
                f"Let's check that idea about {topic}.",
                f'The notes say: "{passage}."',
                "Does that agree with what you said, or is something different?",
            ],
            [
                f"Nice work staying with {topic}, {name}.",
                f"How would you explain {topic} to a classmate in one sentence?",
            ],
        ]
        return templates[turn % len(templates)]

    async def reply(self, ctx: TutorContext, student_text: str) -> AsyncIterator[str]:
        for sentence in self.compose(ctx, student_text):
            yield sentence
