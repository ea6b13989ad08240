"""The channel layer carries group messages between consumers (Redis when REDIS_URL is set)."""

from __future__ import annotations

import asyncio
import os
import random

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


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set")
async def test_a_cancelled_receive_always_ends() -> None:
    """A consumer that closes cancels its pending `receive`; that must end it every time.

    With a socket timeout redis-py sends through `asyncio.wait_for`, which on Python 3.11 loses
    a cancel landing as the send completes: the receive then polled Redis forever, its consumer
    never exited and the process (or the test loop) hung on shutdown. The race is narrow, so it
    is tried at many offsets into the receive."""
    from channels_redis.core import RedisChannelLayer

    config = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    layer = RedisChannelLayer(hosts=config["hosts"], prefix=f"{config['prefix']}-cancel")
    rng = random.Random(7)
    stuck = []
    try:
        for attempt in range(300):
            channel = await layer.new_channel()
            receive = asyncio.create_task(layer.receive(channel))
            await asyncio.sleep(rng.uniform(0, 0.02))
            receive.cancel()
            done, _ = await asyncio.wait({receive}, timeout=6)
            if not done:
                stuck.append(attempt)
                receive.cancel()  # a second cancel lands; the test fails instead of hanging
                await asyncio.wait({receive}, timeout=6)
                break
    finally:
        await layer.flush()
    assert stuck == [], f"a cancelled receive was still running after 6 s (attempt {stuck})"
