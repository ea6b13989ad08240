"""Benchmark clients: candidates with interviews in the listening state, over real sockets to a
daphne process (the same steps the interview page takes)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async

from tests.bench.env import recv_until, session_cookie, ws_connect


def make_candidates(count: int, *, questions: int = 1) -> list[tuple[Any, str, str]]:
    """(user, session cookie, interview public id) for `count` fresh candidates."""
    from interviews.services import InterviewSpec, interview_create
    from tests.factories import make_user

    out = []
    for _ in range(count):
        user = make_user()
        interview = interview_create(
            owner=user,
            spec=InterviewSpec(target_role="Backend engineer", question_count=questions),
        )
        out.append((user, session_cookie(user), str(interview.public_id)))
    return out


@dataclass
class Listener:
    """One interview socket, moved to `listening` (ready for audio), recording captions."""

    ws: Any
    tag: str
    captions: list[tuple[float, bool, str]] = field(default_factory=list)
    reader: asyncio.Task[Any] | None = None

    async def read(self) -> None:
        try:
            async for raw in self.ws:
                now = time.time()
                message = json.loads(raw)
                if message.get("type") == "caption":
                    self.captions.append((now, bool(message["final"]), message["text"]))
        except Exception:
            return


async def open_listening(base: str, cookie: str, public_id: str, tag: str) -> Listener:
    ws = await ws_connect(base, f"/ws/interviews/{public_id}/", cookie)
    await recv_until(ws, lambda m: m.get("type") == "avatar.connection" and m["status"] == "ready")
    await ws.send(json.dumps({"type": "question.next"}))
    speak = await recv_until(ws, lambda m: m.get("type") == "avatar.speak")
    await ws.send(json.dumps({"type": "avatar.speak_ended", "task_id": speak["task_id"]}))
    await recv_until(ws, lambda m: m.get("type") == "state" and m["state"] == "listening")
    listener = Listener(ws=ws, tag=tag)
    listener.reader = asyncio.create_task(listener.read())
    return listener


async def open_idle(base: str, cookie: str, public_id: str) -> Any:
    ws = await ws_connect(base, f"/ws/interviews/{public_id}/", cookie)
    await recv_until(ws, lambda m: m.get("type") == "avatar.connection" and m["status"] == "ready")
    return ws


def chunk(tag: str, index: int, size: int = 4000) -> bytes:
    """A fake 250 ms audio chunk (~4 KB, like webm/opus at 128 kbit/s) whose first bytes name
    the socket and the chunk (the fake's emit log records it)."""
    head = f"{tag}c{index}".encode() + b"\0"
    return head + bytes(max(0, size - len(head)))


async def close_all(items: list[Any]) -> None:
    async def close(ws: Any) -> None:
        with contextlib.suppress(Exception):
            async with asyncio.timeout(10):
                await ws.close()

    await asyncio.gather(*(close(getattr(i, "ws", i)) for i in items))


make_candidates_async = sync_to_async(make_candidates)
