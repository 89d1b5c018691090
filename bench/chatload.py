"""Chat clients for fault tests and the soak: each holds one websocket (reconnecting on its own
and catching up by seq, as the contract tells clients to) and sends over HTTP with a client_id,
retrying the same client_id until acknowledged. A Ledger records what was acknowledged and what
each client saw, to compare with the database at the end."""

from __future__ import annotations

import asyncio
import itertools
import random
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

import httpx
import orjson
import websockets


@dataclass
class Ledger:
    sent_at: dict[str, float] = field(default_factory=dict)  # client_id -> first attempt
    acked: dict[str, str] = field(default_factory=dict)  # client_id -> message id
    latencies: list[tuple[float, float]] = field(default_factory=list)  # (when, send -> delivery seconds)
    send_failures: int = 0  # attempts answered with an error or not at all (then retried)
    server_errors: int = 0  # 5xx answers other than 503
    live_duplicates: int = 0  # the same message delivered twice over a socket
    gave_up: int = 0  # sends never acknowledged within their deadline


class ChatClient:
    def __init__(self, *, name: str, token: str, chats: list[str], servers: list[str], ledger: Ledger) -> None:
        self.name, self.token, self.chats, self.ledger = name, token, chats, ledger
        self.servers = servers  # base URLs http://127.0.0.1:port; the first is this client's home
        self._server_cycle = itertools.cycle(range(len(servers)))
        self.server = next(self._server_cycle)
        self.seen: dict[str, dict[int, str]] = defaultdict(dict)  # chat -> seq -> message id
        self.seen_live: set[tuple[str, int]] = set()
        self.connected = asyncio.Event()
        self.closes: list[float] = []  # when the server closed our socket
        self.reconnects = 0
        self.gap_fetches = 0
        self.http = httpx.AsyncClient(timeout=10, headers={"Authorization": f"Token {token}"})

    def _next_server(self) -> None:
        self.server = next(self._server_cycle)

    def _record(self, chat_id: str, message: dict, *, live: bool) -> None:
        seen = self.seen[chat_id]
        if live:
            key = (chat_id, message["seq"])
            if key in self.seen_live:
                self.ledger.live_duplicates += 1
            self.seen_live.add(key)
        if message["seq"] in seen:
            return
        seen[message["seq"]] = message["id"]
        sent = self.ledger.sent_at.get(message.get("client_id") or "")
        if live and sent is not None and message["sender"] and message["sender"]["username"] != self.name:
            now = time.monotonic()
            self.ledger.latencies.append((now, now - sent))

    def contiguous(self, chat_id: str) -> int:
        """The highest seq up to which this client has seen every message."""
        seen, seq = self.seen[chat_id], 0
        while seq + 1 in seen:
            seq += 1
        return seq

    async def catch_up(self) -> None:
        for chat_id in self.chats:
            after = self.contiguous(chat_id)
            while True:
                response = await self.http.get(f"{self.servers[self.server]}/api/v1/chats/{chat_id}/messages",
                                               params={"after": after, "limit": 100})
                response.raise_for_status()
                page = response.json()
                for message in page["results"]:
                    self._record(chat_id, message, live=False)
                    after = max(after, message["seq"])
                if not page["has_more"]:
                    break

    async def run_socket(self, stop: asyncio.Event) -> None:
        first = True
        while not stop.is_set():
            url = self.servers[self.server].replace("http://", "ws://") + "/ws/"
            try:
                async with websockets.connect(url, additional_headers={"Authorization": f"Token {self.token}"},
                                              open_timeout=3, close_timeout=1, max_size=2**20) as ws:
                    if not first:
                        self.reconnects += 1
                    # The server accepts the handshake before it joins our group; frames are
                    # handled after that, so a pong means events reach us from now on. Only then
                    # load what we missed (or the history, the first time), or a message
                    # committed in between would never be seen.
                    await ws.send('{"type":"ping"}')
                    while orjson.loads(await ws.recv()).get("type") != "pong":
                        pass
                    await self.catch_up()
                    first = False
                    self.connected.set()
                    async for raw in ws:
                        frame = orjson.loads(raw)
                        if frame.get("type") == "message.created":
                            chat_id, seq = frame["chat_id"], frame["message"]["seq"]
                            gap = seq > self.contiguous(chat_id) + 1
                            self._record(chat_id, frame["message"], live=True)
                            if gap:  # an event was dropped on the way (the layer is at-most-once)
                                self.gap_fetches += 1
                                await self.catch_up()
                        if stop.is_set():
                            return
                self.closes.append(time.monotonic())
            except (OSError, websockets.exceptions.WebSocketException, httpx.HTTPError, TimeoutError):
                if self.connected.is_set():
                    self.closes.append(time.monotonic())
            self.connected.clear()
            if stop.is_set():
                return
            await asyncio.sleep(0.3 + random.random() * 0.3)  # jitter: reconnects spread out
            self._next_server()

    async def send(self, chat_id: str, text: str, *, give_up_after: float = 60.0) -> str:
        """Send until acknowledged (201 or 200), retrying the same client_id on any failure."""
        client_id = str(uuid.uuid4())
        self.ledger.sent_at[client_id] = time.monotonic()
        deadline = time.monotonic() + give_up_after
        while True:
            try:
                response = await self.http.post(f"{self.servers[self.server]}/api/v1/chats/{chat_id}/messages",
                                                json={"kind": "text", "text": text, "client_id": client_id})
                if response.status_code in {200, 201}:
                    self.ledger.acked[client_id] = response.json()["id"]
                    return client_id
                if response.status_code >= 500 and response.status_code != 503:
                    self.ledger.server_errors += 1
            except httpx.HTTPError:
                self._next_server()
            self.ledger.send_failures += 1
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} could not send {client_id}")
            await asyncio.sleep(0.2)

    async def close(self) -> None:
        await self.http.aclose()


