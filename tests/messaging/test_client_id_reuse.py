"""A retried `client_id` is the same chat and the same content: the stored message, 200. The same
`client_id` from the same person to another chat, or with other content, is 409
`client_id_reused` (contract v1.1, clarifications)."""

from __future__ import annotations

import uuid

import pytest

from messaging.models import Message
from tests.messaging.conftest import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_chats(api, shahn, shivam, udit, circle):
    first = api(shahn).post("/api/v1/chats/direct", {"user": str(shivam.id)}, format="json").json()
    second = api(shahn).post("/api/v1/chats/direct", {"user": str(udit.id)}, format="json").json()
    return first["id"], second["id"]


def test_a_retry_returns_the_stored_message(api, shahn, two_chats):
    client_id = uuid.uuid4()
    first = send(api(shahn), two_chats[0], "hello", client_id=client_id)
    again = send(api(shahn), two_chats[0], "  hello ", client_id=client_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]


def test_the_same_client_id_in_another_chat_is_409(api, shahn, two_chats):
    client_id = uuid.uuid4()
    assert send(api(shahn), two_chats[0], "hello", client_id=client_id).status_code == 201
    response = send(api(shahn), two_chats[1], "hello", client_id=client_id)
    assert response.status_code == 409
    assert response.json()["code"] == "client_id_reused"
    assert Message.objects.filter(chat_id=two_chats[1]).count() == 0


def test_the_same_client_id_with_other_content_is_409(api, shahn, two_chats):
    client_id = uuid.uuid4()
    assert send(api(shahn), two_chats[0], "hello", client_id=client_id).status_code == 201
    response = send(api(shahn), two_chats[0], "something else", client_id=client_id)
    assert response.status_code == 409
    assert response.json()["code"] == "client_id_reused"
    sticker = api(shahn).get("/api/v1/stickers").json()["results"][0]["id"]
    response = api(shahn).post(f"/api/v1/chats/{two_chats[0]}/messages",
                               {"kind": "sticker", "sticker": sticker, "client_id": str(client_id)}, format="json")
    assert response.status_code == 409


def test_a_retry_of_a_message_edited_since_still_returns_it(api, shahn, two_chats):
    client_id = uuid.uuid4()
    first = send(api(shahn), two_chats[0], "hello", client_id=client_id).json()
    api(shahn).patch(f"/api/v1/chats/{two_chats[0]}/messages/{first['id']}", {"text": "hello!"}, format="json")
    again = send(api(shahn), two_chats[0], "hello", client_id=client_id)
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
