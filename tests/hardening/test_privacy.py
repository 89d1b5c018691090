"""Privacy: the data export, account deletion (site and API), deleted messages and left chats
gone from every API."""

from __future__ import annotations

import importlib
import json
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import AuthToken, User
from friends.models import FriendRequest, Friendship
from messaging.models import Chat, Message, Participant
from messaging.services.chats import create_group, leave_chat
from messaging.services.editing import delete_message, edit_message
from tests.conftest import client_for
from tests.factories import PASSWORD, UserFactory, befriend, direct_chat, say

PUBLIC_USER_KEYS = {"id", "username", "display_name", "avatar_url"}


def needs(*names: str) -> None:
    """Skip until the named functions (`module.attr`) have landed on this branch."""
    for name in names:
        module, _, attr = name.rpartition(".")
        if not hasattr(importlib.import_module(module), attr):
            pytest.skip(f"not on this branch yet: {name}")


def user_objects(value, path="$"):
    """Every nested object that looks like a user (has `username`), with where it was found."""
    if isinstance(value, dict):
        if "username" in value:
            yield path, value
        for key, item in value.items():
            if key != "profile":
                yield from user_objects(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from user_objects(item, f"{path}[{i}]")


# --- export ------------------------------------------------------------------------------------


def test_the_export_is_a_json_download_of_everything_the_person_may_see(shahn, shivam, udit, kai):
    chat = direct_chat(shahn, shivam)
    say(shahn, chat.id, "hello shivam")
    say(shivam, chat.id, "hi shahn")
    other = direct_chat(udit, kai)
    say(udit, other.id, "a secret between udit and kai")
    FriendRequest.objects.create(from_user=udit, to_user=shahn, greeting="let's be friends")

    response = client_for(shahn).get("/api/v1/me/export")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="chaat-export-shahn-')
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["profile"]["username"] == "shahn"
    assert [f["user"]["username"] for f in data["friends"]] == ["shivam"]
    assert [(r["from_user"]["username"], r["greeting"]) for r in data["friend_requests"]] == [
        ("udit", "let's be friends")]
    assert [c["id"] for c in data["chats"]] == [str(chat.id)]
    assert [m["text"] for m in data["messages"]] == ["hello shivam", "hi shahn"]
    assert "secret" not in response.content.decode()
    for where, user in user_objects(data):
        assert set(user) == PUBLIC_USER_KEYS, where
    for secret in ("password", "argon2", "digest", "token"):
        assert secret not in response.content.decode().lower()


def test_the_export_leaves_out_history_from_before_a_direct_chat_came_back(shahn, shivam):
    chat = direct_chat(shahn, shivam)
    say(shivam, chat.id, "before you left")
    Participant.objects.filter(chat=chat, user=shahn).delete()  # shahn deleted the chat for himself
    say(shivam, chat.id, "after you left")  # ...and it comes back with this message only
    data = client_for(shahn).get("/api/v1/me/export").json()
    assert [m["text"] for m in data["messages"]] == ["after you left"]


def test_the_export_takes_the_same_number_of_queries_for_1_and_50_of_everything(shahn):
    client = client_for(shahn)

    def grow_to(n: int) -> None:
        for i in range(Participant.objects.filter(user=shahn).count(), n):
            friend = UserFactory(username=f"friend{i}")
            say(shahn, direct_chat(shahn, friend).id, f"message {i}")

    counts = []
    for n in (1, 50):
        grow_to(n)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/me/export")
        assert len(response.json()["messages"]) == n
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_exports_are_rationed(shahn, settings):
    settings.THROTTLE_RATES = settings.THROTTLE_RATES | {"export": "2/hour"}
    client = client_for(shahn)
    assert [client.get("/api/v1/me/export").status_code for _ in range(3)] == [200, 200, 429]


# --- account deletion ----------------------------------------------------------------------------


def _shared_history(shahn, shivam, udit):
    """A direct chat that shivam stays in, and one that udit has already left."""
    kept = direct_chat(shahn, shivam)
    say(shahn, kept.id, "from shahn, kept")
    say(shivam, kept.id, "from shivam")
    purged = direct_chat(shahn, udit)
    say(shahn, purged.id, "nobody will read this")
    Participant.objects.filter(chat=purged, user=udit).delete()
    FriendRequest.objects.create(from_user=shahn, to_user=UserFactory(username="pending1"))
    return kept, purged


def _assert_account_gone(shahn_id, shivam, kept, purged):
    assert not User.objects.filter(pk=shahn_id).exists()
    assert not AuthToken.objects.filter(user_id=shahn_id).exists()
    assert not Friendship.objects.filter(user_low_id=shahn_id).exists()
    assert not Friendship.objects.filter(user_high_id=shahn_id).exists()
    assert not FriendRequest.objects.filter(from_user_id=shahn_id).exists()
    # Messages stay in chats someone is still in, as from a deleted user...
    assert list(kept.messages.order_by("seq").values_list("sender_id", "text")) == [
        (None, "from shahn, kept"), (shivam.id, "from shivam")]
    # ...and a chat with nobody left goes with its messages (the last-participant rule).
    assert not Chat.objects.filter(pk=purged.pk).exists()
    assert not Message.objects.filter(chat_id=purged.pk).exists()


def test_deleting_the_account_through_the_api(shahn, shivam, udit):
    kept, purged = _shared_history(shahn, shivam, udit)
    client, other_token = client_for(shahn), client_for(shahn)
    wrong = client.delete("/api/v1/me", {"password": "not-my-password"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_credentials"
    assert client.delete("/api/v1/me", {"password": PASSWORD}, format="json").status_code == 204
    _assert_account_gone(shahn.id, shivam, kept, purged)
    assert other_token.get("/api/v1/me").status_code == 401
    history = client_for(shivam).get(f"/api/v1/chats/{kept.id}/messages").json()["results"]
    assert [m["sender"] for m in history][:1] == [None]


def test_deleting_the_account_on_the_site(shahn, shivam, udit):
    kept, purged = _shared_history(shahn, shivam, udit)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(shahn)
    browser.get("/profile")
    response = browser.post("/profile", {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value,
                                         "action": "delete", "password": PASSWORD})
    assert response.status_code == 302
    _assert_account_gone(shahn.id, shivam, kept, purged)
    assert browser.get("/profile").status_code == 302  # signed out


# --- deleted messages and left chats ------------------------------------------------------------


def test_a_deleted_message_is_gone_from_every_api_and_the_database(shahn, shivam):
    needs("messaging.services.editing.delete_message", "messaging.services.editing.edit_message")
    chat = direct_chat(shahn, shivam)
    message = say(shahn, chat.id, "first draft")
    edit_message(actor=shahn, chat_id=chat.id, message_id=message.id, text="the secret")
    delete_message(actor=shahn, chat_id=chat.id, message_id=message.id)
    for user in (shahn, shivam):
        client = client_for(user)
        bodies = [
            client.get(f"/api/v1/chats/{chat.id}/messages").content,
            client.get(f"/api/v1/chats/{chat.id}").content,
            client.get("/api/v1/chats").content,
            client.get(f"/api/v1/chats/{chat.id}/messages/{message.id}/edits").content,
            client.get("/api/v1/me/export").content,
        ]
        for body in bodies:
            assert b"secret" not in body and b"first draft" not in body
    assert client_for(shivam).get(f"/api/v1/chats/{chat.id}/messages/{message.id}/edits").json()["results"] == []
    stored = Message.objects.get(pk=message.pk)
    assert stored.text == "" and stored.deleted
    tombstone = client_for(shivam).get(f"/api/v1/chats/{chat.id}/messages").json()["results"][0]
    assert tombstone["deleted"] is True and tombstone["text"] == ""


def test_a_left_chat_is_gone_from_every_api_for_the_leaver(shahn, shivam, udit):
    needs("messaging.services.chats.leave_chat", "messaging.services.chats.create_group")
    befriend(shahn, shivam)
    befriend(shahn, udit)
    group = create_group(actor=shahn, name="trio", member_ids=[shivam.id, udit.id])
    message = say(shivam, group.id, "a word before udit leaves")
    leave_chat(actor=udit, chat_id=group.id)
    say(shivam, group.id, "a word after udit left")
    client = client_for(udit)
    for path in (f"/api/v1/chats/{group.id}", f"/api/v1/chats/{group.id}/messages",
                 f"/api/v1/chats/{group.id}/messages/{message.id}/edits"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/api/v1/chats/{group.id}/messages",
                       {"kind": "text", "text": "hi", "client_id": str(uuid.uuid4())}, format="json").status_code == 404
    assert str(group.id) not in client.get("/api/v1/chats").content.decode()
    assert b"a word" not in client.get("/api/v1/me/export").content
