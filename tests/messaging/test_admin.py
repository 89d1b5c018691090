from __future__ import annotations

import uuid

import pytest

from messaging.models import Message
from messaging.services.chats import get_or_create_direct_chat
from messaging.services.editing import add_reaction, moderate_message
from messaging.services.sending import send_message
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def messages_in_chat(shahn, shivam, circle):
    chat, _created = get_or_create_direct_chat(actor=shahn, other_id=shivam.id)
    for text in ("spam spam", "hello"):
        send_message(actor=shahn, chat_id=chat.id, client_id=uuid.uuid4(), kind="text", text=text)
    return chat


def test_messages_are_searchable_by_text_and_sender(admin_client, messages_in_chat):
    page = admin_client.get("/admin/messaging/message/?q=spam").content.decode()
    assert "spam spam" in page and "hello" not in page
    assert "hello" in admin_client.get("/admin/messaging/message/?q=shahn").content.decode()
    assert admin_client.get("/admin/messaging/message/?kind__exact=text&deleted=no").status_code == 200


def test_the_chat_page_shows_its_participants(admin_client, messages_in_chat):
    page = admin_client.get(f"/admin/messaging/chat/{messages_in_chat.id}/change/").content.decode()
    assert "shahn" in page and "shivam" in page


def test_moderation_tombstones_through_the_service(admin_client, messages_in_chat, django_capture_on_commit_callbacks):
    spam = Message.objects.get(text="spam spam")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post("/admin/messaging/message/", {"action": "tombstone", "_selected_action": [spam.id]})
    assert response.status_code == 302
    spam.refresh_from_db()
    assert spam.deleted and spam.text == ""
    assert callbacks  # message.deleted went out to the members
    assert admin_client.get("/admin/messaging/message/?deleted=yes").content.decode().count("spam spam") == 0


def test_only_staff_moderate(shahn, messages_in_chat):
    from messaging.errors import NotAllowed

    with pytest.raises(NotAllowed):
        moderate_message(moderator=shahn, message_id=Message.objects.first().id)


def test_reactions_are_listed_and_shown_on_their_message(admin_client, messages_in_chat, shivam):
    hello = Message.objects.get(text="hello")
    add_reaction(actor=shivam, chat_id=messages_in_chat.id, message_id=hello.id, emoji="🎉")
    assert "🎉" in admin_client.get("/admin/messaging/reaction/?q=shivam").content.decode()
    assert "🎉" in admin_client.get(f"/admin/messaging/message/{hello.id}/change/").content.decode()
