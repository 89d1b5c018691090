"""Close this process's sockets when the channel layer may have dropped events.

Redis pub/sub keeps nothing for a subscriber that is away: while the connection to Redis is down,
or while it is being re-established, the events published for this process's sockets are gone,
and redis-py reconnects and subscribes again without telling anyone. A socket that stayed open
through that would never learn that it missed something. So each process sends itself a probe
through the layer every LAYER_PROBE_INTERVAL seconds; when two in a row do not come back in time,
every socket of the process is closed with CLOSE_RESYNC. Clients reconnect (once Redis is back: a
socket cannot open without it) and catch up with `?after=<seq>`, as the contract asks of them after
any disconnection.

When the probes come back after that, the subscriptions themselves are suspect: one written while
Redis hung may never have reached it, and the layer would count it as made. So the layer's pub/sub
connections are dropped and made again (every subscription with them), and the sockets that opened
in between are closed once more to catch up.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any

from channels.layers import get_channel_layer
from django.conf import settings

logger = logging.getLogger(__name__)

# "Service restart: reconnect" (RFC 6455 registry); clients reconnect on it and catch up.
CLOSE_RESYNC = 1012
FAILURES_TO_CLOSE = 2


class LayerWatch:
    """The probe loop of one event loop and the sockets it looks after."""

    def __init__(self) -> None:
        self.sockets: weakref.WeakSet[Any] = weakref.WeakSet()
        self.task = asyncio.get_running_loop().create_task(self.run())

    async def run(self) -> None:
        layer = get_channel_layer()
        channel, failures = None, 0
        # Once probes fail, they go on until the layer is back and repaired, even with no socket
        # left: the sockets that open later must not inherit the swallowed subscriptions.
        while self.sockets or failures:
            await asyncio.sleep(settings.LAYER_PROBE_INTERVAL)
            try:
                channel = channel or await layer.new_channel("probe.")
                await layer.send(channel, {"type": "probe"})
                await asyncio.wait_for(layer.receive(channel), settings.LAYER_PROBE_TIMEOUT)
            except Exception:
                # A cancelled receive gives its channel up: take a new one next time.
                channel, failures = None, failures + 1
                # One late probe may be a burst of work (thousands of sockets joining at once);
                # two in a row is Redis away.
                if failures >= FAILURES_TO_CLOSE:
                    await self.close_all("channel layer probes failed")
                continue
            if failures >= FAILURES_TO_CLOSE:
                try:
                    await layer.resubscribe()
                except Exception:
                    logger.warning("could not make the layer's subscriptions again", exc_info=True)
                    continue  # still suspect: try again after the next probe
                await self.close_all("channel layer back")
            failures = 0

    async def close_all(self, why: str) -> None:
        logger.warning("%s: closing %d sockets", why, len(self.sockets))
        await asyncio.gather(*(socket.close(code=CLOSE_RESYNC) for socket in list(self.sockets)),
                             return_exceptions=True)


_watches: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LayerWatch] = weakref.WeakKeyDictionary()


def watch(socket: Any) -> None:
    """Look after this (connected) consumer until `unwatch`: it is closed with CLOSE_RESYNC when
    the layer may have lost its events. Only Redis layers are watched."""
    if not settings.REDIS_URL:
        return
    loop = asyncio.get_running_loop()
    current = _watches.get(loop)
    if current is None or current.task.done():
        current = _watches[loop] = LayerWatch()
    current.sockets.add(socket)


def unwatch(socket: Any) -> None:
    current = _watches.get(asyncio.get_running_loop())
    if current is not None:
        current.sockets.discard(socket)
