"""The language-model tutor: Socratic system prompt, guardrails, retrieved passages.

The reply is streamed by the voice engine (`avatars.voice.streaming.model_sentences`): each
sentence is yielded as soon as it is complete so the avatar starts speaking the first one
while the model is still writing the rest.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import aclosing

from avatars.providers.base import ChatMessage, LanguageModel
from avatars.voice.streaming import model_sentences
from classrooms.tutor import MAX_STUDENT_CHARS, TutorContext, greeting_text, system_prompt
from classrooms.tutor.context import script_notes
from classrooms.tutor.local import LocalTutor
from classrooms.tutor.reply_check import ReplyCheck

MAX_HISTORY_LINES = 12
MAX_TOKENS = 220


class OpenAITutor:
    name = "openai"

    def __init__(self, model: LanguageModel) -> None:
        self.model = model

    def greeting(self, ctx: TutorContext) -> str:
        return greeting_text(ctx)

    def messages(self, ctx: TutorContext, student_text: str) -> list[ChatMessage]:
        notes = script_notes(ctx)
        prompt = system_prompt(ctx) + (f"\n\n{notes}" if notes else "")
        messages = [ChatMessage(role="system", content=prompt)]
        for speaker, text in ctx.history[-MAX_HISTORY_LINES:]:
            role = "assistant" if speaker == "tutor" else "user"
            prefix = "(Professor) " if speaker == "professor" else ""
            messages.append(ChatMessage(role=role, content=prefix + text))
        messages.append(ChatMessage(role="user", content=student_text[:MAX_STUDENT_CHARS]))
        return messages

    async def reply(
        self,
        ctx: TutorContext,
        student_text: str,
        *,
        on_first_token: Callable[[], None] | None = None,
    ) -> AsyncIterator[str]:
        messages = self.messages(ctx, student_text)
        stream = model_sentences(
            lambda: self.model.stream_text(messages, max_tokens=MAX_TOKENS, temperature=0.5),
            on_first_token=on_first_token,
        )
        check = ReplyCheck(ctx)  # the key unsaid, one question, short
        async with aclosing(stream) as sentences:
            async for sentence in sentences:
                # Guardrail: the spoken reply never reads out Markdown.
                clean = sentence.replace("**", "").replace("#", "").strip(" -*")
                if clean and (allowed := check.allow(clean)) is not None:
                    yield allowed
                if check.done:
                    break
        if not check.spoken and check.dropped:  # every sentence gave the key away
            for sentence in LocalTutor().compose(ctx, student_text):
                yield sentence
