from __future__ import annotations

import pytest

from messaging.models import Message, MessageEdit
from tests.images import png_bytes, upload
from tests.messaging.conftest import send
from tests.realtime import EventListener

pytestmark = pytest.mark.django_db



def url(chat, message, tail=""):
    return f"/api/v1/chats/{chat['id']}/messages/{message['id']}{tail}"


def test_the_sender_edits_and_members_see_earlier_versions(api, shahn, shivam, direct,
                                                           django_capture_on_commit_callbacks):
    message = send(api(shahn), direct["id"], "helo").json()
    listener = EventListener(shahn, shivam)
    with django_capture_on_commit_callbacks(execute=True):
        first = api(shahn).patch(url(direct, message), {"text": "hello"}, format="json")
    api(shahn).patch(url(direct, message), {"text": "hello!"}, format="json")
    assert first.status_code == 200
    assert first.json()["text"] == "hello" and first.json()["edited_at"] is not None
    (event,) = listener.events(shivam)
    assert event == {"type": "message.updated", "chat_id": direct["id"], "message": first.json()}
    edits = api(shivam).get(url(direct, message, "/edits"))
    assert edits.status_code == 200
    assert [e["text"] for e in edits.json()["results"]] == ["helo", "hello"]
    assert api(shivam).get(f"/api/v1/chats/{direct['id']}/messages").json()["results"][0]["text"] == "hello!"


def test_only_the_sender_edits_and_only_text(api, shahn, shivam, direct):
    message = send(api(shahn), direct["id"], "mine").json()
    assert api(shivam).patch(url(direct, message), {"text": "yours"}, format="json").status_code == 403
    sticker = api(shahn).post(f"/api/v1/chats/{direct['id']}/messages",
                              {"kind": "sticker", "sticker": "chaat-smile", "client_id": "0b0b0b0b-0000-4000-8000-000000000001"},
                              format="json").json()
    assert api(shahn).patch(url(direct, sticker), {"text": "x"}, format="json").status_code == 403
    assert api(shahn).patch(url(direct, message), {"text": "  "}, format="json").status_code == 400
    assert Message.objects.get(pk=message["id"]).text == "mine"


def test_deleting_leaves_a_tombstone_and_erases_the_content(api, shahn, shivam, direct,
                                                            django_capture_on_commit_callbacks):
    message = send(api(shahn), direct["id"], "secret").json()
    api(shahn).patch(url(direct, message), {"text": "secret 2"}, format="json")
    listener = EventListener(shahn, shivam)
    with django_capture_on_commit_callbacks(execute=True):
        assert api(shahn).delete(url(direct, message)).status_code == 204
    (event,) = listener.events(shivam)
    assert event["type"] == "message.deleted" and event["message"]["deleted"] is True
    shown = api(shivam).get(f"/api/v1/chats/{direct['id']}/messages").json()["results"][0]
    assert shown["deleted"] and shown["text"] == "" and shown["sticker"] is None and shown["image_url"] is None
    stored = Message.objects.get(pk=message["id"])
    assert stored.text == "" and stored.deleted_at is not None
    assert not MessageEdit.objects.exists()
    assert api(shivam).get(url(direct, message, "/edits")).json()["results"] == []
    assert api(shahn).patch(url(direct, message), {"text": "back"}, format="json").status_code == 409


def test_only_the_sender_deletes_in_a_direct_chat(api, shahn, shivam, direct):
    message = send(api(shahn), direct["id"], "mine").json()
    assert api(shivam).delete(url(direct, message)).status_code == 403
    assert not Message.objects.get(pk=message["id"]).deleted


def test_deleting_an_image_message_erases_its_files_after_commit(api, shahn, direct, settings,
                                                                 django_capture_on_commit_callbacks):
    body = {"kind": "image", "client_id": "0b0b0b0b-0000-4000-8000-000000000002", "image": upload("a.png", png_bytes())}
    message = api(shahn).post(f"/api/v1/chats/{direct['id']}/messages", body).json()
    files = list((settings.MEDIA_ROOT / "chat-images").iterdir())
    assert len(files) == 2
    with django_capture_on_commit_callbacks(execute=True):
        api(shahn).delete(url(direct, message))
    assert not any(p.exists() for p in files)
    stored = Message.objects.get(pk=message["id"])
    assert not stored.image and not stored.thumbnail and stored.image_width is None
    assert api(shahn).get(message["image_url"]).status_code == 404


def test_someone_elses_chat_messages_are_404(api, udit, shahn, direct):
    message = send(api(shahn), direct["id"], "mine").json()
    assert api(udit).patch(url(direct, message), {"text": "x"}, format="json").status_code == 404
    assert api(udit).delete(url(direct, message)).status_code == 404
    assert api(udit).get(url(direct, message, "/edits")).status_code == 404
