"""Translating messages: on demand (a reader asks) and automatically (the worker, for readers with
auto_translate on). A translation is asked of the service once per message text and language and
then kept (MessageTranslation); an edit deletes the old ones, deleting the message erases them.
Asking and keeping, and the worker's delivery, are translation.translator's: the job (tasks.py)
calls it, and this module queues the job, so neither imports the other back."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.models import User
from chaat import ratelimit, tasks
from chaat.errors import Invalid
from messaging import errors as messaging_errors
from messaging import selectors as messaging_selectors
from messaging.models import Message
from translation import client
from translation.errors import NotTranslatable
from translation.models import MessageTranslation
from translation.tasks import translate_for_readers
from translation.translator import translation_of

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
