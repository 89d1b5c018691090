"""Reactions and mentions through real HTTP and sockets on two server processes (tests/servers.py)."""

from __future__ import annotations

import uuid
from urllib.parse import quote

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.live.conftest import run_async
from tests.live.test_servers import auth, frame_of

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]


@run_async
async def test_reactions_and_mentions_hold_across_two_processes(live_servers, postgres, redis, cast, shivam):
    a, b = live_servers(2)
    chat = cast["chat"]
    async with (
        httpx.AsyncClient(base_url=a.url(), headers=auth(cast["shahn"])) as shahn_on_a,
        httpx.AsyncClient(base_url=b.url(), headers=auth(cast["shivam"])) as shivam_on_b,
        connect(b.ws_url(), additional_headers=auth(cast["shivam"])) as shivam_ws_b,
        connect(a.ws_url(), additional_headers=auth(cast["shahn"])) as shahn_ws_a,
    ):
        for ws in (shivam_ws_b, shahn_ws_a):
            await ws.send('{"type": "ping"}')
            await frame_of(ws, "pong")
        body = {"kind": "text", "text": "@Shivam ready?", "client_id": str(uuid.uuid4())}
        sent = (await shahn_on_a.post(f"/api/v1/chats/{chat}/messages", json=body)).json()
        assert sent["mentions"] == [str(shivam.id)] and sent["reactions"] == []
        assert (await shivam_on_b.get(f"/api/v1/chats/{chat}")).json()["unread_mentions"] == 1

        url = f"/api/v1/chats/{chat}/messages/{sent['id']}/reactions/{quote('👍🏾')}"
        response = await shivam_on_b.put(url)
        assert response.status_code == 200
        assert response.json()["reactions"] == [{"emoji": "👍🏾", "count": 1, "me": True}]
        to_shahn = await frame_of(shahn_ws_a, "message.reactions")
        to_shivam = await frame_of(shivam_ws_b, "message.reactions")
        assert (to_shahn["user"]["id"], to_shahn["emoji"], to_shahn["added"]) == (str(shivam.id), "👍🏾", True)
        assert to_shahn["reactions"] == [{"emoji": "👍🏾", "count": 1, "me": False}]
        assert to_shivam["reactions"] == [{"emoji": "👍🏾", "count": 1, "me": True}]

        assert (await shivam_on_b.delete(url)).status_code == 204
        removed = await frame_of(shahn_ws_a, "message.reactions")
        assert (removed["added"], removed["reactions"]) == (False, [])
        assert (await shivam_on_b.delete(url)).status_code == 404
        history = (await shahn_on_a.get(f"/api/v1/chats/{chat}/messages")).json()["results"]
        assert history[-1]["reactions"] == []
