"""Done-when of issue 14: three members of one group reading en, de and es each get the others'
messages in their own language, over two server processes, translated in the background by the
worker, events arriving on their sockets."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from accounts.services import issue_token
from tests.live.conftest import run_async

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]


async def frames_of(ws: ClientConnection, type_: str, n: int, timeout: float) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    found = []
    while len(found) < n:
        frame = json.loads(await asyncio.wait_for(ws.recv(), deadline - time.monotonic()))
        if frame["type"] == type_:
            found.append(frame)
    return found


@pytest.fixture
def tokens(shahn, shivam, udit):
    return {user.username: issue_token(user=user) for user in (shahn, shivam, udit)}


@run_async
async def test_three_languages_each_read_the_others_in_their_own(live_servers, live_workers, libretranslate,
                                                                 babel, tokens):
    env = {"TRANSLATION_URL": libretranslate.url}
    a, b = live_servers(2, **env)
    live_workers(1, **env)
    chat = babel["id"]
    headers = {name: {"Authorization": f"Token {token}"} for name, token in tokens.items()}
    said = {"shahn": "Hello friends", "shivam": "Guten Morgen", "udit": "Gracias amigos"}
    async with (
        connect(a.ws_url(), additional_headers=headers["shahn"]) as shahn_ws,
        connect(b.ws_url(), additional_headers=headers["shivam"]) as shivam_ws,
        connect(b.ws_url(), additional_headers=headers["udit"]) as udit_ws,
    ):
        sockets = {"shahn": shahn_ws, "shivam": shivam_ws, "udit": udit_ws}
        for name, server in (("shahn", a), ("shivam", b), ("udit", a)):
            async with httpx.AsyncClient(base_url=server.url(), headers=headers[name]) as client:
                response = await client.patch(f"/api/v1/chats/{chat}/me", json={"auto_translate": True})
                assert response.status_code == 200
        for ws in sockets.values():  # each socket is subscribed before the sends
            await ws.send(json.dumps({"type": "ping"}))
        for name, server in (("shahn", a), ("shivam", b), ("udit", a)):
            async with httpx.AsyncClient(base_url=server.url(), headers=headers[name]) as client:
                started = time.monotonic()
                response = await client.post(f"/api/v1/chats/{chat}/messages", json={
                    "kind": "text", "text": said[name], "client_id": str(uuid.uuid4())})
                assert response.status_code == 201
                assert time.monotonic() - started < 1
        got = {name: await frames_of(ws, "message.translated", 2, timeout=20) for name, ws in sockets.items()}
    texts = {name: sorted(frame["text"] for frame in frames) for name, frames in got.items()}
    assert texts == {
        "shahn": ["Good Morning", "Thanks friends"],
        "shivam": ["Danke freunde", "Hallo freunde"],
        "udit": ["Buenos Mañana", "Hola amigos"],
    }
    assert {frame["to"] for frame in got["shivam"]} == {"de"}
    # The history as each reads it now carries the translations.
    async with httpx.AsyncClient(base_url=b.url(), headers=headers["shivam"]) as client:
        history = (await client.get(f"/api/v1/chats/{chat}/messages")).json()["results"]
    assert [m["translation"] and m["translation"]["text"] for m in history[1:]] == [
        "Hallo freunde", None, "Danke freunde"]
