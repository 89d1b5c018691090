"""Publishing through the configured channel layer (Redis pub/sub in CI): chaat.live.realtime sends a
commit's events to all their users' groups in one batch (chaat/live/layers.py, group_send_each)."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from chaat.live import realtime


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
