from __future__ import annotations

from types import SimpleNamespace

import pytest

from accounts.services import delete_account
from messaging.models import Chat, Message, Participant
from tests.images import png_bytes, upload
from tests.messaging.conftest import send
from tests.realtime import EventListener

pytestmark = pytest.mark.django_db



def seqs(client, chat_id):
    return [m["seq"] for m in client.get(f"/api/v1/chats/{chat_id}/messages").json()["results"]]


def test_deleting_a_direct_chat_hides_it_from_me_only(api, shahn, shivam, direct, django_capture_on_commit_callbacks):
    send(api(shahn), direct["id"], "one")
    listener = EventListener(shahn, shivam)
    with django_capture_on_commit_callbacks(execute=True):
        assert api(shahn).delete(f"/api/v1/chats/{direct['id']}").status_code == 204
    assert listener.events(shahn) == [{"type": "chat.deleted", "chat_id": direct["id"]}]
    assert listener.events(shivam) == []
    assert api(shahn).get("/api/v1/chats").json()["results"] == []
    assert api(shahn).get(f"/api/v1/chats/{direct['id']}").status_code == 404
    theirs = api(shivam).get(f"/api/v1/chats/{direct['id']}").json()
    assert {m["username"] for m in theirs["members"]} == {"shahn", "shivam"}  # still a chat with shahn
    assert seqs(api(shivam), direct["id"]) == [1]


def test_a_deleted_direct_chat_comes_back_with_only_new_messages(api, shahn, shivam, direct,
                                                                  django_capture_on_commit_callbacks):
    send(api(shahn), direct["id"], "one")
    send(api(shivam), direct["id"], "two")
    api(shahn).delete(f"/api/v1/chats/{direct['id']}")
    listener = EventListener(shahn)
    with django_capture_on_commit_callbacks(execute=True):
        send(api(shivam), direct["id"], "three")
    assert listener.types(shahn) == ["chat.created", "message.created"]
    assert seqs(api(shahn), direct["id"]) == [3]
    chat = api(shahn).get(f"/api/v1/chats/{direct['id']}").json()
    assert chat["unread_count"] == 1 and chat["last_message"]["text"] == "three"
    assert send(api(shahn), direct["id"], "four", reply_to=Message.objects.get(seq=1).id).status_code == 400


def test_opening_a_deleted_direct_chat_again_starts_after_its_last_message(api, shahn, shivam, direct):
    send(api(shivam), direct["id"], "old")
    api(shahn).delete(f"/api/v1/chats/{direct['id']}")
    again = api(shahn).post("/api/v1/chats/direct", {"user": str(shivam.id)}, format="json")
    assert again.status_code == 200 and again.json()["id"] == direct["id"]
    assert seqs(api(shahn), direct["id"]) == []
    assert again.json()["unread_count"] == 0 and again.json()["last_message"] is None


def test_the_last_one_out_deletes_the_chat_its_messages_and_files(api, shahn, shivam, direct, settings,
                                                                   django_capture_on_commit_callbacks):
    body = {"kind": "image", "client_id": "7d4a3c44-3f63-4f0b-a1a4-6f27a8c6a0b9", "image": upload("a.png", png_bytes())}
    api(shahn).post(f"/api/v1/chats/{direct['id']}/messages", body)
    files = [p for p in (settings.MEDIA_ROOT / "chat-images").iterdir()]
    assert len(files) == 2  # the image and its thumbnail
    with django_capture_on_commit_callbacks(execute=True):
        api(shahn).delete(f"/api/v1/chats/{direct['id']}")
    assert all(p.exists() for p in files)
    with django_capture_on_commit_callbacks(execute=True):
        api(shivam).delete(f"/api/v1/chats/{direct['id']}")
    assert not Chat.objects.exists() and not Message.objects.exists()
    assert not any(p.exists() for p in files)


def test_deleting_an_account_leaves_every_chat_with_events(api, shahn, shivam, udit, password, group, direct,
                                                           django_capture_on_commit_callbacks):
    send(api(shahn), group["id"], "hello")
    listener = EventListener(shahn, shivam, udit)
    gone = SimpleNamespace(id=shahn.id)  # delete() clears shahn.id
    with django_capture_on_commit_callbacks(execute=True):
        delete_account(user=shahn, password=password, client_ip="127.0.0.1")
    assert sorted(listener.types(gone)) == ["chat.deleted", "chat.deleted"]
    events = listener.events(udit)
    assert [e["type"] for e in events] == ["chat.member_removed", "message.created", "chat.updated",
                                           "message.created"]
    assert events[-1]["message"]["text"] == "Shivam is now the owner."
    assert Participant.objects.get(chat_id=group["id"], user=shivam).role == "owner"
    kept = Message.objects.get(text="hello")
    assert kept.sender is None
    # The direct chat stays for shivam; shahn has no participation left anywhere.
    assert Chat.objects.filter(pk=direct["id"]).exists()
    assert not Participant.objects.filter(user_id=gone.id).exists()


def test_the_other_side_of_a_deleted_account_can_no_longer_send_there(api, shahn, shivam, password, direct):
    delete_account(user=shahn, password=password, client_ip="127.0.0.1")
    response = send(api(shivam), direct["id"])
    assert response.status_code == 403 and response.json()["code"] == "not_friends"
