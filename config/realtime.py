"""Broadcast to channel-layer groups after the current transaction commits."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def group_send_now(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)


def broadcast_on_commit(group: str, message: dict[str, Any]) -> None:
    """Send `message` to `group` once the surrounding transaction commits (now if none)."""
    transaction.on_commit(lambda: group_send_now(group, message))
