"""The channel layer as chaat/live/ uses it: on the configured layer (Redis pub/sub in CI),
chaat.live.realtime sends a commit's events to all their users' groups in one batch
(chaat/live/layers.py, group_send_each); on Redis, sockets that close together leave no group
subscription and no presence entry behind."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from chaat.live import layers, realtime


async def _joined(layer, user_ids):
    channels = []
    for user_id in user_ids:
        channel = await layer.new_channel()
        await layer.group_add(realtime.user_group(user_id), channel)
        channels.append(channel)
    return channels


async def _received(layer, channel, within=2.0):
    try:
        return json.loads((await asyncio.wait_for(layer.receive(channel), within))["text"])
    except TimeoutError:
        return None


@pytest.mark.django_db
def test_an_event_for_many_users_and_each_users_own_event_reach_exactly_their_groups():
    everyone = [uuid.uuid4() for _ in range(60)]
    shared = {"type": "typing", "chat_id": str(uuid.uuid4())}
    own = {user_id: {"type": "chat.updated", "n": n} for n, user_id in enumerate(everyone[40:])}

    async def scenario():
        layer = get_channel_layer()
        channels = await _joined(layer, everyone)
        await realtime.apublish(user_ids=everyone[:40], event=shared)
        await realtime._asend_each(own)
        received = [await _received(layer, channel) for channel in channels]
        leftovers = [await _received(layer, channel, within=0.2) for channel in channels[:3]]
        await layer.flush()
        return received, leftovers

    received, leftovers = async_to_sync(scenario)()
    assert received[:40] == [shared] * 40
    assert received[40:] == [own[user_id] for user_id in everyone[40:]]
    assert leftovers == [None, None, None]


@pytest.mark.skipif(not settings.REDIS_URL, reason="the pub/sub layer needs Redis")
def test_sockets_that_close_together_leave_no_group_subscription_behind():
    layer = layers.BoundedRedisPubSubChannelLayer(hosts=[settings.REDIS_URL], prefix=f"leave{uuid.uuid4().hex[:8]}")
    groups = [f"user.{uuid.uuid4().hex}" for _ in range(200)]

    async def scenario():
        channels = [await layer.new_channel() for _ in groups]
        for group, channel in zip(groups, channels, strict=True):
            await layer.group_add(group, channel)
        # Far shorter than the queue of UNSUBSCRIBEs: most discards outlive their caller's wait.
        layer.call_timeout = 0.001
        await asyncio.gather(*(layer.group_discard(group, channel) for group, channel in zip(groups, channels,
                                                                                             strict=True)),
                             return_exceptions=True)  # (a consumer logs a failed discard and goes on)
        inner = layer._get_layer()
        names = [inner._get_group_channel_name(group) for group in groups]
        server = redis.Redis.from_url(settings.REDIS_URL)
        for _ in range(50):  # the discards that outlived their wait end within moments
            subscribed = [name for name, count in server.pubsub_numsub(*names) if count]
            if not subscribed:
                break
            await asyncio.sleep(0.1)
        await layer.flush()
        return subscribed

    assert async_to_sync(scenario)() == []


@pytest.mark.skipif(not settings.REDIS_URL, reason="presence in Redis")
def test_many_sockets_closing_together_all_leave_presence():
    from chaat.live import presence

    users = [uuid.uuid4() for _ in range(300)]

    async def scenario():
        await asyncio.gather(*(presence.connect(user, f"conn-{user}") for user in users))
        # More at once than the pool has connections: each waits for one instead of failing.
        return await asyncio.gather(*(presence.disconnect(user, f"conn-{user}") for user in users))

    assert async_to_sync(scenario)() == [True] * len(users)
