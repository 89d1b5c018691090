"""Pushes end to end: two server processes, the real worker, a push service on loopback. A member
with no open socket gets a push for a message in a chat set to `all` (and for a mention where set to
`mentions`), not where set to `none` or muted, nor while a socket of theirs is open; with the worker
stopped the pushes wait in the queue and go out when it starts."""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone
from websockets.sync.client import connect

from accounts.services import issue_token
from messaging.models import Message
from messaging.services.chats import create_group
from tests.factories import UserFactory, befriend
from tests.notifications.conftest import BrowserKeys

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}"}


def test_pushes_reach_only_those_who_should_hear_across_two_processes_and_survive_a_stopped_worker(
        live_servers, live_workers, push_service, postgres, redis):
    people = {name: UserFactory(username=name, display_name=name.title())
              for name in ("shahn", "shivam", "udit", "kai", "wendy", "jorden")}
    for name, person in people.items():
        if name != "shahn":
            befriend(people["shahn"], person)
    group = create_group(actor=people["shahn"], name="Lunch",
                         member_ids=[p.id for n, p in people.items() if n != "shahn"])
    tokens = {name: issue_token(user=person) for name, person in people.items()}
    a, b = live_servers(2, PUSH_ALLOWED_HOSTS=push_service.host)

    keys = {}
    for i, name in enumerate(("shivam", "udit", "kai", "wendy", "jorden")):
        server = (a, b)[i % 2]
        keys[name] = BrowserKeys()
        response = httpx.post(server.url("/api/v1/push/subscriptions"), headers=auth(tokens[name]),
                              json={"endpoint": f"{push_service.base}/push/{name}", "keys": keys[name].keys})
        assert response.status_code == 201, response.text
    settings_of = {"udit": {"notify": "none"}, "jorden": {"notify": "mentions"},
                   "kai": {"muted_until": (timezone.now() + timedelta(hours=1)).isoformat()}}
    for name, changes in settings_of.items():
        assert httpx.patch(b.url(f"/api/v1/chats/{group.id}/me"), headers=auth(tokens[name]), json=changes).status_code == 200

    with connect(b.ws_url(), additional_headers=auth(tokens["wendy"])) as wendy_online:
        wendy_online.send(json.dumps({"type": "ping"}))
        while json.loads(wendy_online.recv(timeout=5))["type"] != "pong":
            pass
        sent = []
        for server, text in ((a, "Lunch at one?"), (b, "@jorden are you in?")):
            response = httpx.post(server.url(f"/api/v1/chats/{group.id}/messages"), headers=auth(tokens["shahn"]),
                                  json={"kind": "text", "text": text, "client_id": str(uuid.uuid4())})
            assert response.status_code == 201, response.text
            sent.append(response.json())
        time.sleep(1.5)
        assert push_service.received == []  # no worker running: nothing goes out, nothing is lost

        live_workers(1, PUSH_ALLOWED_HOSTS=push_service.host)
        mentions = hasattr(Message, "mentions")
        expected = {("shivam", sent[0]["seq"]), ("shivam", sent[1]["seq"])} | (
            {("jorden", sent[1]["seq"])} if mentions else set())
        received = push_service.wait(len(expected), timeout=30)
        time.sleep(1)  # and nothing more comes

    got = set()
    for push in push_service.received:
        name = push.path.rsplit("/", 1)[1]
        payload = push.decrypt(keys[name])
        assert payload["chat_id"] == str(group.id)
        assert payload["title"] == "Shahn · Lunch"
        got.add((name, payload["seq"]))
    assert got == expected
    assert len(received) == len(expected)
