"""Live-event payloads for chats and messages, built with the API's own serializers."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from accounts.models import User
from messaging.models import Message
from messaging.selectors import ChatEntry
from messaging.serializers import chat_data, message_data, reactions_data, user_data


def message_event(kind: str, message: Message, viewer_id: UUID | None = None) -> dict[str, Any]:
    """`message.created`, `message.updated` or `message.deleted` (reactions' `me` for `viewer_id`)."""
    return {"type": f"message.{kind}", "chat_id": str(message.chat_id), "message": message_data(message, viewer_id)}


def message_reactions(message: Message, actor: User, emoji: str, *, added: bool,
                      viewer_id: UUID) -> dict[str, Any]:
    """`message.reactions`: who changed which reaction, and the message's reactions as
    `viewer_id` sees them."""
    return {"type": "message.reactions", "chat_id": str(message.chat_id), "message_id": str(message.id),
            "seq": message.seq, "user": user_data(actor), "emoji": emoji, "added": added,
            "reactions": reactions_data(message, viewer_id)}


def chat_event(kind: str, entry: ChatEntry) -> dict[str, Any]:
    """`chat.created`, `chat.updated`, `chat.member_added`, `chat.member_removed` for one receiver."""
    return {"type": f"chat.{kind}", "chat_id": str(entry.chat.id), "chat": chat_data(entry)}


def chat_deleted(chat_id: UUID) -> dict[str, Any]:
    return {"type": "chat.deleted", "chat_id": str(chat_id)}


def read_updated(chat_id: UUID, user_id: UUID, seq: int) -> dict[str, Any]:
    return {"type": "read.updated", "chat_id": str(chat_id), "user_id": str(user_id), "seq": seq}


def typing(chat_id: UUID, user_id: UUID) -> dict[str, Any]:
    return {"type": "typing", "chat_id": str(chat_id), "user_id": str(user_id)}


def presence(user_id: UUID | str, online: bool) -> dict[str, Any]:
    """To the user's friends when their first socket opens or their last one closes."""
    return {"type": "presence", "user_id": str(user_id), "online": online}
