"""MessageOut builds its dict directly for speed; it must equal what its declared fields produce."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from rest_framework import serializers

from messaging.models import Message, Sticker
from messaging.serializers import MessageOut
from tests.factories import UserFactory


def field_by_field(message: Message) -> dict:
    """The representation DRF derives from MessageOut's declared fields."""
    return dict(serializers.Serializer.to_representation(MessageOut(), message))


def a_message(**overrides) -> Message:
    values = {"id": uuid.uuid4(), "chat_id": uuid.uuid4(), "seq": 7, "kind": "text", "text": "hello",
              "client_id": uuid.uuid4(), "created_at": datetime(2026, 11, 23, 12, 0, 0, 123456, tzinfo=UTC)}
    return Message(**(values | overrides))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"client_id": None, "sender": None, "kind": "system", "text": "Kai joined"},
        {"edited_at": datetime(2026, 11, 23, 13, 0, tzinfo=UTC), "reply_to_id": uuid.uuid4()},
        {"deleted_at": datetime(2026, 11, 23, 14, 0, tzinfo=UTC), "text": ""},
        {"kind": "image", "text": "a caption", "image": "chat-images/photo.png"},
        {"kind": "image", "image": "chat-images/photo.png", "deleted_at": datetime(2026, 11, 24, tzinfo=UTC)},
        {"created_at": datetime(2026, 11, 23, 12, 0, tzinfo=UTC) + timedelta(hours=2)},
        {"kind": "file", "text": "notes", "file": "chat-files/0a1b", "file_name": "notes.pdf", "file_size": 12,
         "file_content_type": "application/pdf"},
        {"kind": "voice", "file": "chat-files/0a1c", "file_name": "memo.ogg", "file_size": 900,
         "file_content_type": "audio/ogg", "file_duration_s": 4.2},
    ],
    ids=["text", "system", "edited-reply", "deleted", "image", "deleted-image", "other-time", "file", "voice"],
)
def test_it_renders_every_kind_of_message_as_its_fields_do(overrides):
    message = a_message(sender=UserFactory(username="shahn", display_name="Shahn"), **{
        k: v for k, v in overrides.items() if k != "sender"})
    if "sender" in overrides:
        message.sender = None
    assert MessageOut(message).data == field_by_field(message)


@pytest.mark.django_db
def test_it_renders_a_sticker_message_as_its_fields_do():
    sticker = Sticker.objects.create(id="bench-wave", pack="bench", name="wave")
    message = a_message(sender=UserFactory(username="kai"), kind="sticker", text="", sticker=sticker)
    assert MessageOut(message).data == field_by_field(message)
    assert MessageOut(message).data["sticker"]["id"] == "bench-wave"


@pytest.mark.django_db
def test_it_renders_a_sender_with_an_avatar_as_its_fields_do():
    message = a_message(sender=UserFactory(username="udit", avatar="avatars/udit.png"))
    assert MessageOut(message).data == field_by_field(message)
    assert MessageOut(message).data["sender"]["avatar_url"]


@pytest.mark.django_db
@pytest.mark.parametrize("with_last_message", [True, False])
def test_it_renders_a_chat_as_its_fields_do(with_last_message):
    from messaging.models import Chat, Participant
    from messaging.selectors import ChatEntry
    from messaging.serializers import ChatOut

    shahn, kai = UserFactory(username="shahn", avatar="avatars/shahn.png"), UserFactory(username="kai")
    chat = Chat(kind="group", name="Climbing", last_seq=3,
                created_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC))
    entry = ChatEntry(chat, Participant(chat=chat, user=shahn, role="owner", last_read_seq=2), [shahn, kai],
                      a_message(chat_id=chat.id, sender=kai) if with_last_message else None, unread_count=1)
    assert ChatOut(entry).data == dict(serializers.Serializer.to_representation(ChatOut(), entry))


@pytest.mark.django_db
def test_it_renders_reactions_and_mentions_as_its_fields_do():
    from messaging.selectors import ReactionGroup

    kai, udit = UserFactory(username="kai"), UserFactory(username="udit")
    message = a_message(sender=kai, mentions=[str(udit.id)])
    message.reaction_groups = [ReactionGroup("👍", [kai, udit]), ReactionGroup("🎉", [udit])]
    serializer = MessageOut(message, context={"viewer_id": kai.id})
    assert serializer.data == dict(serializers.Serializer.to_representation(serializer, message))
    assert serializer.data["reactions"] == [{"emoji": "👍", "count": 2, "me": True},
                                            {"emoji": "🎉", "count": 1, "me": False}]
    assert serializer.data["mentions"] == [str(udit.id)]
