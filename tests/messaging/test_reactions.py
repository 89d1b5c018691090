"""PUT/DELETE /api/v1/chats/{id}/messages/{message_id}/reactions/{emoji} and `reactions` on messages."""

from __future__ import annotations

import uuid
from urllib.parse import quote

import pytest

from messaging.models import Reaction
from messaging.services.editing import add_reaction, edit_message, remove_reaction
from tests.factories import UserFactory
from tests.messaging.conftest import send
from tests.realtime import EventListener

pytestmark = pytest.mark.django_db


def reaction_url(chat_id, message_id, emoji):
    return f"/api/v1/chats/{chat_id}/messages/{message_id}/reactions/{quote(emoji, safe='')}"


@pytest.fixture
def posted(api, shahn, group):
    """A message of shahn's in the group (seq 2)."""
    return send(api(shahn), group["id"], "Pizza at noon?").json()


def test_it_adds_a_reaction_and_returns_the_message(api, shivam, group, posted):
    response = api(shivam).put(reaction_url(group["id"], posted["id"], "👍"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == posted["id"]
    assert body["reactions"] == [{"emoji": "👍", "count": 1, "me": True}]
    assert Reaction.objects.filter(message_id=posted["id"], user=shivam, emoji="👍").count() == 1


def test_adding_the_same_reaction_again_changes_nothing(api, shivam, group, posted):
    client = api(shivam)
    client.put(reaction_url(group["id"], posted["id"], "👍"))
    response = client.put(reaction_url(group["id"], posted["id"], "👍"))
    assert response.status_code == 200
    assert response.json()["reactions"] == [{"emoji": "👍", "count": 1, "me": True}]
    assert Reaction.objects.count() == 1


@pytest.mark.parametrize("emoji", ["👍🏽", "👩‍👩‍👧", "🏳️‍🌈", "🇩🇪", "#️⃣", "🫶🏾"])
def test_skin_tones_flags_and_joined_sequences_are_one_emoji(api, shivam, group, posted, emoji):
    response = api(shivam).put(reaction_url(group["id"], posted["id"], emoji))
    assert response.status_code == 200, response.content
    assert response.json()["reactions"] == [{"emoji": emoji, "count": 1, "me": True}]


def test_an_unqualified_heart_and_a_qualified_one_are_the_same_reaction(api, shivam, udit, group, posted):
    api(shivam).put(reaction_url(group["id"], posted["id"], "\u2764"))
    response = api(udit).put(reaction_url(group["id"], posted["id"], "\u2764\ufe0f"))
    assert response.json()["reactions"] == [{"emoji": "\u2764\ufe0f", "count": 2, "me": True}]


@pytest.mark.parametrize("raw", ["a", "👍👍", "👍x", ":thumbs_up:", "1", "%20", "a/b", "👍" * 40, "\u200d"])
def test_anything_but_one_emoji_is_400_invalid_emoji(api, shivam, group, posted, raw):
    client = api(shivam)
    for method in (client.put, client.delete):
        response = method(reaction_url(group["id"], posted["id"], raw))
        assert response.status_code == 400, (raw, response.content)
        assert response.json()["code"] == "invalid_emoji"
    assert not Reaction.objects.exists()


def test_the_21st_different_emoji_is_400_too_many_reactions(api, shivam, udit, group, posted):
    emojis = ["😀", "😃", "😄", "😁", "😆", "😅", "🤣", "😂", "🙂", "🙃",
              "😉", "😊", "😇", "🥰", "😍", "🤩", "😘", "😗", "😚", "😙"]
    for i, emoji in enumerate(emojis):
        assert api(shivam if i % 2 else udit).put(reaction_url(group["id"], posted["id"], emoji)).status_code == 200
    response = api(shivam).put(reaction_url(group["id"], posted["id"], "🤔"))
    assert (response.status_code, response.json()["code"]) == (400, "too_many_reactions")
    # one of the 20 already there may still be added by someone else
    assert api(shivam).put(reaction_url(group["id"], posted["id"], "😀")).status_code == 200
    assert Reaction.objects.values("emoji").distinct().count() == 20


def test_reactions_keep_the_order_each_emoji_first_appeared_and_me_is_per_viewer(api, shahn, shivam, udit,
                                                                                  group, posted):
    api(shivam).put(reaction_url(group["id"], posted["id"], "🎉"))
    api(udit).put(reaction_url(group["id"], posted["id"], "👍"))
    api(shahn).put(reaction_url(group["id"], posted["id"], "🎉"))
    history = api(udit).get(f"/api/v1/chats/{group['id']}/messages").json()["results"]
    assert history[-1]["reactions"] == [{"emoji": "🎉", "count": 2, "me": False},
                                        {"emoji": "👍", "count": 1, "me": True}]
    inbox = api(shahn).get("/api/v1/chats").json()["results"]
    assert inbox[0]["last_message"]["reactions"] == [{"emoji": "🎉", "count": 2, "me": True},
                                                     {"emoji": "👍", "count": 1, "me": False}]


def test_removing_a_reaction_is_204_and_404_when_you_had_not_reacted_so(api, shivam, udit, group, posted):
    api(shivam).put(reaction_url(group["id"], posted["id"], "👍"))
    assert api(udit).delete(reaction_url(group["id"], posted["id"], "👍")).status_code == 404
    assert api(shivam).delete(reaction_url(group["id"], posted["id"], "👎")).status_code == 404
    assert api(shivam).delete(reaction_url(group["id"], posted["id"], "👍")).status_code == 204
    assert not Reaction.objects.exists()
    assert api(shivam).delete(reaction_url(group["id"], posted["id"], "👍")).status_code == 404


def test_a_chat_or_message_you_cannot_see_is_404(api, shahn, kai, group, posted):
    stranger = UserFactory()
    assert api(stranger).put(reaction_url(group["id"], posted["id"], "👍")).status_code == 404
    assert api(shahn).put(reaction_url(group["id"], uuid.uuid4(), "👍")).status_code == 404
    assert api(stranger).put(reaction_url(group["id"], posted["id"], "nope")).status_code == 404


def test_a_tombstone_has_no_reactions_and_takes_none(api, shahn, shivam, group, posted):
    api(shivam).put(reaction_url(group["id"], posted["id"], "👍"))
    assert api(shahn).delete(f"/api/v1/chats/{group['id']}/messages/{posted['id']}").status_code == 204
    assert not Reaction.objects.exists()  # deletion erases them
    for method in (api(shivam).put, api(shivam).delete):
        response = method(reaction_url(group["id"], posted["id"], "👍"))
        assert (response.status_code, response.json()["code"]) == (409, "message_deleted")
    history = api(shivam).get(f"/api/v1/chats/{group['id']}/messages").json()["results"]
    assert history[-1]["deleted"] and history[-1]["reactions"] == []


def test_system_messages_take_no_reactions(api, shivam, group):
    system = api(shivam).get(f"/api/v1/chats/{group['id']}/messages").json()["results"][0]
    assert system["kind"] == "system"
    assert api(shivam).put(reaction_url(group["id"], system["id"], "👍")).status_code == 403


def test_reactions_change_neither_seqs_nor_unread_counts(api, shivam, udit, group, posted):
    before = api(udit).get(f"/api/v1/chats/{group['id']}").json()
    api(shivam).put(reaction_url(group["id"], posted["id"], "👍"))
    after = api(udit).get(f"/api/v1/chats/{group['id']}").json()
    assert (after["last_seq"], after["unread_count"]) == (before["last_seq"], before["unread_count"])


def test_each_change_sends_message_reactions_with_me_as_each_member_sees_it(
        api, shahn, shivam, udit, group, posted, django_capture_on_commit_callbacks):
    listener = EventListener(shahn, shivam, udit)
    with django_capture_on_commit_callbacks(execute=True):
        add_reaction(actor=udit, chat_id=group["id"], message_id=posted["id"], emoji="👍")
    with django_capture_on_commit_callbacks(execute=True):
        add_reaction(actor=shivam, chat_id=group["id"], message_id=posted["id"], emoji="👍")
    expected_user = {"id": str(shivam.id), "username": "shivam", "display_name": "Shivam", "avatar_url": None}
    for user, me in ((shahn, False), (shivam, True), (udit, True)):
        events = listener.events(user)
        assert [e["type"] for e in events] == ["message.reactions", "message.reactions"]
        assert events[1] == {"type": "message.reactions", "chat_id": group["id"], "message_id": posted["id"],
                             "seq": posted["seq"], "user": expected_user, "emoji": "👍", "added": True,
                             "reactions": [{"emoji": "👍", "count": 2, "me": me}]}
    # A new listener: the pub/sub layer forgets a channel whose receive timed out.
    listener = EventListener(shahn, shivam, udit)
    with django_capture_on_commit_callbacks(execute=True):
        remove_reaction(actor=shivam, chat_id=group["id"], message_id=posted["id"], emoji="👍")
    for user, me in ((shahn, False), (shivam, False), (udit, True)):
        (event,) = listener.events(user)
        assert (event["added"], event["reactions"]) == (False, [{"emoji": "👍", "count": 1, "me": me}])


def test_adding_a_reaction_again_sends_nothing(api, shahn, shivam, group, posted, django_capture_on_commit_callbacks):
    api(shivam).put(reaction_url(group["id"], posted["id"], "👍"))
    with django_capture_on_commit_callbacks() as callbacks:
        add_reaction(actor=shivam, chat_id=group["id"], message_id=posted["id"], emoji="👍")
    assert callbacks == []


def test_an_edit_event_carries_the_reactions_as_each_member_sees_them(
        api, shahn, shivam, udit, group, posted, django_capture_on_commit_callbacks):
    api(shivam).put(reaction_url(group["id"], posted["id"], "👍"))
    listener = EventListener(shahn, shivam)
    with django_capture_on_commit_callbacks(execute=True):
        edit_message(actor=shahn, chat_id=group["id"], message_id=posted["id"], text="Pizza at one?")
    (to_shahn,), (to_shivam,) = listener.events(shahn), listener.events(shivam)
    assert to_shahn["message"]["reactions"] == [{"emoji": "👍", "count": 1, "me": False}]
    assert to_shivam["message"]["reactions"] == [{"emoji": "👍", "count": 1, "me": True}]


def test_a_direct_chat_with_someone_no_longer_a_friend_takes_no_new_reactions(api, shahn, shivam, circle):
    from friends.services import unfriend

    chat = api(shahn).post("/api/v1/chats/direct", {"user": str(shivam.id)}, format="json").json()
    posted = send(api(shahn), chat["id"], "hi").json()
    unfriend(actor=shahn, user_id=shivam.id)
    response = api(shivam).put(reaction_url(chat["id"], posted["id"], "👍"))
    assert (response.status_code, response.json()["code"]) == (403, "not_friends")
