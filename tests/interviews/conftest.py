"""Fixtures for the mock interview tests: a seeded bank, interviews, and a protocol driver."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from interviews.models import MockInterview
from interviews.services import InterviewSpec, interview_create, question_bank_seed

GOOD_ANSWER = (
    "When our checkout latency doubled last spring, I led the investigation. I profiled the "
    "payment service, found an N+1 query in the basket code and rewrote it with one join. "
    "As a result, p95 latency dropped from 900 ms to 300 ms and conversion increased by 4 percent."
)


@pytest.fixture
def bank(db: Any) -> int:
    return question_bank_seed()


def create_interview(owner: Any, *, count: int = 2, **kwargs: Any) -> MockInterview:
    spec = InterviewSpec(
        target_role=kwargs.pop("target_role", "Backend engineer"), question_count=count, **kwargs
    )
    return interview_create(owner=owner, spec=spec)


@pytest.fixture
def make_interview(bank: int) -> Callable[..., MockInterview]:
    return create_interview


class Driver:
    """Speaks the interview protocol over a WebsocketCommunicator and remembers what it saw."""

    def __init__(self, communicator: Any) -> None:
        self.comm = communicator
        self.seen: list[dict[str, Any]] = []
        self.acked: set[str] = set()

    async def send(self, message: dict[str, Any]) -> None:
        await self.comm.send_json_to(message)

    async def recv(self, timeout: float = 5) -> dict[str, Any]:
        message = await self.comm.receive_json_from(timeout=timeout)
        self.seen.append(message)
        return message

    async def until(
        self, kind: str, pred: Callable[[dict[str, Any]], bool] | None = None, timeout: float = 8
    ) -> dict[str, Any]:
        """Read messages until one of type `kind` (matching `pred`) arrives."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"no {kind} message; saw {[m['type'] for m in self.seen]}")
            try:
                message = await self.recv(timeout=remaining)
            except TimeoutError:
                raise AssertionError(
                    f"no {kind} message; saw {json.dumps(self.seen)[-3000:]}"
                ) from None
            if message["type"] == kind and (pred is None or pred(message)):
                return message

    async def state(self, name: str, timeout: float = 8) -> dict[str, Any]:
        return await self.until("state", lambda m: m["state"] == name, timeout=timeout)

    async def error(self, code: str | None = None) -> dict[str, Any]:
        return await self.until("error", lambda m: code is None or m["code"] == code)

    async def start(self) -> dict[str, Any]:
        """hello, then wait for the (local) avatar to be ready."""
        await self.send({"type": "hello"})
        return await self.until("avatar.connection", lambda m: m["status"] == "ready")

    async def ask_and_listen(self) -> dict[str, Any]:
        """Wait for the avatar to be told to speak, report it spoke, and return the listening state."""
        pending = [
            m for m in self.seen if m["type"] == "avatar.speak" and m["task_id"] not in self.acked
        ]
        speak = pending[-1] if pending else await self.until("avatar.speak")
        self.acked.add(speak["task_id"])
        await self.send({"type": "avatar.speak_started", "task_id": speak["task_id"]})
        await self.send(
            {"type": "avatar.speak_ended", "task_id": speak["task_id"], "duration": 2.0}
        )
        return await self.state("listening")

    async def answer(self, text: str) -> dict[str, Any]:
        await self.send({"type": "answer.text", "text": text})
        await self.until("caption", lambda m: m["final"])
        await self.send({"type": "answer.finish", "duration": 42})
        await self.state("processing")
        return await self.until("feedback.final")

    async def close(self) -> None:
        await self.comm.disconnect()


@pytest.fixture
def driver(ws_connect: Callable[..., Any]) -> Callable[..., Any]:
    opened: list[Driver] = []

    async def open_(interview: MockInterview, user: Any) -> Driver:
        comm, connected, code = await ws_connect(f"/ws/interviews/{interview.public_id}/", user)
        assert connected, code
        d = Driver(comm)
        opened.append(d)
        return d

    return open_


async def refresh(obj: Any) -> Any:
    await sync_to_async(obj.refresh_from_db)()
    return obj
