"""Listen on the real channel layer the way a user's sockets do, to test published events."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from channels.layers import get_channel_layer

from chaat.live.realtime import EVENT_MESSAGE_TYPE, user_group


class EventListener:
    """Joins each user's group on the configured layer (in-memory or Redis) and collects the
    events that arrive, decoded from the JSON a socket would send."""

    def __init__(self, *users: Any) -> None:
        self.layer = get_channel_layer()
        # One loop for the listener's whole life: channels-redis binds receive state to a loop.
        self.loop = asyncio.new_event_loop()
        self.channels: dict[str, str] = {}
        for user in users:
            self.channels[str(user.id)] = self.loop.run_until_complete(self._join(user.id))

    async def _join(self, user_id: Any) -> str:
        channel = await self.layer.new_channel()
        await self.layer.group_add(user_group(user_id), channel)
        return channel

    async def _drain(self, channel: str, timeout: float) -> list[dict[str, Any]]:
        events = []
        while True:
            try:
                message = await asyncio.wait_for(self.layer.receive(channel), timeout)
            except TimeoutError:
                return events
            if message.get("type") == EVENT_MESSAGE_TYPE:
                events.append(json.loads(message["text"]))

    def events(self, user: Any, timeout: float = 0.3) -> list[dict[str, Any]]:
        """Everything `user`'s group received since the last call."""
        return self.loop.run_until_complete(self._drain(self.channels[str(user.id)], timeout))

    def types(self, user: Any, timeout: float = 0.3) -> list[str]:
        return [event["type"] for event in self.events(user, timeout)]
