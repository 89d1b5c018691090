"""The inbox and history pages cost the same number of queries at 1 and at 50 items."""

from __future__ import annotations

import uuid

import pytest

from messaging.services.chats import get_or_create_direct_chat
from messaging.services.editing import add_reaction
from messaging.services.sending import send_message
from tests.factories import UserFactory, befriend

pytestmark = pytest.mark.django_db


def make_chats(owner, n):
    for _ in range(n):
        friend = UserFactory()
        befriend(owner, friend)
        chat, _created = get_or_create_direct_chat(actor=owner, other_id=friend.id)
        message, _ = send_message(actor=friend, chat_id=chat.id, client_id=uuid.uuid4(), kind="text",
                                  text=f"hi @{owner.username}")
        for emoji in ("👍", "🎉"):
            add_reaction(actor=owner, chat_id=chat.id, message_id=message.id, emoji=emoji)
        add_reaction(actor=friend, chat_id=chat.id, message_id=message.id, emoji="👍")
    return chat


@pytest.mark.parametrize("n", [1, 50])
def test_the_inbox_costs_a_constant_number_of_queries(api, shahn, n, django_assert_num_queries):
    make_chats(shahn, n)
    client = api(shahn)
    # auth token, user throttle bookkeeping aside: the page itself is 4 queries
    # (participations with unread counts and mentions, members, last messages, their reactions).
    with django_assert_num_queries(5):
        response = client.get("/api/v1/chats")
    assert len(response.json()["results"]) == n
    assert all(c["unread_count"] == 1 for c in response.json()["results"])
    assert all(c["unread_mentions"] == 1 for c in response.json()["results"])
    assert all(c["last_message"]["reactions"] == [{"emoji": "👍", "count": 2, "me": True},
                                                  {"emoji": "🎉", "count": 1, "me": True}]
               for c in response.json()["results"])


@pytest.mark.parametrize("n", [1, 50])
def test_the_history_costs_a_constant_number_of_queries(api, shahn, n, django_assert_num_queries):
    chat = make_chats(shahn, 1)
    for i in range(n - 1):
        message, _ = send_message(actor=shahn, chat_id=chat.id, client_id=uuid.uuid4(), kind="text",
                                  text=f"m{i}")
        add_reaction(actor=shahn, chat_id=chat.id, message_id=message.id, emoji="❤️")
    client = api(shahn)
    with django_assert_num_queries(4):  # token, participation, messages, their reactions
        response = client.get(f"/api/v1/chats/{chat.id}/messages")
    assert len(response.json()["results"]) == n
    assert all(m["reactions"] for m in response.json()["results"])


@pytest.mark.parametrize("n", [1, 50])
def test_the_inbox_page_of_the_site_costs_a_constant_number_of_queries(client, shahn, n, django_assert_num_queries):
    make_chats(shahn, n)
    client.force_login(shahn)
    client.get("/chats")  # the session's first load is not what is measured
    with django_assert_num_queries(7):
        response = client.get("/chats")
    assert response.content.count(b'class="chat-row') == n
