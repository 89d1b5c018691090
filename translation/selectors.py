"""Reads of translations: who needs one, and the translations a reader's message objects carry."""

from __future__ import annotations

import copy
from collections import defaultdict
from uuid import UUID

from messaging.models import Message, Participant
from translation.models import MessageTranslation, text_hash


def needs_translation(participant: Participant, message: Message | None) -> bool:
    """Whether this reader gets `message` translated automatically: auto_translate on, and the
    message has text in another language than theirs (system messages are never translated)."""
    return (message is not None and participant.auto_translate and not message.deleted and bool(message.lang)
            and message.kind != Message.Kind.SYSTEM and message.lang != participant.language)


def auto_translate_readers(message: Message) -> dict[str, list[UUID]]:
    """{language: [user ids]} of the members who may see `message` and read it translated."""
    readers: dict[str, list[UUID]] = defaultdict(list)
    rows = (Participant.objects.seeing(message).filter(auto_translate=True)
            .exclude(language=message.lang).values_list("language", "user_id"))
    for language, user_id in rows:
        readers[language].append(user_id)
    return dict(readers)


def kept_translation(message: Message, target: str) -> str | None:
    """The kept translation of the message's current text into `target`, if there is one."""
    return (MessageTranslation.objects.filter(message_id=message.id, target_lang=target,
                                              source_hash=text_hash(message.text))
            .values_list("text", flat=True).first())


def with_translations(pairs: list[tuple[Participant, Message | None]]) -> list[Message | None]:
    """The messages of these (reader, message) pairs, each carrying `viewer_translation` (what
    MessageOut renders as `translation`) for readers with auto_translate on, once it exists.
    One query, none when no reader needs a translation. An annotated message is a copy: the same
    message object may be shown to several readers."""
    wanted = [(participant, message) for participant, message in pairs if needs_translation(participant, message)]
    if not wanted:
        return [message for _participant, message in pairs]
    rows = MessageTranslation.objects.filter(
        message_id__in={message.id for _p, message in wanted},
        target_lang__in={participant.language for participant, _m in wanted},
    ).values_list("message_id", "target_lang", "source_hash", "text")
    found = {(message_id, target, source): text for message_id, target, source, text in rows}
    result = []
    for participant, message in pairs:
        if needs_translation(participant, message):
            text = found.get((message.id, participant.language, text_hash(message.text)))
            message = copy.copy(message)
            message.viewer_translation = None if text is None else {"to": participant.language, "text": text}
        result.append(message)
    return result
