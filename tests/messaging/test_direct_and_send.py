from __future__ import annotations

import uuid

import pytest

from messaging.models import Chat, Message
from tests.concurrency import at_once
from tests.factories import UserFactory, befriend
from tests.messaging.conftest import send
from tests.realtime import EventListener

pytestmark = pytest.mark.django_db


def test_it_creates_the_direct_chat_once_and_then_returns_it(api, shahn, shivam):
    befriend(shahn, shivam)
    first = api(shahn).post("/api/v1/chats/direct", {"user": str(shivam.id)}, format="json")
    second = api(shivam).post("/api/v1/chats/direct", {"user": str(shahn.id)}, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert {m["username"] for m in first.json()["members"]} == {"shahn", "shivam"}


def test_a_direct_chat_needs_friends(api, shahn, udit):
    response = api(shahn).post("/api/v1/chats/direct", {"user": str(udit.id)}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_friends"


def test_sending_numbers_messages_from_one_and_moves_my_read_marker(api, shahn, direct):
    client = api(shahn)
    first, second = send(client, direct["id"], "one"), send(client, direct["id"], "two")
    assert (first.status_code, second.status_code) == (201, 201)
    assert (first.json()["seq"], second.json()["seq"]) == (1, 2)
    chat = client.get(f"/api/v1/chats/{direct['id']}").json()
    assert chat["last_seq"] == 2 and chat["last_read_seq"] == 2 and chat["unread_count"] == 0


def test_a_retry_with_the_same_client_id_returns_the_stored_message(api, shahn, direct):
    client_id = uuid.uuid4()
    first = send(api(shahn), direct["id"], "once", client_id)
    again = send(api(shahn), direct["id"], "once", client_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Message.objects.count() == 1


def test_the_other_member_sees_unread_and_the_event(api, shahn, shivam, direct, django_capture_on_commit_callbacks):
    listener = EventListener(shahn, shivam)
    with django_capture_on_commit_callbacks(execute=True):
        message = send(api(shahn), direct["id"], "hello").json()
    assert listener.events(shivam) == [{"type": "message.created", "chat_id": direct["id"], "message": message}]
    assert listener.types(shahn) == ["message.created"]
    assert listener.events(shivam) == []  # delivered once
    inbox = api(shivam).get("/api/v1/chats").json()
    assert inbox["results"][0]["unread_count"] == 1
    assert inbox["results"][0]["last_message"]["text"] == "hello"


def test_history_pages_by_seq(api, shahn, direct):
    client = api(shahn)
    for n in range(5):
        send(client, direct["id"], f"m{n}")
    page = client.get(f"/api/v1/chats/{direct['id']}/messages?limit=2").json()
    assert [m["seq"] for m in page["results"]] == [4, 5] and page["has_more"]
    older = client.get(f"/api/v1/chats/{direct['id']}/messages?before=4&limit=2").json()
    assert [m["seq"] for m in older["results"]] == [2, 3]
    newer = client.get(f"/api/v1/chats/{direct['id']}/messages?after=3").json()
    assert [m["seq"] for m in newer["results"]] == [4, 5] and not newer["has_more"]
    assert client.get(f"/api/v1/chats/{direct['id']}/messages?limit=0").status_code == 400
    assert client.get(f"/api/v1/chats/{direct['id']}/messages?before=x").status_code == 400


def test_a_chat_you_are_not_in_is_404(api, udit, direct):
    assert api(udit).get(f"/api/v1/chats/{direct['id']}").status_code == 404
    assert send(api(udit), direct["id"]).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_50_concurrent_senders_get_seqs_1_to_50_without_gaps(postgres, api):
    owner, friend = UserFactory(), UserFactory()
    befriend(owner, friend)
    chat_id = api(owner).post("/api/v1/chats/direct", {"user": str(friend.id)}, format="json").json()["id"]
    clients = [api(owner if i % 2 else friend) for i in range(50)]
    statuses = at_once(*[lambda c=c: send(c, chat_id).status_code for c in clients])
    assert statuses.count(201) == 50
    seqs = sorted(Message.objects.filter(chat_id=chat_id).values_list("seq", flat=True))
    assert seqs == list(range(1, 51))
    assert Chat.objects.get(pk=chat_id).last_seq == 50
