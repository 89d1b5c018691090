"""The load generator's clients: real websockets (the `websockets` package) and pooled HTTP (httpx),
timed with one monotonic clock in one process, so send-to-delivery needs no clock sync."""

from __future__ import annotations

import asyncio
import math
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench.seed import Person

now = time.perf_counter


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`; NaN for none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def ms(seconds: float) -> float:
    return seconds * 1000


def http_client(base_url: str, person: Person | None = None, connections: int = 100) -> httpx.AsyncClient:
    headers = person.headers if person is not None else {}
    return httpx.AsyncClient(
        base_url=base_url, headers=headers, timeout=30,
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
    )


class SendFailed(Exception):
    pass


class LiveSocket:
    """One authenticated connection to /ws/. A reader task timestamps every frame on arrival and
    resolves whoever waits for it: `expect(type, client_id)` returns a future of the arrival time."""

    def __init__(self, ws: ClientConnection, person: Person) -> None:
        self.ws = ws
        self.person = person
        self.waiting: dict[tuple[str, str | None], asyncio.Future[float]] = {}
        self.on_frame: Callable[[dict[str, Any], float], None] | None = None
        self.reader = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, ws_url: str, person: Person) -> LiveSocket:
        ws = await connect(ws_url, additional_headers=person.headers, max_size=2**20,
                           ping_interval=None, open_timeout=60)
        socket = cls(ws, person)
        # The server joins the user's group after the handshake and answers frames only after
        # that, so once the pong is here nothing sent can miss this socket. (A real client
        # catches up with `?after=<seq>` instead; the scenarios count deliveries, not catch-ups.)
        pong = socket.expect("pong", None)
        await ws.send('{"type": "ping"}')
        await asyncio.wait_for(pong, 60)
        return socket

    def expect(self, frame_type: str, client_id: str | None) -> asyncio.Future[float]:
        future = asyncio.get_running_loop().create_future()
        self.waiting[(frame_type, client_id)] = future
        return future

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                arrived = now()
                frame = orjson.loads(raw)
                if self.on_frame is not None:
                    self.on_frame(frame, arrived)
                kind = frame.get("type")
                client_id = frame.get("client_id") or (frame.get("message") or {}).get("client_id")
                if kind == "error":
                    future = self.waiting.pop(("message.ack", client_id), None)
                    if future is not None and not future.done():
                        future.set_exception(SendFailed(f"{frame.get('code')}: {frame.get('detail')}"))
                    continue
                future = self.waiting.pop((kind, client_id), None)
                if future is not None and not future.done():
                    future.set_result(arrived)
        except ConnectionClosed:
            pass
        finally:
            for future in self.waiting.values():
                if not future.done():
                    future.set_exception(SendFailed("connection closed"))
            self.waiting.clear()

    async def send_message(self, chat_id: str, text: str, client_id: str | None = None) -> str:
        """Send `message.send`; returns the client_id (wait for the ack with expect())."""
        client_id = client_id or str(uuid.uuid4())
        await self.ws.send(orjson.dumps({"type": "message.send", "chat_id": chat_id, "client_id": client_id,
                                         "kind": "text", "text": text}).decode())
        return client_id

    async def close(self) -> None:
        await self.ws.close()
        await asyncio.gather(self.reader, return_exceptions=True)


async def open_sockets(ws_url: str, people: list[Person], concurrency: int = 50) -> list[LiveSocket]:
    """One socket per person, `concurrency` handshakes at a time."""
    gate = asyncio.Semaphore(concurrency)

    async def one(person: Person) -> LiveSocket:
        async with gate:
            return await LiveSocket.open(ws_url, person)

    return list(await asyncio.gather(*(one(p) for p in people)))


async def close_sockets(sockets: list[LiveSocket]) -> None:
    await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)


async def http_send(client: httpx.AsyncClient, chat_id: str, text: str, client_id: str | None = None) -> str:
    client_id = client_id or str(uuid.uuid4())
    response = await client.post(f"/api/v1/chats/{chat_id}/messages",
                                 json={"kind": "text", "text": text, "client_id": client_id})
    if response.status_code != 201:
        raise SendFailed(f"HTTP {response.status_code}: {response.text[:200]}")
    return client_id
