"""Live-event payloads of translations."""

from __future__ import annotations

from typing import Any

from messaging.models import Message


def message_translated(message: Message, to: str, text: str) -> dict[str, Any]:
    """`message.translated`: to the members who read `to` with auto_translate on."""
    return {"type": "message.translated", "chat_id": str(message.chat_id), "message_id": str(message.id),
            "seq": message.seq, "to": to, "text": text}
