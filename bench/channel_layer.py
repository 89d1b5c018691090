"""Measure the channels-redis layer the way live delivery uses it, to size CHANNEL_CAPACITY.

    REDIS_URL=redis://127.0.0.1:6379/N python bench/channel_layer.py

For a few capacities: group_send a burst of message.created-sized events to one user's group
while its socket does not read (a stalled client), then drain it. Prints the send and receive
rates, the Redis memory one queued event takes, and how many events the layer dropped. Uses its
own key prefix and flushes it afterwards; never point it at a production Redis.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid

import orjson
import redis
from channels_redis.core import RedisChannelLayer

BURST = 5000


def event() -> dict:
    """An `event.forward` of a message.created with 200 characters of text (a typical message)."""
    ids = [str(uuid.uuid4()) for _ in range(4)]
    message = {"id": ids[0], "chat_id": ids[1], "seq": 12345, "kind": "text", "text": "x" * 200,
               "sender": {"id": ids[2], "username": "shahn", "display_name": "Shahn", "avatar_url": None},
               "sticker": None, "image_url": None, "reply_to": None, "client_id": ids[3],
               "created_at": "2026-11-23T12:48:31.980104Z", "edited_at": None, "deleted": False}
    text = orjson.dumps({"type": "message.created", "chat_id": ids[1], "message": message}).decode()
    return {"type": "event.forward", "text": text}  # as chaat.live.realtime publishes it


async def run(url: str, capacity: int) -> None:
    layer = RedisChannelLayer(hosts=[url], prefix=f"bench-{uuid.uuid4().hex[:8]}", capacity=capacity, expiry=30)
    memory = redis.Redis.from_url(url)
    channel = await layer.new_channel()
    await layer.group_add("user.bench", channel)
    payload = event()
    before = memory.info("memory")["used_memory"]
    started = time.perf_counter()
    for _ in range(BURST):
        await layer.group_send("user.bench", payload)
    sending = time.perf_counter() - started
    queued = memory.info("memory")["used_memory"] - before
    received, started = 0, time.perf_counter()
    while True:
        try:
            await asyncio.wait_for(layer.receive(channel), 0.5)
        except TimeoutError:
            break
        received += 1
    receiving = time.perf_counter() - started - 0.5
    print(f"capacity {capacity:>5}: group_send {BURST / sending:5.0f}/s, receive {received / receiving:5.0f}/s, "
          f"{queued / min(BURST, capacity):4.0f} bytes per queued event, "
          f"delivered {received}, dropped {BURST - received}")
    await layer.flush()


if __name__ == "__main__":
    for capacity in (100, 1000, 5000):
        asyncio.run(run(os.environ["REDIS_URL"], capacity))
