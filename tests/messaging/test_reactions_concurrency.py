"""Reactions under real concurrency: threads on PostgreSQL, each with its own connection."""

from __future__ import annotations

import pytest

from messaging.models import Reaction
from tests.concurrency import at_once
from tests.factories import UserFactory, befriend
from tests.messaging.conftest import send
from tests.messaging.test_reactions import reaction_url
from tests.realtime import EventListener

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def crowd(api):
    """A group of 20 (the owner and 19 friends) and a message in it."""
    owner, *others = UserFactory.create_batch(20)
    for other in others:
        befriend(owner, other)
    body = {"name": "Crowd", "members": [str(o.id) for o in others]}
    chat_id = api(owner).post("/api/v1/chats/groups", body, format="json").json()["id"]
    message = send(api(owner), chat_id, "Who is in?").json()
    return chat_id, message, [owner, *others]


def test_20_members_reacting_with_the_same_emoji_at_once_count_20_with_20_events(postgres, redis, api, crowd):
    chat_id, message, members = crowd
    clients = [api(member) for member in members]
    listener = EventListener(members[0])
    url = reaction_url(chat_id, message["id"], "🙋")
    responses = at_once(*[lambda c=c: c.put(url) for c in clients])
    assert [r.status_code for r in responses] == [200] * 20
    assert Reaction.objects.filter(message_id=message["id"], emoji="🙋").count() == 20
    events = [e for e in listener.events(members[0], timeout=1) if e["type"] == "message.reactions"]
    assert len(events) == 20
    assert sorted(e["user"]["id"] for e in events) == sorted(str(m.id) for m in members)
    assert max(e["reactions"][0]["count"] for e in events) == 20
    history = clients[5].get(f"/api/v1/chats/{chat_id}/messages").json()["results"]
    assert history[-1]["reactions"] == [{"emoji": "🙋", "count": 20, "me": True}]


def test_one_member_toggling_quickly_ends_consistent(postgres, api, crowd):
    chat_id, message, members = crowd
    client = api(members[3])
    url = reaction_url(chat_id, message["id"], "🔥")
    calls = [(lambda: client.put(url)) if i % 2 == 0 else (lambda: client.delete(url)) for i in range(16)]
    responses = at_once(*calls)
    assert {r.status_code for r in responses} <= {200, 204, 404}
    rows = Reaction.objects.filter(message_id=message["id"], user=members[3]).count()
    assert rows in (0, 1)
    shown = client.get(f"/api/v1/chats/{chat_id}/messages").json()["results"][-1]["reactions"]
    assert shown == ([{"emoji": "🔥", "count": 1, "me": True}] if rows else [])
    # the last word is the last call: a final add leaves exactly one reaction
    assert client.put(url).json()["reactions"] == [{"emoji": "🔥", "count": 1, "me": True}]


def test_the_20_emoji_limit_holds_when_different_emoji_arrive_at_once(postgres, api, crowd):
    chat_id, message, members = crowd
    emojis = ["😀", "😃", "😄", "😁", "😆", "😅", "🤣", "😂", "🙂", "🙃",
              "😉", "😊", "😇", "🥰", "😍", "🤩", "😘", "😗", "😚", "😙"]
    for emoji in emojis[:18]:
        api(members[0]).put(reaction_url(chat_id, message["id"], emoji))
    late = ["🍕", "🍔", "🌮", "🍣", "🥗"]
    responses = at_once(*[lambda m=m, e=e: api(m).put(reaction_url(chat_id, message["id"], e))
                          for m, e in zip(members[1:6], late, strict=True)])
    assert sorted(r.status_code for r in responses) == [200, 200, 400, 400, 400]
    assert Reaction.objects.filter(message_id=message["id"]).values("emoji").distinct().count() == 20
