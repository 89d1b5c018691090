"""Live events of chats and messages: one declared shape and one builder per event type, the objects
built with the API's own serializers. Services publish them with realtime.publish_on_commit."""

from __future__ import annotations

from typing import Literal, TypedDict
from uuid import UUID

from accounts.models import User
from accounts.serializers import UserData
from chaat.api import UUIDStr
from messaging.models import Message
from messaging.selectors import ChatEntry
from messaging.serializers import (
    ChatData,
    MessageData,
    ReactionData,
    chat_data,
    message_data,
    reactions_data,
    user_data,
)

# --- messages ------------------------------------------------------------------------------------


class MessageCreated(TypedDict):
    type: Literal["message.created"]
    chat_id: UUIDStr
    message: MessageData


class MessageUpdated(TypedDict):
    type: Literal["message.updated"]
    chat_id: UUIDStr
    message: MessageData


class MessageDeleted(TypedDict):
    type: Literal["message.deleted"]
    chat_id: UUIDStr
    message: MessageData


class MessageReactions(TypedDict):
    type: Literal["message.reactions"]
    chat_id: UUIDStr
    message_id: UUIDStr
    seq: int
    user: UserData
    emoji: str
    added: bool
    reactions: list[ReactionData]


def message_created(message: Message) -> MessageCreated:
    """A new message, the same for every member (nobody has reacted to it yet)."""
    return {"type": "message.created", "chat_id": str(message.chat_id), "message": message_data(message)}


def message_updated(message: Message, viewer_id: UUID) -> MessageUpdated:
    """An edited message, with its reactions' `me` as `viewer_id` sees them."""
    return {"type": "message.updated", "chat_id": str(message.chat_id),
            "message": message_data(message, viewer_id)}


def message_deleted(message: Message) -> MessageDeleted:
    """A tombstone (no reactions left to differ between members)."""
    return {"type": "message.deleted", "chat_id": str(message.chat_id), "message": message_data(message)}


def message_reactions(message: Message, actor: User, emoji: str, *, added: bool,
                      viewer_id: UUID) -> MessageReactions:
    """Who changed which reaction, and the message's reactions as `viewer_id` sees them."""
    return {"type": "message.reactions", "chat_id": str(message.chat_id), "message_id": str(message.id),
            "seq": message.seq, "user": user_data(actor), "emoji": emoji, "added": added,
            "reactions": reactions_data(message, viewer_id)}


# --- chats: the chat object as the receiver sees it -----------------------------------------------


class ChatCreated(TypedDict):
    type: Literal["chat.created"]
    chat_id: UUIDStr
    chat: ChatData


class ChatUpdated(TypedDict):
    type: Literal["chat.updated"]
    chat_id: UUIDStr
    chat: ChatData


class ChatMemberAdded(TypedDict):
    type: Literal["chat.member_added"]
    chat_id: UUIDStr
    chat: ChatData


class ChatMemberRemoved(TypedDict):
    type: Literal["chat.member_removed"]
    chat_id: UUIDStr
    chat: ChatData


class ChatDeleted(TypedDict):
    type: Literal["chat.deleted"]
    chat_id: UUIDStr


def chat_created(entry: ChatEntry) -> ChatCreated:
    return {"type": "chat.created", "chat_id": str(entry.chat.id), "chat": chat_data(entry)}


def chat_updated(entry: ChatEntry) -> ChatUpdated:
    return {"type": "chat.updated", "chat_id": str(entry.chat.id), "chat": chat_data(entry)}


def chat_member_added(entry: ChatEntry) -> ChatMemberAdded:
    return {"type": "chat.member_added", "chat_id": str(entry.chat.id), "chat": chat_data(entry)}


def chat_member_removed(entry: ChatEntry) -> ChatMemberRemoved:
    """To those who stay; the person removed gets chat_deleted."""
    return {"type": "chat.member_removed", "chat_id": str(entry.chat.id), "chat": chat_data(entry)}


def chat_deleted(chat_id: UUID) -> ChatDeleted:
    """The chat is gone for the receiver (they left, were removed, or it was purged)."""
    return {"type": "chat.deleted", "chat_id": str(chat_id)}


# --- reading, typing, presence -------------------------------------------------------------------


class ReadUpdated(TypedDict):
    type: Literal["read.updated"]
    chat_id: UUIDStr
    user_id: UUIDStr
    seq: int


class Typing(TypedDict):
    type: Literal["typing"]
    chat_id: UUIDStr
    user_id: UUIDStr


class Presence(TypedDict):
    type: Literal["presence"]
    user_id: UUIDStr
    online: bool


def read_updated(chat_id: UUID, user_id: UUID, seq: int) -> ReadUpdated:
    return {"type": "read.updated", "chat_id": str(chat_id), "user_id": str(user_id), "seq": seq}


def typing(chat_id: UUID, user_id: UUID) -> Typing:
    return {"type": "typing", "chat_id": str(chat_id), "user_id": str(user_id)}


def presence(user_id: UUID | str, online: bool) -> Presence:
    """To the user's friends when their first socket opens or their last one closes."""
    return {"type": "presence", "user_id": str(user_id), "online": online}
