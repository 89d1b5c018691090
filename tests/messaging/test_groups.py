from __future__ import annotations

import uuid

import pytest

from messaging.models import Chat, Message, Participant
from tests.factories import UserFactory, befriend
from tests.messaging.conftest import send
from tests.realtime import EventListener

pytestmark = pytest.mark.django_db


def members_of(chat):
    return {m["username"] for m in chat["members"]}


def history(client, chat_id):
    return client.get(f"/api/v1/chats/{chat_id}/messages").json()["results"]


def test_it_creates_a_group_owned_by_me_with_a_system_message(api, shahn, shivam, group):
    assert group["kind"] == "group" and group["name"] == "Lunch" and group["my_role"] == "owner"
    assert members_of(group) == {"shahn", "shivam", "udit"}
    theirs = api(shivam).get(f"/api/v1/chats/{group['id']}").json()
    assert theirs["my_role"] == "member"
    (created,) = history(api(shivam), group["id"])
    assert created["kind"] == "system" and created["sender"] is None and created["seq"] == 1
    assert "Lunch" in created["text"]
    assert theirs["unread_count"] == 0  # system messages never count


def test_group_members_must_be_my_friends_and_are_named(api, shahn, shivam, circle):
    stranger, unknown = UserFactory(), uuid.uuid4()
    body = {"name": "Mixed", "members": [str(shivam.id), str(stranger.id), str(unknown)]}
    response = api(shahn).post("/api/v1/chats/groups", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "not_friends"
    assert set(response.json()["fields"]["members"]) == {str(stranger.id), str(unknown)}
    assert not Chat.objects.exists()


def test_a_group_has_at_most_256_members_with_the_owner(api, shahn):
    friends = UserFactory.create_batch(256)
    for friend in friends:
        befriend(shahn, friend)
    body = {"name": "Crowd", "members": [str(f.id) for f in friends]}
    response = api(shahn).post("/api/v1/chats/groups", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "too_many_members"
    body["members"] = body["members"][:255]
    assert api(shahn).post("/api/v1/chats/groups", body, format="json").status_code == 201
    assert Participant.objects.count() == 256


def test_a_group_needs_a_name(api, shahn, circle):
    response = api(shahn).post("/api/v1/chats/groups", {"name": "  ", "members": []}, format="json")
    assert response.status_code == 400 and "name" in response.json()["fields"]


def test_the_owner_renames_and_members_may_not(api, shahn, shivam, group, django_capture_on_commit_callbacks):
    listener = EventListener(shahn, shivam)
    with django_capture_on_commit_callbacks(execute=True):
        renamed = api(shahn).patch(f"/api/v1/chats/{group['id']}", {"name": "Dinner"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "Dinner"
    events = listener.events(shivam)
    assert [e["type"] for e in events] == ["chat.updated", "message.created"]
    assert events[0]["chat"]["name"] == "Dinner" and events[0]["chat"]["my_role"] == "member"
    assert events[1]["message"]["kind"] == "system" and "Dinner" in events[1]["message"]["text"]
    refused = api(shivam).patch(f"/api/v1/chats/{group['id']}", {"name": "Mine"}, format="json")
    assert refused.status_code == 403
    assert Chat.objects.get(pk=group["id"]).name == "Dinner"


def test_a_direct_chat_cannot_be_renamed(api, shahn, shivam, circle):
    chat = api(shahn).post("/api/v1/chats/direct", {"user": str(shivam.id)}, format="json").json()
    assert api(shahn).patch(f"/api/v1/chats/{chat['id']}", {"name": "x"}, format="json").status_code == 403


def test_the_owner_adds_a_friend_and_everyone_hears(api, shahn, shivam, kai, group,
                                                    django_capture_on_commit_callbacks):
    listener = EventListener(shahn, shivam, kai)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(shahn).post(f"/api/v1/chats/{group['id']}/members", {"user": str(kai.id)}, format="json")
    assert response.status_code == 201
    assert members_of(response.json()) == {"shahn", "shivam", "udit", "kai"}
    kai_events = listener.events(kai)
    assert [e["type"] for e in kai_events] == ["chat.created", "message.created"]
    assert kai_events[0]["chat"]["my_role"] == "member"
    shivam_events = listener.events(shivam)
    assert [e["type"] for e in shivam_events] == ["chat.member_added", "message.created"]
    assert "kai" in {m["username"] for m in shivam_events[0]["chat"]["members"]}
    assert shivam_events[1]["message"]["text"] == "Shahn added Kai."
    # The newcomer sees the group's history.
    assert [m["seq"] for m in history(api(kai), group["id"])] == [1, 2]


def test_adding_someone_who_is_not_my_friend_is_400_not_friends(api, shahn, group):
    stranger = UserFactory()
    response = api(shahn).post(f"/api/v1/chats/{group['id']}/members", {"user": str(stranger.id)}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "not_friends" and response.json()["fields"] == {"user": [str(stranger.id)]}


def test_adding_a_member_twice_is_409(api, shahn, shivam, group):
    response = api(shahn).post(f"/api/v1/chats/{group['id']}/members", {"user": str(shivam.id)}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "already_member"


def test_a_plain_member_may_not_add_or_remove(api, shahn, shivam, udit, kai, group):
    befriend(shivam, kai)
    added = api(shivam).post(f"/api/v1/chats/{group['id']}/members", {"user": str(kai.id)}, format="json")
    assert added.status_code == 403
    assert api(shivam).delete(f"/api/v1/chats/{group['id']}/members/{udit.id}").status_code == 403


def test_an_admin_adds_their_friends_and_removes_members_but_not_the_owner(api, shahn, shivam, udit, kai, group):
    promoted = api(shahn).patch(f"/api/v1/chats/{group['id']}/members/{shivam.id}", {"role": "admin"}, format="json")
    assert promoted.status_code == 200
    befriend(shivam, kai)
    assert api(shivam).post(f"/api/v1/chats/{group['id']}/members", {"user": str(kai.id)},
                            format="json").status_code == 201
    assert api(shivam).delete(f"/api/v1/chats/{group['id']}/members/{shahn.id}").status_code == 403
    assert api(shivam).delete(f"/api/v1/chats/{group['id']}/members/{udit.id}").status_code == 204
    assert api(shivam).patch(f"/api/v1/chats/{group['id']}/members/{kai.id}", {"role": "admin"},
                             format="json").status_code == 403


def test_removing_a_member_tells_them_chat_deleted_and_the_others_member_removed(
        api, shahn, shivam, udit, group, django_capture_on_commit_callbacks):
    listener = EventListener(shahn, shivam, udit)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(shahn).delete(f"/api/v1/chats/{group['id']}/members/{udit.id}")
    assert response.status_code == 204
    assert listener.events(udit) == [{"type": "chat.deleted", "chat_id": group["id"]}]
    events = listener.events(shivam)
    assert [e["type"] for e in events] == ["chat.member_removed", "message.created"]
    assert members_of(events[0]["chat"]) == {"shahn", "shivam"}
    assert events[1]["message"]["text"] == "Shahn removed Udit."
    assert api(udit).get(f"/api/v1/chats/{group['id']}").status_code == 404
    assert api(shahn).delete(f"/api/v1/chats/{group['id']}/members/{udit.id}").status_code == 404


def test_a_member_leaves_by_removing_themself(api, shahn, shivam, group, django_capture_on_commit_callbacks):
    listener = EventListener(shahn, shivam)
    with django_capture_on_commit_callbacks(execute=True):
        assert api(shivam).delete(f"/api/v1/chats/{group['id']}/members/{shivam.id}").status_code == 204
    assert listener.types(shivam) == ["chat.deleted"]
    assert listener.types(shahn) == ["chat.member_removed", "message.created"]
    assert history(api(shahn), group["id"])[-1]["text"] == "Shivam left."


def test_when_the_owner_leaves_the_oldest_admin_becomes_owner(api, shahn, shivam, udit, group):
    api(shahn).patch(f"/api/v1/chats/{group['id']}/members/{udit.id}", {"role": "admin"}, format="json")
    assert api(shahn).delete(f"/api/v1/chats/{group['id']}").status_code == 204
    assert api(udit).get(f"/api/v1/chats/{group['id']}").json()["my_role"] == "owner"
    assert api(shivam).get(f"/api/v1/chats/{group['id']}").json()["my_role"] == "member"
    texts = [m["text"] for m in history(api(shivam), group["id"])]
    assert texts[-2:] == ["Shahn left.", "Udit is now the owner."]


def test_when_the_owner_leaves_without_admins_the_oldest_member_becomes_owner(api, shahn, shivam, udit, kai, group):
    api(shahn).post(f"/api/v1/chats/{group['id']}/members", {"user": str(kai.id)}, format="json")
    Participant.objects.filter(chat_id=group["id"], user=udit).update(joined_at="2000-01-01T00:00:00Z")
    api(shahn).delete(f"/api/v1/chats/{group['id']}")
    assert api(udit).get(f"/api/v1/chats/{group['id']}").json()["my_role"] == "owner"


def test_the_last_one_out_deletes_the_group_and_its_messages(api, shahn, shivam, udit, group):
    send(api(shivam), group["id"], "bye")
    for user in (shahn, shivam, udit):
        assert api(user).delete(f"/api/v1/chats/{group['id']}").status_code == 204
    assert not Chat.objects.filter(pk=group["id"]).exists()
    assert not Message.objects.exists()


def test_a_group_owner_may_delete_others_messages_but_members_may_not(api, shahn, shivam, udit, group):
    message = send(api(udit), group["id"], "oops").json()
    assert api(shivam).delete(f"/api/v1/chats/{group['id']}/messages/{message['id']}").status_code == 403
    assert api(shahn).delete(f"/api/v1/chats/{group['id']}/messages/{message['id']}").status_code == 204
    assert Message.objects.get(pk=message["id"]).deleted


def test_a_removed_member_can_no_longer_send(api, shahn, udit, group):
    api(shahn).delete(f"/api/v1/chats/{group['id']}/members/{udit.id}")
    assert send(api(udit), group["id"]).status_code == 404


def test_creating_a_group_tells_every_member(api, shahn, shivam, udit, circle, django_capture_on_commit_callbacks):
    listener = EventListener(shahn, shivam, udit)
    body = {"name": "Lunch", "members": [str(shivam.id), str(udit.id)]}
    with django_capture_on_commit_callbacks(execute=True):
        group = api(shahn).post("/api/v1/chats/groups", body, format="json").json()
    for user, role in ((shahn, "owner"), (shivam, "member"), (udit, "member")):
        created, message = listener.events(user)
        assert created["type"] == "chat.created" and created["chat"]["id"] == group["id"]
        assert created["chat"]["my_role"] == role
        assert message["type"] == "message.created" and message["message"]["kind"] == "system"


def test_changing_a_role_tells_the_members(api, shahn, shivam, group, django_capture_on_commit_callbacks):
    listener = EventListener(shivam)
    with django_capture_on_commit_callbacks(execute=True):
        api(shahn).patch(f"/api/v1/chats/{group['id']}/members/{shivam.id}", {"role": "admin"}, format="json")
    (event,) = listener.events(shivam)
    assert event["type"] == "chat.updated" and event["chat"]["my_role"] == "admin"
