"""Room cards for the monitor and the rooms during a deploy: built from the rows in hand (no
query) and sent after the commit, in order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from classrooms.models import BreakoutRoom
from classrooms.selectors import room_card

logger = logging.getLogger(__name__)


def _broadcast_many_on_commit(messages: list[tuple[str, dict[str, Any]]]) -> None:
    """Send many group messages, in order, with one hop to the event loop after commit."""

    async def send_all() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        for group, message in messages:
            await layer.group_send(group, message)

    if messages:
        transaction.on_commit(lambda: async_to_sync(send_all)())


def _card_messages(rooms: list[BreakoutRoom]) -> list[tuple[str, dict[str, Any]]]:
    """room.update for the monitor group and each room's group, from rows in hand (students
    prefetched, avatar attached): no query."""
    now = timezone.now()
    messages: list[tuple[str, dict[str, Any]]] = []
    for room in rooms:
        card = room_card(room, now=now)
        messages.append((room.session.group, {"type": "room.update", "room": card}))
        messages.append((room.group, {"type": "room.update", "room": card}))
    return messages


def rooms_publish_on_commit(rooms: list[BreakoutRoom]) -> None:
    """After the commit, each room's card (from the rows in hand: students prefetched, session
    and avatar attached) to the monitor and to the room, in one hop to the event loop."""
    _broadcast_many_on_commit(_card_messages(rooms))


Publish = Callable[[list[BreakoutRoom]], None]


class CardSender:
    """The room cards of one deploy, sent in order by one task on the deploy's event loop.
    The database thread hands each batch over after its commit and goes on with the next
    write; with `rooms_publish_on_commit` it waited for the loop to send every card, and the
    loop is busiest exactly then (a wave of vendor calls), so each batch held up the next."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[list[tuple[str, dict[str, Any]]] | None] = asyncio.Queue()
        self.task = asyncio.create_task(self._send())

    def publish_on_commit(self, rooms: list[BreakoutRoom]) -> None:  # in the database thread
        messages = _card_messages(rooms)
        if messages:
            transaction.on_commit(
                lambda: self.loop.call_soon_threadsafe(self.queue.put_nowait, messages)
            )

    async def _send(self) -> None:
        layer = get_channel_layer()
        while (messages := await self.queue.get()) is not None:
            if layer is None:
                continue
            for group, message in messages:
                try:
                    await layer.group_send(group, message)
                except Exception:  # a monitor missing one card refreshes on the next one
                    logger.exception("Sending a room card to %s failed", group)

    async def close(self) -> None:
        self.queue.put_nowait(None)  # after every batch already handed over (FIFO)
        await self.task
