"""F5: a chat row locked by another transaction. Sends wait at most `lock_timeout`, then answer
503 `database_unavailable` (HTTP) or an `error` frame with that code (socket), store nothing, and
land once when retried with the same client_id. Real server process, real PostgreSQL locks."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import httpx
import orjson
import pytest
import websockets
from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import connection, transaction

from accounts.services import issue_token
from messaging.models import Chat
from tests.hardening.test_faults import assert_nothing_lost_or_doubled, direct_chat, send
from tests.images import png_bytes

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]

LOCK_TIMEOUT = 3.0  # the default of DATABASE_LOCK_TIMEOUT


def test_postgresql_connections_give_up_on_a_lock_after_the_lock_timeout(postgres):
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == f"{LOCK_TIMEOUT:.0f}s"


async def send_over_socket(url: str, token: str, chat_id, client_id: str) -> tuple[dict, float]:
    async with websockets.connect(url, additional_headers={"Authorization": f"Token {token}"}) as ws:
        await ws.send('{"type":"ping"}')
        while orjson.loads(await ws.recv())["type"] != "pong":
            pass
        started = time.monotonic()
        await ws.send(orjson.dumps({"type": "message.send", "chat_id": str(chat_id), "client_id": client_id,
                                    "kind": "text", "text": "over the socket"}).decode())
        while True:
            frame = orjson.loads(await ws.recv())
            if frame["type"] in {"error", "message.ack"}:
                return frame, time.monotonic() - started


def test_a_send_to_a_locked_chat_waits_at_most_the_lock_timeout_then_503_and_stores_nothing(
        live_servers, shahn, shivam):
    chat = direct_chat(shahn, shivam)
    [server] = live_servers(1)
    token = issue_token(user=shahn)
    client = httpx.Client(base_url=server.url(""), timeout=30, headers={"Authorization": f"Token {token}"})
    acked: dict[str, str] = {}
    first = str(uuid.uuid4())
    acked[first] = send(client, chat.id, first, "before the lock").json()["id"]

    over_http, over_socket = str(uuid.uuid4()), str(uuid.uuid4())
    with transaction.atomic():  # a stuck transaction holding the chat row, as a send does
        Chat.objects.select_for_update().get(pk=chat.id)
        started = time.monotonic()
        response = send(client, chat.id, over_http, "over HTTP")
        http_wait = time.monotonic() - started
        frame, socket_wait = async_to_sync(send_over_socket)(server.ws_url(), token, chat.id, over_socket)
        # An image is written to storage before the row waits for the lock: it must not stay.
        with_image = client.post(f"/api/v1/chats/{chat.id}/messages",
                                 data={"kind": "image", "client_id": str(uuid.uuid4())},
                                 files={"image": ("photo.png", png_bytes(), "image/png")})
        assert client.get("/healthz").status_code == 200, "a locked row is not an outage"

    assert response.status_code == 503, response.text
    assert response.json()["code"] == "database_unavailable"
    assert int(response.headers["Retry-After"]) >= 1
    assert frame["type"] == "error" and frame["code"] == "database_unavailable"
    assert frame["client_id"] == over_socket and frame["retry_after"] >= 1
    for waited in (http_wait, socket_wait):
        assert LOCK_TIMEOUT - 0.2 <= waited < LOCK_TIMEOUT + 1.5, f"waited {waited:.2f} s for the lock"
    assert with_image.status_code == 503 and with_image.json()["code"] == "database_unavailable"
    assert chat.messages.count() == 1, "a send that timed out stored something"
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()], "image files left behind"

    # The lock is gone: the client retries both with their client_ids, each lands once.
    for client_id in (over_http, over_socket):
        retried = send(client, chat.id, client_id, "retried")
        assert retried.status_code == 201
        acked[client_id] = retried.json()["id"]
    assert_nothing_lost_or_doubled(chat.id, acked)
    chat.refresh_from_db()
    assert chat.last_seq == 3
    print(f"\nF5: lock_timeout {LOCK_TIMEOUT:.0f} s; HTTP send answered 503 after {http_wait:.2f} s, "
          f"socket send an error frame after {socket_wait:.2f} s; retries stored once, seq 1..3")
