"""A member removed from a group (or who left) and added again sees the chat from their return
on, like a direct chat that comes back: what was said while they were out stays hidden
(contract v1.1, clarifications). Someone added for the first time sees the group's history."""

from __future__ import annotations

import pytest

from tests.messaging.conftest import send

pytestmark = pytest.mark.django_db


def texts(client, chat_id):
    return [m["text"] for m in client.get(f"/api/v1/chats/{chat_id}/messages").json()["results"]]


@pytest.fixture
def group(api, shahn, shivam, udit, circle):
    body = {"name": "Lunch", "members": [str(shivam.id), str(udit.id)]}
    chat = api(shahn).post("/api/v1/chats/groups", body, format="json").json()
    send(api(shivam), chat["id"], "before")
    return chat


@pytest.mark.parametrize("how", ["removed", "left"])
def test_a_member_added_again_sees_only_what_came_after_their_return(api, shahn, shivam, udit, group, how):
    owner, chat_id = api(shahn), group["id"]
    out = owner if how == "removed" else api(udit)
    assert out.delete(f"/api/v1/chats/{chat_id}/members/{udit.id}").status_code == 204
    secret = send(api(shivam), chat_id, "while udit was out").json()
    assert owner.post(f"/api/v1/chats/{chat_id}/members", {"user": str(udit.id)}, format="json").status_code == 201
    send(api(shivam), chat_id, "after")
    back = api(udit)
    seen = texts(back, chat_id)
    assert "while udit was out" not in seen and "before" not in seen
    assert seen == ["Shahn added Udit.", "after"]
    assert back.get(f"/api/v1/chats/{chat_id}/messages/{secret['id']}/edits").status_code == 404
    assert back.get(f"/api/v1/chats/{chat_id}").json()["unread_count"] == 1


def test_a_newcomer_still_sees_the_history(api, shahn, kai, group):
    assert api(shahn).post(f"/api/v1/chats/{group['id']}/members", {"user": str(kai.id)},
                           format="json").status_code == 201
    assert "before" in texts(api(kai), group["id"])
