"""Live delivery across real server processes sharing PostgreSQL and Redis (tests/servers.py)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from chaat.live import presence
from tests.live.conftest import run_async

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}"}


async def frame_of(ws: ClientConnection, type_: str, timeout: float = 2) -> dict[str, Any]:
    """The next frame of this type (others are skipped); fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), deadline - time.monotonic()))
        if frame["type"] == type_:
            return frame


async def send_over_http(client: httpx.AsyncClient, chat: str, text: str) -> dict[str, Any]:
    body = {"kind": "text", "text": text, "client_id": str(uuid.uuid4())}
    response = await client.post(f"/api/v1/chats/{chat}/messages", json=body)
    assert response.status_code == 201, response.text
    return response.json()


@run_async
async def test_an_event_caused_through_one_process_reaches_sockets_held_by_another(live_servers, postgres, redis, cast):
    a, b = live_servers(2)
    async with (
        httpx.AsyncClient(base_url=a.url(), headers=auth(cast["shahn"])) as shahn_on_a,
        connect(b.ws_url(), additional_headers=auth(cast["shivam"])) as shivam_on_b,
        connect(a.ws_url(), additional_headers=auth(cast["shahn"])) as shahn_on_a_ws,
    ):
        await shivam_on_b.send(json.dumps({"type": "ping"}))
        await frame_of(shivam_on_b, "pong")  # subscribed before the send below
        sent = await send_over_http(shahn_on_a, cast["chat"], "from process A")
        created = await frame_of(shivam_on_b, "message.created")
        assert created == {"type": "message.created", "chat_id": cast["chat"], "message": sent}
        # ... and back: a frame sent to process B reaches the socket on process A.
        client_id = str(uuid.uuid4())
        await shivam_on_b.send(json.dumps({"type": "message.send", "chat_id": cast["chat"], "client_id": client_id,
                                           "kind": "text", "text": "from process B"}))
        ack = await frame_of(shivam_on_b, "message.ack")
        assert (ack["client_id"], ack["message"]["seq"]) == (client_id, 2)
        # The actor's own socket got the HTTP send too, then the one from process B.
        assert (await frame_of(shahn_on_a_ws, "message.created"))["message"] == sent
        assert (await frame_of(shahn_on_a_ws, "message.created"))["message"] == ack["message"]


@run_async
async def test_messages_sent_while_disconnected_are_recovered_by_catch_up(live_servers, postgres, redis, cast):
    a, b = live_servers(2)
    chat = cast["chat"]
    async with (
        httpx.AsyncClient(base_url=a.url(), headers=auth(cast["shahn"])) as sender,
        httpx.AsyncClient(base_url=b.url(), headers=auth(cast["shivam"])) as reader,
    ):
        seen: dict[int, dict] = {}
        async with connect(b.ws_url(), additional_headers=auth(cast["shivam"])) as ws:
            await ws.send(json.dumps({"type": "ping"}))
            await frame_of(ws, "pong")
            for text in ("one", "two"):
                await send_over_http(sender, chat, text)
                message = (await frame_of(ws, "message.created"))["message"]
                seen[message["seq"]] = message
        last_seen = max(seen)
        missed = [await send_over_http(sender, chat, text) for text in ("three", "four", "five")]

        # Reconnect (to the other process), then catch up: live events and the fetch may overlap.
        async with connect(a.ws_url(), additional_headers=auth(cast["shivam"])) as ws:
            await ws.send(json.dumps({"type": "ping"}))
            await frame_of(ws, "pong")
            during = await send_over_http(sender, chat, "six")  # sent after reconnecting
            chats = (await reader.get("/api/v1/chats")).json()["results"]
            assert next(c for c in chats if c["id"] == chat)["last_seq"] == during["seq"] > last_seen
            page = (await reader.get(f"/api/v1/chats/{chat}/messages", params={"after": last_seen})).json()
            assert [m["seq"] for m in page["results"]] == [3, 4, 5, 6] and page["has_more"] is False
            assert page["results"][:3] == missed
            live = (await frame_of(ws, "message.created"))["message"]
            assert live == during == page["results"][3]
        for message in [*page["results"], live]:
            seen.setdefault(message["seq"], message)
        assert sorted(seen) == list(range(1, 7))  # nothing missing, nothing doubled
        assert [seen[s]["text"] for s in sorted(seen)] == ["one", "two", "three", "four", "five", "six"]


@run_async
async def test_the_server_closes_a_frame_over_64_kib_with_1009(live_servers, postgres, redis, cast):
    (server,) = live_servers(1)
    async with connect(server.ws_url(), additional_headers=auth(cast["shahn"])) as ws:
        await ws.send(json.dumps({"type": "ping"}))
        await frame_of(ws, "pong")
        await ws.send(json.dumps({"type": "ping", "pad": "x" * 65536}))
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 2)
    assert closed.value.rcvd.code == 1009


@run_async
async def test_a_logout_through_one_process_closes_the_socket_on_another(live_servers, postgres, redis, cast):
    a, b = live_servers(2)
    async with connect(b.ws_url(), additional_headers=auth(cast["shahn"])) as ws:
        await ws.send(json.dumps({"type": "ping"}))
        await frame_of(ws, "pong")
        started = time.monotonic()
        async with httpx.AsyncClient(base_url=a.url(), headers=auth(cast["shahn"])) as client:
            assert (await client.post("/api/v1/auth/logout")).status_code == 204
        with pytest.raises(ConnectionClosed) as closed:
            await frame_of(ws, "never", timeout=1)
        assert closed.value.rcvd.code == 4401
        assert time.monotonic() - started < 1.5


@run_async
async def test_the_users_of_a_killed_process_go_offline_without_heartbeats(live_servers, postgres, redis, cast, shivam):
    ttl = 2
    a, b = live_servers(2, PRESENCE_TTL=str(ttl), PRESENCE_HEARTBEAT="1")
    async with connect(a.ws_url(), additional_headers=auth(cast["shahn"])) as watcher:
        await watcher.send(json.dumps({"type": "ping"}))
        await frame_of(watcher, "pong")
        doomed = await connect(b.ws_url(), additional_headers=auth(cast["shivam"]))
        online = await frame_of(watcher, "presence")
        assert online == {"type": "presence", "user_id": str(shivam.id), "online": True}
        assert presence.is_online(shivam.id)
        b.kill()  # no close frame, no disconnect handler: only the heartbeats stop
        started = time.monotonic()
        offline = await frame_of(watcher, "presence", timeout=ttl + 4)
        assert offline == online | {"online": False}
        assert time.monotonic() - started >= ttl - 1  # it did wait for the entry to expire
        assert not presence.is_online(shivam.id)
        await doomed.close()