def compare_with_database(clients: list[ChatClient], ledger: Ledger) -> dict[str, int]:
    """Lost: acknowledged but not stored, or stored but never seen by a member (live or by
    catch-up). Doubled: a client_id stored twice, or acknowledged as two different messages."""
    from messaging.models import Message

    chat_ids = {chat for client in clients for chat in client.chats}
    rows = list(Message.objects.filter(chat_id__in=chat_ids).values_list("chat_id", "seq", "id", "client_id"))
    sent_rows = [(str(client_id), str(message_id)) for _, _, message_id, client_id in rows if client_id]
    stored = dict(sent_rows)  # system messages have no client_id
    doubled = len(sent_rows) - len(stored)
    lost = sum(1 for client_id, message_id in ledger.acked.items() if stored.get(client_id) != message_id)
    by_chat: dict[str, dict[int, str]] = defaultdict(dict)
    for chat_id, seq, message_id, _ in rows:
        by_chat[str(chat_id)][seq] = str(message_id)
    unseen = []
    for client in clients:
        for chat_id in client.chats:
            for seq, message_id in by_chat[chat_id].items():
                if client.seen[chat_id].get(seq) != message_id:
                    unseen.append((client.name, chat_id[:8], seq, client.seen[chat_id].get(seq)))
    deliveries = sum(len(client.seen[chat]) for client in clients for chat in client.chats)
    return {"stored": len(sent_rows), "acked": len(ledger.acked), "lost": lost + len(unseen), "doubled": doubled,
            "deliveries": deliveries, "live_duplicates": ledger.live_duplicates, "unseen": unseen[:10]}


async def run_traffic(clients: list[ChatClient], *, seconds: float, interval: float,
                      at: list[tuple[float, object]] = (), settle: float = 2.0, ramp: float = 0.0) -> None:
    """Every client connects its socket and sends to one of its chats every `interval` seconds
    (with jitter) for `seconds`; `at` lists (second, function) to run in a thread meanwhile (the
    fault). At the end every client must be connected again; then deliveries settle."""
    stop = asyncio.Event()

    async def staggered(i: int, client: ChatClient) -> None:
        await asyncio.sleep(i * ramp)  # people do not all open the app in the same second
        await client.run_socket(stop)

    sockets = [asyncio.create_task(staggered(i, client)) for i, client in enumerate(clients)]
    await asyncio.wait_for(asyncio.gather(*(c.connected.wait() for c in clients)),
                           20 + len(clients) / 10 + len(clients) * ramp)
    start = time.monotonic()

    async def sender(client: ChatClient) -> None:
        await asyncio.sleep(random.random() * interval)
        n = 0
        while time.monotonic() - start < seconds:
            n += 1
            try:
                await client.send(random.choice(client.chats), f"{client.name} #{n}")
            except TimeoutError:
                client.ledger.gave_up += 1  # reported: a send never acknowledged in a minute
            await asyncio.sleep(interval * (0.5 + random.random()))

    async def faults() -> None:
        for second, action in at:
            await asyncio.sleep(max(0.0, start + second - time.monotonic()))
            await asyncio.to_thread(action)

    await asyncio.gather(faults(), *(sender(client) for client in clients))
    await asyncio.wait_for(asyncio.gather(*(c.connected.wait() for c in clients)), 30 + len(clients) / 10)
    await asyncio.sleep(settle)
    stop.set()
    for task in sockets:
        task.cancel()
    await asyncio.gather(*sockets, return_exceptions=True)
    for client in clients:
        await client.close()
