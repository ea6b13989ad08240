"""The channel layer carries group messages between consumers (Redis when REDIS_URL is set)."""

from __future__ import annotations

import os

import pytest
from channels.layers import get_channel_layer
from django.conf import settings


async def test_group_message_reaches_every_member() -> None:
    layer = get_channel_layer()
    first = await layer.new_channel()
    second = await layer.new_channel()
    await layer.group_add("interview.test-group", first)
    await layer.group_add("interview.test-group", second)
    await layer.group_send("interview.test-group", {"type": "state.changed", "state": "asking"})
    assert (await layer.receive(first))["state"] == "asking"
    assert (await layer.receive(second))["state"] == "asking"
    await layer.group_discard("interview.test-group", first)
    await layer.group_discard("interview.test-group", second)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set")
async def test_redis_layer_is_used_and_crosses_layer_instances() -> None:
    """Two separate layer instances (as in two daphne processes) share groups through Redis."""
    from channels_redis.core import RedisChannelLayer

    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    config = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    process_a = RedisChannelLayer(hosts=config["hosts"], prefix=config["prefix"])
    process_b = RedisChannelLayer(hosts=config["hosts"], prefix=config["prefix"])
    channel = await process_b.new_channel()
    await process_b.group_add("classroom.redis-test", channel)
    await process_a.group_send("classroom.redis-test", {"type": "room.update", "room": "r1"})
    message = await process_b.receive(channel)
    assert message == {"type": "room.update", "room": "r1"}
    await process_b.group_discard("classroom.redis-test", channel)
    await process_a.flush()
