"""A message's text in another language: the kept translation, else the service's, kept (asked on
demand by services.translate_message); and the worker's delivery of automatic translations to the
readers with auto_translate on (tasks.translate_for_readers), which services queues."""

from __future__ import annotations

from uuid import UUID

from django.db import transaction

from chaat.live import realtime
from messaging.models import Message
from translation import client, events, selectors
from translation.errors import TranslationUnavailable
from translation.models import MessageTranslation, text_hash


def translation_of(message: Message, target: str) -> tuple[str, bool]:
    """The message's text in `target`: the kept translation, else asked of the service (no
    transaction is open meanwhile) and kept. Also says whether the text translated is still the
    message's text (False: it was edited or deleted meanwhile, and nothing was kept)."""
    kept = selectors.kept_translation(message, target)
    if kept is not None:
        return kept, True
    text = client.translate(text=message.text, source=message.lang, target=target)
    return text, _keep(message_id=message.id, source_hash=text_hash(message.text), source_lang=message.lang,
                       target_lang=target, text=text)


@transaction.atomic
def _keep(*, message_id: UUID, source_hash: str, source_lang: str, target_lang: str, text: str) -> bool:
    """Keep a translation, unless its message was edited or deleted while it was being made. The
    message row's lock orders this against edit_message and delete_message, which delete the old
    translations under the same lock."""
    message = Message.objects.select_for_update().filter(pk=message_id).only("id", "text", "deleted_at").first()
    if message is None or message.deleted or text_hash(message.text) != source_hash:
        return False
    MessageTranslation.objects.bulk_create(
        [MessageTranslation(message_id=message_id, source_hash=source_hash, source_lang=source_lang,
                            target_lang=target_lang, text=text)],
        ignore_conflicts=True,  # a concurrent request or worker kept the same translation first
    )
    return True


def deliver_auto_translations(*, message_id: UUID) -> None:
    """(The worker.) Translate the message into each language its auto_translate readers read,
    and send each of them `message.translated`. Raises TranslationUnavailable, after doing every
    language it could, when the service failed for some: the worker tries again later."""
    message = Message.objects.filter(pk=message_id).first()
    if message is None or message.deleted or not message.lang or message.kind == Message.Kind.SYSTEM:
        return
    failure: TranslationUnavailable | None = None
    for target, user_ids in selectors.auto_translate_readers(message).items():
        try:
            text, current = translation_of(message, target)
        except TranslationUnavailable as exc:
            failure = exc
            continue
        if current:
            realtime.publish_on_commit(user_ids=user_ids, event=events.message_translated(message, target, text))
    if failure is not None:
        raise failure
