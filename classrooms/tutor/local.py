"""The local tutor: the step the tutor takes (classrooms.tutor.steps), put into words.

It never states a key the student has not given. Every reply is two to four whole sentences
from banks of well-formed templates (an opener, what the step brings: a verdict, a hint, a
simpler explanation, a quote from the notes, the professor's question; then at most one
question), with slots filled only by clean pieces: the professor's own script lines, a quotable
sentence, a topic from a heading, the students' names (at most one reply in four). Choices
rotate with the conversation and skip whatever the tutor has just said.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence

from classrooms.script import Check
from classrooms.tutor import Grounding, TutorContext, greeting_text
from classrooms.tutor.context import Act, Step
from classrooms.tutor.grounding import planned
from classrooms.tutor.phrasing import quotable, section_topic

MISCONCEPTION_OPENERS = (
    "That's a very natural way to see it, and lots of people do.",
    "I can see why it looks that way, so let's test it together.",
    "Let's slow down and check that idea carefully.",
)
MISCONCEPTION_AGAIN = (
    "Let's stay with that idea a little longer.",
    "It's worth another look.",
)
CLUE_LEADS = ('Here is a hint from the notes: "{quote}"', 'The notes give a clue: "{quote}"')
RIGHT_OPENERS = ("Yes, that's it!", "That's it, well done!", "Exactly, that's it!")
PARTLY_OPENERS = ("You're partly there.", "That's part of it.", "Half of that is right.")
WRONG_OPENERS = ("Not quite yet.", "Not quite, but let's keep going.", "That's not it yet.")
HINT_LEADS = ("Here's a hint: {hint}", "A hint: {hint}", "Think about this: {hint}")
AFTER_HINT = ("What do you get now?", "How would you answer now?", "What do you think now?")
SIMPLER_OPENERS = (
    "Let me put it more simply.",
    "Let's take a step back.",
    "Here's a simpler way to see it.",
)
EXPLAIN_LEADS = (
    'Our notes say: "{quote}"',
    'Here is how the notes put it: "{quote}"',
    'The course notes say: "{quote}"',
)
OWN_WORDS = (
    "How would you put that in your own words?",
    "What does that mean to you, in your own words?",
    "Can you think of an example where that matters?",
)
FRUSTRATION_OPENERS = (
    "I can hear this is frustrating, and that's completely fair: it's hard, and you're still"
    " working at it.",
    "That sounds frustrating, and it's okay to feel that way: this takes practice.",
)
NOT_COVERED_OPENERS = (
    "Our course notes don't cover that, so I won't guess.",
    "That's not in our course notes, so I'd rather not guess.",
    "Our notes for this course don't cover that one, so I won't make something up.",
)
CONFUSED_OPENERS = (
    "That's fine: lots of people find this tricky at first.",
    "You're not alone in finding this hard.",
    "Let's sort it out one step at a time.",
)
CONFUSED_QUESTIONS = (
    "Where exactly does it stop making sense for you?",
    "Which word is the least clear to you?",
    "What part would you like to start with?",
)
GROUP_GREETINGS = ("Hi {names}, good to see you all.", "Hello {names}!", "Hi {names}, welcome.")
GREETINGS = ("Hi {names}, good to see you.", "Hello {names}!", "Hi {names}, welcome back.")
OFFERS = (
    "What would you like to work on from {course} today?",
    "Which idea from {course} would you like to go over?",
)
FAREWELL_OPENERS = ("Thanks for working through this today.", "Good work today.")
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
    "What have you tried so far?",
    "What would be a sensible first step?",
    "Which part of it can you already do on your own?",
)
SIMPLER_QUESTIONS = (
    "Which part of that would you like to look at first?",
    "Does that make it clearer, or shall we take it more slowly?",
)
THANKS_OPENERS = ("Glad that helps.", "Good, let's make sure it sticks.", "Great.")
THANKS_QUESTIONS = (
    "Can you put the main idea in your own words?",
    "How would you explain it to a classmate in one or two sentences?",
    "What example could you use to check that you've got it?",
)
ACK_OPENERS = ("Thanks for sharing that.", "Good, let's build on that.", "I see.")
OPEN_OFFERS = (
    "Which part of today's material would you like to go over?",
    "What would you like to look at next?",
    "Which idea from class is on your mind?",
)
EMPTY_OPENERS = ("Take your time.", "No rush.", "I'm still here.")


class LocalTutor:
    name = "local"

    def greeting(self, ctx: TutorContext) -> str:
        return greeting_text(ctx)

    def compose(self, ctx: TutorContext, student_text: str) -> list[str]:
        text = student_text.strip()[:1000]
        grounding, step = planned(ctx, text)  # planned here for a context built without it
        recent = ctx.recent_tutor_lines
        turn = sum(1 for speaker, _ in ctx.history if speaker == "student")
        picker = _Picker(turn=turn + step.state.replies, recent=recent)
        return _Reply(ctx, step, picker, grounding).sentences()

    async def reply(
        self,
        ctx: TutorContext,
        student_text: str,
        *,
        on_first_token: Callable[[], None] | None = None,  # no model, no tokens
    ) -> AsyncIterator[str]:
        for sentence in self.compose(ctx, student_text):
            yield sentence


def _sentence(text: str) -> str:
    text = " ".join(text.split()).strip()
    return text if text[-1:] in '.!?"' else text + "."


def _joined(items: Sequence[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


class _Reply:
    """One reply in words: the step's sentences, with at most one question (the last)."""

    def __init__(
        self, ctx: TutorContext, step: Step, picker: _Picker, grounding: Grounding
    ) -> None:
        self.ctx = ctx
        self.step = step
        self.pick = picker.one
        self.grounding = grounding
        self.recent = ctx.recent_tutor_lines

    def named(self, sentence: str) -> str:
        """The opener with the student's name in it (everyone's, in a group room), when this
        reply may use it."""
        if not self.step.use_name or not self.ctx.students or sentence.endswith('"'):
            return sentence
        end = sentence[-1] if sentence[-1:] in ".!" else "."
        return sentence.rstrip(".!") + f", {self.ctx.student_names}{end}"

    def question_of(self, check: Check | None) -> str:
        return _sentence(check.question) if check is not None else ""

    def pending(self, fallback: str) -> str:
        """The question waiting for an answer, else `fallback`."""
        return self.question_of(self.step.check) or fallback

    def with_hint(self, hint: str, closing: Sequence[str]) -> list[str]:
        """A hint, then a question unless the hint is itself one."""
        if not hint:
            return [self.pick(closing)]
        hint = _sentence(hint)
        if hint.endswith("?"):
            return [hint]
        return [self.hint_lead(hint), self.pick(closing)]

    def hint_lead(self, hint: str) -> str:
        first = hint.split(" ", 1)[0].lower()
        leads = [lead for lead in HINT_LEADS if first not in lead.lower()] or [HINT_LEADS[0]]
        return self.pick(leads, hint=hint)  # never "Think about this: Think..."

    def section_offer(self) -> str:
        topics = [t for t in (section_topic(h) for h in self.step.topics) if t]
        if topics:
            return f"Shall we look at {topics[0]} together?"
        return self.pick(OPEN_OFFERS)

    def sentences(self) -> list[str]:
        step, ctx = self.step, self.ctx
        act = step.act
        if act == Act.GREET:
            return [self.greet(), self.pending(self.first_offer())]
        if act == Act.EMPTY:
            return [self.pick(EMPTY_OPENERS), self.pending("What would you like to work on?")]
        if act == Act.ASK:
            if step.next_check is None:
                return [
                    self.named("You've answered every question I have for today."),
                    "Which idea would you like to go over again?",
                ]
            topic = section_topic(step.next_check.heading)
            opener = f"Here's a question on {topic}." if topic else "Here's a question for you."
            return [self.named(opener), self.question_of(step.next_check)]
        if act == Act.RIGHT:
            opener = self.pick([self.named(o) for o in RIGHT_OPENERS])
            said = [opener]
            if step.check is not None and step.check.summary:
                said.append(_sentence(step.check.summary[0]))  # the professor's own words
            elif step.credited:
                said.append(self.credit())
            if step.next_check is not None:
                return [*said, "Next question: " + self.question_of(step.next_check)]
            return [*said, "That was my last question on this.", self.section_offer()]
        if act == Act.PARTLY:
            if step.unit_missing:
                return [
                    self.named(f"The number {_joined(step.credited)} is right."),
                    "What unit goes with it?",
                ]
            return [
                self.pick([self.named(o) for o in PARTLY_OPENERS]),
                self.credit(),
                *self.with_hint(step.hint, ("What else does the answer need?",)),
            ]
        if act == Act.WRONG:
            return [
                self.pick([self.named(o) for o in WRONG_OPENERS]),
                *self.with_hint(step.hint, AFTER_HINT),
            ]
        if act == Act.WORKED:
            lines = [self.named("Let's work through it together, one step at a time.")]
            if step.simpler:
                lines.append(_sentence(step.simpler))
            if step.hint:
                hint = _sentence(step.hint)
                if hint.endswith("?"):
                    return [*lines, hint]
                lines.append("The first step: " + hint[:1].lower() + hint[1:])
            return [*lines, "Do that step now: what do you get?"]
        if act == Act.REVEAL and step.check is not None:
            key = _joined([p.text for p in step.check.parts])
            lines = [self.named("Let's look at the answer together.")]
            if key:
                lines.append(f"The answer is {key}.")
            if step.check.summary:
                lines.append(_sentence(step.check.summary[0]))
            if step.next_check is not None:
                return [*lines, "Next question: " + self.question_of(step.next_check)]
            return [*lines, self.section_offer()]
        if act == Act.HINT:
            if step.check is not None:
                return [
                    self.named("Let's get there together."),
                    *self.with_hint(step.hint, AFTER_HINT),
                ]
            if step.quote:
                return [
                    self.pick([self.named(o) for o in ANSWER_OPENERS]),
                    self.pick(CLUE_LEADS, quote=self.quote()),
                    self.pick(ANSWER_QUESTIONS),
                ]
            return [
                self.pick([self.named(o) for o in ANSWER_OPENERS]),
                self.pick(ANSWER_QUESTIONS_NO_QUOTE),
            ]
        if act == Act.SIMPLER:
            if not step.simpler:  # nothing in the notes to re-explain with: find the knot
                return [
                    self.pick([self.named(o) for o in CONFUSED_OPENERS]),
                    self.pick(CONFUSED_QUESTIONS),
                ]
            lines = [self.pick([self.named(o) for o in SIMPLER_OPENERS]), _sentence(step.simpler)]
            if step.check is not None:
                return [*lines, "With that in mind, try again: " + self.question_of(step.check)]
            return [*lines, self.pick(SIMPLER_QUESTIONS)]
        if act == Act.MISCONCEPTION:
            misconception = self.grounding.misconception
            ask = _sentence(misconception.ask) if misconception else ""
            if ask and ask in " ".join(self.recent) and step.quote:
                # asked just now: a clue from the notes, then the question again
                return [
                    self.pick([self.named(o) for o in MISCONCEPTION_AGAIN]),
                    self.pick(CLUE_LEADS, quote=self.quote()),
                    ask,
                ]
            return [self.pick([self.named(o) for o in MISCONCEPTION_OPENERS]), ask]
        if act == Act.EXPLAIN:
            if step.focus and not step.quote:
                return [
                    f"Let's bring {step.focus} into this.",
                    f"What role do you think {step.focus} plays here?",
                ]
            lines = [self.pick([self.named(o) for o in EXPLAIN_LEADS], quote=self.quote())]
            if step.focus:
                lines.insert(0, f"Let's bring {step.focus} into this.")
            if step.check is not None:
                return [*lines, "Now, back to our question: " + self.question_of(step.check)]
            return [*lines, self.pick(OWN_WORDS)]
        if act == Act.NOT_COVERED:
            return [
                self.pick([self.named(o) for o in NOT_COVERED_OPENERS]),
                f"I've noted your question for {ctx.professor_name}.",
                self.pending(self.section_offer()),
            ]
        if act == Act.SUMMARY:
            if step.summary:
                return [
                    self.named("Here's what we've covered so far."),
                    *(_sentence(line) for line in step.summary),
                    self.pending("Which part would you like to go over again?"),
                ]
            topics = _joined([t for t in (section_topic(h) for h in step.topics) if t])
            lines = [
                self.named("We haven't worked through anything yet, so there's nothing to sum up.")
            ]
            if topics:
                lines.append(f"Today's notes cover {topics}.")
            return [*lines, self.pending("Where would you like to start?")]
        if act == Act.FRUSTRATION:
            lines = [self.pick(FRUSTRATION_OPENERS)]
            if step.then == Act.HINT and step.hint:
                hint = _sentence(step.hint)
                if hint.endswith("?"):
                    return [*lines, hint]
                lines.append(self.hint_lead(hint))
            elif step.simpler:
                lines.append(_sentence(step.simpler))
            return [*lines, self.pending("Shall we take it one small step at a time?")]
        if act == Act.LANGUAGE:
            return [
                self.named(
                    f"I see you wrote in {step.language}; I'll answer in English, the language"
                    " of our course."
                ),
                self.pending(f"What would you like to go over from {ctx.course_title}?"),
            ]
        if act == Act.THANKS:
            return [
                self.pick([self.named(o) for o in THANKS_OPENERS]),
                self.pending(self.pick(THANKS_QUESTIONS)),
            ]
        if act == Act.FAREWELL:
            return [
                self.pick([self.named(o) for o in FAREWELL_OPENERS]),
                self.pick(("See you next time!", "Take care, and see you next time!")),
            ]
        return [self.pick([self.named(o) for o in ACK_OPENERS]), self.pending(self.section_offer())]

    def credit(self) -> str:
        """What the student got right, in the key's words ("Water" is right.)."""
        parts = [
            f"“{p[:1].upper()}{p[1:]}”" if i == 0 else f"“{p}”"
            for i, p in enumerate(self.step.credited)
        ]
        verb = "are" if len(parts) > 1 else "is"
        return f"{_joined(parts)} {verb} right."

    def quote(self) -> str:
        quote = quotable(self.step.quote) if self.step.quote else ""
        return quote if quote.endswith("...") else quote + "."

    def greet(self) -> str:
        names = self.ctx.student_names
        if len(self.ctx.students) > 1:
            return self.pick(GROUP_GREETINGS, names=names)
        if not self.step.use_name:
            return self.pick(("Hi again!", "Hello again!"))
        return self.pick(GREETINGS, names=names)

    def first_offer(self) -> str:
        if self.ctx.script.checks:
            topic = section_topic(self.ctx.script.checks[0].heading)
            about = f" on {topic}" if topic else ""
            return self.pick(
                (
                    f"Would you like me to quiz you{about}, or is there something from class"
                    " you'd like to go over?",
                    f"Shall I ask you a question{about}, or would you rather start with"
                    " something from class?",
                )
            )
        return self.pick(OFFERS, course=self.ctx.course_title)


class _Picker:
    """Chooses one sentence of a bank: rotates with the reply count and skips any sentence the
    tutor has just said, so two replies in a row never repeat a line."""

    def __init__(self, *, turn: int, recent: Sequence[str]) -> None:
        self.turn = turn
        self.recent = " ".join(recent)
        self.used: set[str] = set()

    def one(self, options: Sequence[str], **slots: str) -> str:
        filled = [o.format(**slots) if slots else o for o in options]
        for step in range(len(filled)):
            candidate = filled[(self.turn + step) % len(filled)]
            if candidate not in self.recent and candidate not in self.used:
                self.used.add(candidate)
                return candidate
        # all said just now: the one said longest ago (recent lines run newest first)
        fresh = [c for c in filled if c not in self.used] or filled
        return max(fresh, key=self.recent.find)
