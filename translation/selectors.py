"""Reads of translations: who needs one, and the translations a reader's message objects carry."""

from __future__ import annotations

import copy
from collections import defaultdict
from uuid import UUID

from messaging.models import Message, Participant
from translation.models import MessageTranslation, text_hash


def needs_translation(participant: Participant, message: Message | None) -> bool:
    """Whether this reader gets `message` translated automatically."""
    return message is not None and translates(auto_translate=participant.auto_translate,
                                              language=participant.language, deleted=message.deleted,
                                              lang=message.lang, kind=message.kind)


def translates(*, auto_translate: bool, language: str, deleted: bool, lang: str | None, kind: str) -> bool:
    """The rule of `needs_translation` on plain values (for pages read in SQL): auto_translate on,
    and the message has text in another language than the reader's (system messages never)."""
    return auto_translate and not deleted and bool(lang) and kind != Message.Kind.SYSTEM and lang != language


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
    found = kept_translations({message.id for _p, message in wanted},
                              {participant.language for participant, _m in wanted})
    result = []
    for participant, message in pairs:
        if needs_translation(participant, message):
            text = found.get((message.id, participant.language, text_hash(message.text)))
            message = copy.copy(message)
            message.viewer_translation = None if text is None else {"to": participant.language, "text": text}
        result.append(message)
    return result


def kept_translations(message_ids: set[UUID], targets: set[str]) -> dict[tuple[UUID, str, str], str]:
    """{(message id, target language, source hash): text} of the kept translations of these
    messages into these languages, in one query."""
    rows = MessageTranslation.objects.filter(message_id__in=message_ids, target_lang__in=targets).values_list(
        "message_id", "target_lang", "source_hash", "text")
    return {(message_id, target, source): text for message_id, target, source, text in rows}
