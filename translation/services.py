"""Translating messages: on demand (a reader asks) and automatically (the worker, for readers with
auto_translate on). A translation is asked of the service once per message text and language and
then kept (MessageTranslation); an edit deletes the old ones, deleting the message erases them."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from chaat import ratelimit, realtime, tasks
from chaat.errors import Invalid
from messaging import errors as messaging_errors
from messaging import selectors as messaging_selectors
from messaging.models import Message
from translation import client, events, selectors
from translation.errors import NotTranslatable, TranslationUnavailable
from translation.models import MessageTranslation, text_hash
from translation.tasks import translate_for_readers

logger = logging.getLogger(__name__)


def translate_message(*, actor: User, chat_id: UUID, message_id: UUID, to: str | None = None) -> dict[str, Any]:
    """A message of a chat the actor is in, in `to` (default: the actor's language in the chat):
    `{"message_id","lang","to","text"}`. The text as it is when `to` is its own language.
    Raises NotFound, Invalid (`to` not a site language), MessageDeleted (409), NotTranslatable
    (400, no text), RateLimited (`translate`), TranslationUnavailable (503).

    This is the one call to another service made inside a request, because the contract answers
    it with the text: it is bounded by TRANSLATION_TIMEOUT (at most 5 s) and asked once per text."""
    participant = messaging_selectors.access_participant(user=actor, chat_id=chat_id)
    message = messaging_selectors.access_message(participant=participant, message_id=message_id)
    target = participant.language if to is None else to
    if target not in dict(settings.LANGUAGES):
        raise Invalid(fields={"to": [_("Not one of the site's languages.")]})
    if message.deleted:
        raise messaging_errors.MessageDeleted()
    if message.kind == Message.Kind.SYSTEM or not message.text or not message.lang:
        raise NotTranslatable()
    result = {"message_id": str(message.id), "lang": message.lang, "to": target, "text": message.text}
    if target != message.lang:
        ratelimit.hit("translate", str(actor.id))
        result["text"], _current = translation_of(message, target)
    return result


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


def forget_translations(message: Message) -> None:
    """Delete a (locked) message's translations: it was edited (they are obsolete) or deleted
    (its content is erased). Called inside messaging's edit and delete."""
    MessageTranslation.objects.filter(message_id=message.id).delete()


def translate_in_background(message: Message) -> None:
    """After the current transaction commits, have the worker translate a new or edited message
    for the readers with auto_translate on. Call only when some member has it on."""
    if client.is_configured() and message.lang and message.kind != Message.Kind.SYSTEM:
        tasks.enqueue_on_commit(translate_for_readers, message_id=str(message.id))


def retranslate_after_edit(message: Message) -> None:
    """An edited message: its old translations go, and auto_translate readers get the new text's."""
    forget_translations(message)
    if client.is_configured() and message.chat.participants.filter(auto_translate=True).exists():
        translate_in_background(message)


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
