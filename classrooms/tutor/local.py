"""The local tutor: the course material, the professor's misconceptions and Socratic sentences.

It never states answers. Every reply is two or three whole sentences chosen from banks of
well-formed templates (opener, an optional quote from the material, one question), with slots
filled only by clean pieces: a noun-phrase topic, a quotable line, the student's names. When the
student's words match a misconception from the material, the professor's own guiding question
is asked. Choices rotate with the conversation and skip whatever the tutor has just said.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence

from classrooms.tutor import NO_GROUNDING, Grounding, TutorContext, greeting_text
from classrooms.tutor.grounding import ground
from classrooms.tutor.intents import Intent, classify
from classrooms.tutor.phrasing import echo, echoable, pick_quote, section_topic, topic_phrase

GENERIC_TOPIC = "this idea"

MISCONCEPTION_OPENERS = (
    "That's a very natural way to read it, {name}, and lots of people do.",
    "I can see why it looks that way, {name}, so let's test it together.",
    "Let's slow down and check that idea carefully.",
)
MISCONCEPTION_AGAIN = (
    "Let's stay with that idea a little longer, {name}.",
    "It's worth another look, {name}.",
)
HINT_LEADS = ('Here is a hint from the notes: "{quote}"', 'The notes give a clue: "{quote}"')
MISCONCEPTION_AGAIN_QUESTIONS = (
    "With that in mind, how would you answer my last question now?",
    "Does that change your answer to my question?",
)
ANSWER_OPENERS = (
    "I won't just hand you the answer, but we can get there together.",
    "I won't just hand you the answer, because working it out is what makes it stick.",
)
ANSWER_QUESTIONS = (
    "How could that help you take the next step?",
    "What would you try first, given that?",
    "Which part of the problem does that speak to?",
)
ANSWER_QUESTIONS_NO_QUOTE = (
    "What do you already know about {topic}?",
    "What would be a sensible first step?",
    "Which part of it can you already do on your own?",
)
GREETING_OPENERS = ("Hi {name}, good to see you.", "Hello {name}!", "Hi {name}, welcome back.")
GREETING_QUESTIONS = (
    "What would you like to work on from {course} today?",
    "Shall we start with {section}, or is there something else from class on your mind?",
    "Which idea from today's class would you like to go over?",
)
THANKS_OPENERS = ("Glad that helps, {name}.", "Good, {name}.", "Great, let's make sure it sticks.")
THANKS_QUESTIONS = (
    "Can you put the main idea in your own words, so we know it's solid?",
    "How would you explain it to a classmate in one or two sentences?",
    "What example could you use to check that you've got it?",
)
FAREWELL_OPENERS = ("Thanks for working through this, {name}.", "Good work today, {name}.")
FAREWELL_QUESTIONS = (
    "Before you go, what is one thing you would explain differently now?",
    "Before you go, which idea would you like to revisit next time?",
)
CONFUSED_OPENERS = (
    "That's fine, {name}: lots of people find {topic} tricky at first.",
    "You're not alone in finding {topic} hard, {name}.",
    "Let's untangle {topic} together, one step at a time.",
)
CONFUSED_QUESTIONS = (
    "Which word in that sentence is the least clear to you?",
    "What part of that feels shakiest to you?",
    "Which piece of it would you like to unpack first?",
)
CONFUSED_QUESTIONS_NO_QUOTE = (
    "What is the very first thing that comes to mind when you hear about {topic}?",
    "Where exactly does it stop making sense for you?",
    "What part would you like to start with?",
)
QUESTION_OPENERS = (
    "Good question about {topic}.",
    "Let's think about {topic} together, {name}.",
    "That's worth working through, {name}.",
)
STATEMENT_OPENERS = (
    'You said "{said}".',
    "Let's check that idea about {topic}.",
    "Good, you're thinking about {topic}.",
)
QUOTE_LEADS = (
    'Our course notes put it this way: "{quote}"',
    'Here is what the notes say: "{quote}"',
    'Look at this line from the material: "{quote}"',
    'The notes say: "{quote}"',
)
QUESTION_QUESTIONS = (
    "What do you think that means in your own words?",
    "How would you use that to answer your own question?",
    "What does that suggest about {topic}?",
    "Can you think of an example where that would matter?",
)
STATEMENT_QUESTIONS = (
    "Does that agree with what you said, or is something different?",
    "How does that fit with what you just said?",
    "Can you give me an example where that would matter?",
    "What would you change in your statement, if anything?",
)
UNGROUNDED_OPENERS = (
    'You mentioned "{said}".',
    "Let's think that through together, {name}.",
)
UNGROUNDED_QUESTION_OPENERS = (
    "Good question, {name}.",
    "Let's think that through together, {name}.",
    "Let's work that out together rather than me just saying it.",
)
UNGROUNDED_QUESTIONS = (
    "How does that connect to what we've covered in {course}?",
    "What do you already know about {topic} from class?",
)
OFF_TOPIC_OPENERS = (
    "Let's keep our focus on {course}.",
    "That's a bit outside what we're covering today, {name}.",
    "Let's bring it back to today's material, {name}.",
)
OFF_TOPIC_QUESTIONS = (
    "What question from today's class would you like to work through?",
    "Shall we look at {section} together?",
    "Which part of today's material would you like to go over?",
)
WHISPER_OPENERS = ("Let's connect that to {focus}.", "Let's bring {focus} into this.")
WHISPER_QUESTIONS = (
    "How do you think they relate?",
    "What role do you think {focus} plays here?",
)
EMPTY_OPENERS = ("Take your time, {name}.", "No rush, {name}.", "I'm still here, {name}.")
EMPTY_QUESTIONS = (
    "What part would you like to start with?",
    "What's on your mind about today's class?",
    "Which idea from today's class shall we look at?",
)


class LocalTutor:
    name = "local"

    def greeting(self, ctx: TutorContext) -> str:
        return greeting_text(ctx)

    def compose(self, ctx: TutorContext, student_text: str) -> list[str]:
        text = student_text.strip()[:1000]
        grounding = ctx.grounding
        if grounding is NO_GROUNDING and text:
            grounding = ground(ctx, text)  # a context built without its grounding
        recent = ctx.recent_tutor_lines
        turn = sum(1 for speaker, _ in ctx.history if speaker == "student")
        material_text = " ".join(f"{s.heading} {s.text}" for s in ctx.material)
        material_text = material_text or " ".join(ctx.passages)
        passages = tuple(p.text for p in grounding.passages) or ctx.passages
        headings = " | ".join(s.heading for s in ctx.material)
        topic = topic_phrase(text, material_text, headings) or self._heading_topic(grounding) or ""
        slots = {
            "name": ctx.student_names,
            "course": ctx.course_title,
            "topic": topic or GENERIC_TOPIC,
            "said": echo(text),
            "section": self._suggested_section(ctx, recent),
        }
        picker = _Picker(turn=turn, recent=recent, slots=slots, echo=echoable(text))
        intent = classify(text)
        if intent is Intent.EMPTY:
            return [picker.one(EMPTY_OPENERS), picker.one(EMPTY_QUESTIONS)]
        quote = pick_quote(passages, text, recent)
        if quote:
            slots["quote"] = quote if quote.endswith("...") else quote + "."
        if grounding.misconception is not None:
            ask = grounding.misconception.ask
            if ask in recent and quote:  # asked just now: a hint from the notes, then back to it
                return [
                    picker.one(MISCONCEPTION_AGAIN),
                    picker.one(HINT_LEADS),
                    picker.one(MISCONCEPTION_AGAIN_QUESTIONS),
                ]
            return [picker.one(MISCONCEPTION_OPENERS), ask]
        if intent is Intent.ANSWER_BEGGING:
            if quote:
                return [
                    picker.one(ANSWER_OPENERS),
                    picker.one(QUOTE_LEADS),
                    picker.one(ANSWER_QUESTIONS),
                ]
            return [picker.one(ANSWER_OPENERS), picker.one(ANSWER_QUESTIONS_NO_QUOTE)]
        if intent is Intent.GREETING:
            greeting_questions = self._with_section(GREETING_QUESTIONS, slots)
            return [picker.one(GREETING_OPENERS), picker.one(greeting_questions)]
        if intent is Intent.THANKS:
            return [picker.one(THANKS_OPENERS), picker.one(THANKS_QUESTIONS)]
        if intent is Intent.FAREWELL:
            return [picker.one(FAREWELL_OPENERS), picker.one(FAREWELL_QUESTIONS)]
        focus = topic_phrase(ctx.whisper, material_text, headings) if ctx.whisper else ""
        if focus and turn % 2 == 1:
            slots["focus"] = focus
            return [picker.one(WHISPER_OPENERS), picker.one(WHISPER_QUESTIONS)]
        if intent is Intent.CONFUSED:
            if quote:
                return [
                    picker.one(CONFUSED_OPENERS),
                    "Let's start small. " + picker.one(QUOTE_LEADS),
                    picker.one(CONFUSED_QUESTIONS),
                ]
            return [picker.one(CONFUSED_OPENERS), picker.one(CONFUSED_QUESTIONS_NO_QUOTE)]
        if grounding.grounded is False and ctx.material:
            return [
                picker.one(OFF_TOPIC_OPENERS),
                picker.one(self._with_section(OFF_TOPIC_QUESTIONS, slots)),
            ]
        if not quote:
            openers = (
                UNGROUNDED_QUESTION_OPENERS if intent is Intent.QUESTION else UNGROUNDED_OPENERS
            )
            return [picker.one(openers), picker.one(UNGROUNDED_QUESTIONS)]
        if intent is Intent.QUESTION:
            openers, questions = QUESTION_OPENERS, QUESTION_QUESTIONS
        else:
            openers, questions = STATEMENT_OPENERS, STATEMENT_QUESTIONS
        return [picker.one(openers), picker.one(QUOTE_LEADS), picker.one(questions)]

    @staticmethod
    def _heading_topic(grounding: Grounding) -> str:
        passages = grounding.passages
        return section_topic(passages[0].heading) if passages else ""

    @staticmethod
    def _suggested_section(ctx: TutorContext, recent: Sequence[str]) -> str:
        said = " ".join(recent).lower()
        topics = [t for t in (section_topic(s.heading) for s in ctx.material) if t]
        fresh = [t for t in topics if t not in said]
        return (fresh or topics or [""])[0]

    @staticmethod
    def _with_section(options: Sequence[str], slots: dict[str, str]) -> Sequence[str]:
        """Templates that name a section only when there is a section to name."""
        return options if slots["section"] else [o for o in options if "{section}" not in o]

    async def reply(
        self,
        ctx: TutorContext,
        student_text: str,
        *,
        on_first_token: Callable[[], None] | None = None,  # no model, no tokens
    ) -> AsyncIterator[str]:
        for sentence in self.compose(ctx, student_text):
            yield sentence


class _Picker:
    """Chooses one template per slot: rotates with the turn and skips any sentence the tutor
    has just said, so two replies in a row never repeat a line."""

    def __init__(
        self, *, turn: int, recent: Sequence[str], slots: dict[str, str], echo: bool
    ) -> None:
        self.turn = turn
        self.recent = set(recent)
        self.slots = slots
        self.echo = echo  # noise is never quoted back to the student
        self.used: set[str] = set()

    def one(self, options: Sequence[str]) -> str:
        usable = [o for o in options if self.echo or "{said}" not in o] or options
        filled = [o.format(**self.slots) for o in usable]
        for step in range(len(filled)):
            candidate = filled[(self.turn + step) % len(filled)]
            if candidate not in self.recent and candidate not in self.used:
                self.used.add(candidate)
                return candidate
        return filled[self.turn % len(filled)]
