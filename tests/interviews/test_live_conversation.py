"""The interview's turn logic driven directly, with no WebSocket: a `send` that records frames."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from avatars.voice.tasks import TaskSet
from interviews.live.conversation import InterviewConversation
from interviews.models import Attempt, MockInterview
from tests.interviews.conftest import GOOD_ANSWER, create_interview

pytestmark = pytest.mark.django_db(transaction=True)


class Page:
    """Stands in for the socket: remembers every frame the conversation sends."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []
        self.arrived = asyncio.Event()

    async def send(self, frame: dict[str, Any]) -> None:
        self.frames.append(frame)
        self.arrived.set()

    async def until(self, kind: str, pred: Any = None, timeout: float = 10) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            seen = 0
            while True:
                for frame in self.frames[seen:]:
                    if frame["type"] == kind and (pred is None or pred(frame)):
                        return frame
                seen = len(self.frames)
                self.arrived.clear()
                await self.arrived.wait()


async def test_a_whole_answer_without_a_socket(candidate: Any, bank: Any, settings: Any) -> None:
    settings.INTERVIEW_MAX_FOLLOWUPS = 0
    interview = await sync_to_async(create_interview)(candidate, count=1)
    page = Page()
    tasks = TaskSet("test")
    conv = InterviewConversation(
        interview_id=interview.pk,
        public_id=str(interview.public_id),
        user_id=candidate.pk,
        send=page.send,
        tasks=tasks,
    )
    await conv.opened(interview)
    await page.until("avatar.connection", lambda f: f["status"] == "ready")
    await conv.question_next()
    speak = await page.until("avatar.speak")
    await conv.speak_started(speak["task_id"])
    await conv.speak_ended(speak["task_id"], 3.0)
    await page.until("state", lambda f: f["state"] == "listening")
    await conv.answer_text(GOOD_ANSWER)
    caption = await page.until("caption", lambda f: f["final"])
    assert caption["source"] == "typed"
    await conv.answer_finish(40)
    final = await page.until("feedback.final", timeout=30)
    assert final["attempt"]["status"] == Attempt.Status.SCORED
    await conv.interview_end()
    await page.until("state", lambda f: f["state"] == "completed")
    await conv.closed()
    await tasks.cancel_all()
    saved = await MockInterview.objects.aget(pk=interview.pk)
    assert saved.status == MockInterview.Status.COMPLETED
    attempt = await Attempt.objects.aget(question__interview=interview)
    assert GOOD_ANSWER.split()[0] in attempt.transcript
