"""The channels-redis layers, with a deadline on every call that should answer at once.

When Redis hangs (a stuck server, a network that drops packets) a call waits for the socket's
read timeout, 10 s here because the list-based layer's blocking pop waits 5 s by design
(chaat/settings.py). A message's publish runs in its request after commit, so every send took 10 s
and requests piled up (tests/hardening/test_faults.py, F2). Sends and group changes give up after
`call_timeout` instead: the event is dropped (clients catch up by seq) and a socket whose group
join fails is closed, so its client reconnects. A group discard is waited for as long, then left
to finish on its own. Only `receive` keeps the long timeout."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer

logger = logging.getLogger(__name__)


def _ignore_outcome(call: asyncio.Future) -> None:
    if not call.cancelled():
        call.exception()  # retrieved, so asyncio does not log it as never retrieved


# Group discards still running after their caller left (a reference keeps each task alive).
_finishing: set[asyncio.Future] = set()


def _finished(call: asyncio.Future) -> None:
    _finishing.discard(call)
    if not call.cancelled() and call.exception() is not None:
        logger.warning("could not leave a channel-layer group", exc_info=call.exception())


async def _all(calls: Iterable[Awaitable[None]]) -> None:
    """Run `calls` together; raise the first failure once all have ended."""
    for outcome in await asyncio.gather(*calls, return_exceptions=True):
        if isinstance(outcome, BaseException):
            raise outcome


# KEYS: the channels; ARGV: for each channel, the number of its payload among the payloads that
# follow. A pipeline of PUBLISHes cost the same server CPU (0.19 against 0.18-0.19 ms per member in
# `fanout`), but sent a 100-member group's event to Redis 100 times; the script sends it once.
_PUBLISH_EACH = """
local n = #KEYS
for i = 1, n do redis.call('PUBLISH', KEYS[i], ARGV[n + tonumber(ARGV[i])]) end
"""


class _Batch:
    """The publishes for one shard, each distinct message encoded once."""

    def __init__(self) -> None:
        self.channels: list[str] = []
        self.which: list[int] = []
        self.payloads: list[bytes] = []
        self._numbers: dict[int, int] = {}

    def add(self, channel: str, message: dict[str, Any], serialize: Callable[[dict[str, Any]], bytes]) -> None:
        number = self._numbers.get(id(message))
        if number is None:
            self.payloads.append(serialize(message))
            number = self._numbers[id(message)] = len(self.payloads)
        self.channels.append(channel)
        self.which.append(number)


class _BoundedCalls:
    call_timeout: float

    def _unbounded(self, name: str) -> Callable[..., Any]:
        return getattr(super(), name)

    async def _call(self, name: str, *args: Any) -> None:
        await self._bounded(name, self._unbounded(name)(*args))

    async def _bounded(self, name: str, work: Awaitable[None]) -> None:
        # Not asyncio.timeout: redis-py may take its time to honour a cancellation (F2 saw a
        # publish cancelled at 1 s return after 19 s). The caller leaves at the deadline and the
        # cancelled call winds down on its own.
        call = asyncio.ensure_future(work)
        done, _pending = await asyncio.wait({call}, timeout=self.call_timeout)
        if not done:
            call.cancel()
            call.add_done_callback(_ignore_outcome)
            raise TimeoutError(f"channel layer {name} took over {self.call_timeout} s")
        call.result()

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        await self._call("send", channel, message)

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        await self._call("group_send", group, message)

    async def group_add(self, group: str, channel: str) -> None:
        await self._call("group_add", group, channel)

    async def group_discard(self, group: str, channel: str) -> None:
        """Leave the group, waiting at most the deadline but never cancelling: a discard cut off
        there left its process subscribed to the group until it restarted (when 5,000 sockets
        closed at once, their UNSUBSCRIBEs queued behind one another on the pub/sub connection
        and some gave up after 1 s). The socket is gone either way; its discard goes on here."""
        call = asyncio.ensure_future(self._unbounded("group_discard")(group, channel))
        _finishing.add(call)
        call.add_done_callback(_finished)
        await asyncio.wait({call}, timeout=self.call_timeout)


class BoundedRedisChannelLayer(_BoundedCalls, RedisChannelLayer):
    def __init__(self, *args: Any, call_timeout: float = 1.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.call_timeout = call_timeout

    async def group_send_each(self, sends: list[tuple[str, dict[str, Any]]]) -> None:
        """Each message to its group, all under one deadline (see the pub/sub layer's)."""
        unbounded = self._unbounded("group_send")
        await self._bounded("group_send_each", _all(unbounded(group, message) for group, message in sends))

    async def resubscribe(self) -> None:
        """Nothing to repair: this layer's channels are lists in Redis, not subscriptions."""


class BoundedRedisPubSubChannelLayer(_BoundedCalls, RedisPubSubChannelLayer):
    def __init__(self, *args: Any, call_timeout: float = 1.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.call_timeout = call_timeout

    def _unbounded(self, name: str) -> Callable[..., Any]:
        # The pub/sub layer has one inner layer per event loop and no methods of its own.
        return getattr(self._get_layer(), name)

    async def group_send_each(self, sends: list[tuple[str, dict[str, Any]]]) -> None:
        """Each message to its group: one script call per shard, under one deadline, that publishes
        them all, each distinct message encoded and sent once. channels-redis publishes one group
        at a time, each waiting for the shard's lock and its own round trip: a message to a
        100-member group made 100 trips in a row."""
        layer = self._get_layer()
        batches: dict[Any, _Batch] = {}
        for group, message in sends:
            channel = layer._get_group_channel_name(group)
            batches.setdefault(layer._get_shard(channel), _Batch()).add(channel, message, self.serialize)

        async def publish(shard: Any, batch: _Batch) -> None:
            shard._ensure_redis()  # the shard's pooled client; its lock serves (un)subscribing
            await shard._redis.eval(_PUBLISH_EACH, len(batch.channels), *batch.channels, *batch.which,
                                    *batch.payloads)

        await self._bounded("group_send_each", _all(publish(shard, batch) for shard, batch in batches.items()))

    async def resubscribe(self) -> None:
        """Drop this event loop's pub/sub connections, so that redis-py reconnects and subscribes
        again to every channel and group it knows.

        A SUBSCRIBE is only written, never answered, so one that a hung Redis (or a proxy in
        between) swallowed goes unnoticed: the layer counts the group as joined, and every later
        socket of that group on this process would wait for events that never come (F2)."""
        for shard in self._get_layer()._shards:
            pubsub = shard._pubsub
            if pubsub is not None and pubsub.connection is not None:
                await pubsub.connection.disconnect()
