"""Live events of translations: one declared shape and one builder per event type."""

from __future__ import annotations

from typing import Literal, TypedDict

from chaat.api import UUIDStr
from messaging.models import Message


class MessageTranslated(TypedDict):
    type: Literal["message.translated"]
    chat_id: UUIDStr
    message_id: UUIDStr
    seq: int
    to: str
    text: str


def message_translated(message: Message, to: str, text: str) -> MessageTranslated:
    """To the members who read `to` with auto_translate on."""
    return {"type": "message.translated", "chat_id": str(message.chat_id), "message_id": str(message.id),
            "seq": message.seq, "to": to, "text": text}
