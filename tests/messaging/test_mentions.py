"""@mentions: parsed at send and edit time into `mentions`, counted in the chat's `unread_mentions`."""

from __future__ import annotations

import pytest

from messaging.models import Mention
from tests.factories import UserFactory, befriend
from tests.messaging.conftest import send

pytestmark = pytest.mark.django_db


def chat_of(client, chat_id):
    return client.get(f"/api/v1/chats/{chat_id}").json()


def test_a_message_mentions_the_members_it_names(api, shahn, shivam, udit, group):
    body = send(api(shahn), group["id"], "@Shivam and @udit: lunch? cc @shahn").json()
    assert body["mentions"] == [str(shivam.id), str(udit.id)]  # the sender is left out
    assert api(udit).get(f"/api/v1/chats/{group['id']}/messages").json()["results"][-1]["mentions"] == [
        str(shivam.id), str(udit.id)]


@pytest.mark.parametrize(("text", "mentioned"), [
    ("hi @shivam.", True),           # a full stop ends the sentence, not the name
    ("(@SHIVAM)", True),
    ("@shivam, @shivam!", True),
    ("hi @shivamx", False),          # the whole name only
    ("hi @shiva", False),
    ("mail shivam@shivam.dev", False),
    ("hi shivam", False),
    ("@@shivam", False),
])
def test_only_the_whole_name_after_an_at_sign_counts(api, shahn, shivam, group, text, mentioned):
    body = send(api(shahn), group["id"], text).json()
    assert body["mentions"] == ([str(shivam.id)] if mentioned else [])


def test_people_who_are_not_members_are_not_mentioned(api, shahn, kai, group):
    UserFactory(username="stranger")
    body = send(api(shahn), group["id"], "@kai @stranger").json()
    assert body["mentions"] == []
    assert not Mention.objects.exists()


def test_unread_mentions_counts_messages_that_mention_you_until_read(api, shahn, shivam, udit, group):
    first = send(api(shahn), group["id"], "@shivam look").json()
    send(api(udit), group["id"], "@shivam @shivam and again").json()
    send(api(udit), group["id"], "nothing for shivam here").json()
    shivam_view = chat_of(api(shivam), group["id"])
    assert (shivam_view["unread_mentions"], shivam_view["unread_count"]) == (2, 3)
    assert chat_of(api(udit), group["id"])["unread_mentions"] == 0
    api(shivam).post(f"/api/v1/chats/{group['id']}/read", {"seq": first["seq"]}, format="json")
    assert chat_of(api(shivam), group["id"])["unread_mentions"] == 1
    inbox = api(shivam).get("/api/v1/chats").json()["results"]
    assert inbox[0]["unread_mentions"] == 1


def test_an_edit_parses_mentions_again(api, shahn, shivam, udit, group):
    posted = send(api(shahn), group["id"], "@shivam hi").json()
    response = api(shahn).patch(f"/api/v1/chats/{group['id']}/messages/{posted['id']}",
                                {"text": "@udit hi"}, format="json")
    assert response.json()["mentions"] == [str(udit.id)]
    assert chat_of(api(shivam), group["id"])["unread_mentions"] == 0
    assert chat_of(api(udit), group["id"])["unread_mentions"] == 1


def test_a_deleted_message_mentions_nobody(api, shahn, shivam, group):
    posted = send(api(shahn), group["id"], "@shivam hi").json()
    api(shahn).delete(f"/api/v1/chats/{group['id']}/messages/{posted['id']}")
    assert chat_of(api(shivam), group["id"])["unread_mentions"] == 0
    history = api(shivam).get(f"/api/v1/chats/{group['id']}/messages").json()["results"]
    assert history[-1]["mentions"] == []


def test_a_direct_chat_mentions_the_other_person(api, shahn, kai):
    befriend(shahn, kai)
    chat = api(shahn).post("/api/v1/chats/direct", {"user": str(kai.id)}, format="json").json()
    assert send(api(shahn), chat["id"], "@kai!").json()["mentions"] == [str(kai.id)]
    assert chat_of(api(kai), chat["id"])["unread_mentions"] == 1
