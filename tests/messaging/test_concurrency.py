"""Races settled by the database: real threads on PostgreSQL."""

from __future__ import annotations

import pytest

from messaging.models import Chat, Message, Participant
from tests.concurrency import at_once
from tests.factories import UserFactory, befriend
from tests.messaging.conftest import send


@pytest.mark.django_db(transaction=True)
def test_50_concurrent_senders_in_one_group_get_the_next_50_seqs_without_gaps(postgres, api):
    """Seq 1 is the group's creation notice; the 50 sends take 2..51, none lost, none twice."""
    owner, *others = UserFactory.create_batch(5)
    for other in others:
        befriend(owner, other)
    body = {"name": "Busy", "members": [str(o.id) for o in others]}
    chat_id = api(owner).post("/api/v1/chats/groups", body, format="json").json()["id"]
    users = [owner, *others]
    clients = [api(users[i % len(users)]) for i in range(50)]
    statuses = at_once(*[lambda c=c: send(c, chat_id).status_code for c in clients])
    assert statuses == [201] * 50
    sent = Message.objects.filter(chat_id=chat_id).exclude(kind="system")
    assert sorted(sent.values_list("seq", flat=True)) == list(range(2, 52))
    assert sorted(Message.objects.filter(chat_id=chat_id).values_list("seq", flat=True)) == list(range(1, 52))
    assert Chat.objects.get(pk=chat_id).last_seq == 51
    for user in users:  # each sender's read marker sits on one of their own messages
        marker = Participant.objects.get(chat_id=chat_id, user=user).last_read_seq
        assert Message.objects.filter(chat_id=chat_id, seq=marker, sender=user).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_both_sides_opening_a_direct_chat_at_once_get_one_chat(postgres, api, attempt):
    a, b = UserFactory(), UserFactory()
    befriend(a, b)
    client_a, client_b = api(a), api(b)
    responses = at_once(*[
        lambda: client_a.post("/api/v1/chats/direct", {"user": str(b.id)}, format="json"),
        lambda: client_b.post("/api/v1/chats/direct", {"user": str(a.id)}, format="json"),
    ])
    assert sorted(r.status_code for r in responses) == [200, 201]
    assert responses[0].json()["id"] == responses[1].json()["id"]
    assert Chat.objects.count() == 1
    assert Participant.objects.count() == 2
