"""Sending a message: send_message and the checks and rules it shares with edits and reactions
(may this person write here, the text, @mentions). The hot path of the server: see messaging/store.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from chaat import ratelimit
from chaat.errors import Invalid, NotFound
from chaat.live import realtime
from friends.selectors import relationship
from messaging import errors, events, store
from messaging.files import attach_file
from messaging.images import attach_image
from messaging.models import TEXT_MAX_LENGTH, Chat, Mention, Message, MessageEdit, Participant, Sticker
from messaging.services._stored_files import message_files_of
from messaging.services.chats import publish_chat, site_language
from notifications.services import push_message_on_commit
from translation import services as translation_services


def send_message(*, actor: User, chat_id: UUID, client_id: UUID, kind: str, text: str = "",
                 sticker: str | None = None, image: Any = None, file: Any = None,
                 reply_to: UUID | None = None, lang: str | None = None) -> tuple[Message, bool]:
    """Send a message; returns it and whether it was created now (False: a retry with a known
    client_id got the stored message). Counts against the `send` limit (HTTP and socket), and
    a new image, file or voice message against `upload`. A message with text is written in
    `lang`, by default the sender's language in the chat (Invalid for a language the site does
    not have). Files: messaging.files.attach_file (TooLarge, InvalidAudio).
    The hot path of the server: see messaging/store.py."""
    ratelimit.hit("send", str(actor.id))
    try:
        return _send(actor=actor, chat_id=chat_id, client_id=client_id, kind=kind, text=text,
                     sticker=sticker, image=image, file=file, reply_to=reply_to, lang=lang)
    except IntegrityError:
        # A concurrent retry with the same client_id won; its message is the answer.
        existing = _existing(actor, client_id)
        if existing is None:
            raise
        return _retried(existing, chat_id=chat_id, kind=kind, text=text, sticker=sticker, reply_to=reply_to), False


def _existing(actor: User, client_id: UUID) -> Message | None:
    return Message.objects.select_related("sender", "sticker").filter(sender=actor, client_id=client_id).first()


def _retried(message: Message, *, chat_id: UUID, kind: str, text: str, sticker: str | None,
             reply_to: UUID | None) -> Message:
    """The stored message when a send repeats it: the same chat and the same content (its text as
    sent or any later version; a tombstone has none to compare). Else ClientIdReused (409)."""
    same = message.chat_id == chat_id and message.kind == kind and message.reply_to_id == reply_to
    if same and not message.deleted:
        if kind == Message.Kind.STICKER:
            same = str(message.sticker_id) == str(sticker or "")
        else:
            text = (text or "").strip()
            same = text == message.text or MessageEdit.objects.filter(message=message, text=text).exists()
    if not same:
        raise errors.ClientIdReused()
    return message


@transaction.atomic
def _send(*, actor: User, chat_id: UUID, client_id: UUID, kind: str, text: str, sticker: str | None,
          image: Any, reply_to: UUID | None, lang: str | None, file: Any = None) -> tuple[Message, bool]:
    context = store.send_context(actor_id=actor.id, chat_id=chat_id, client_id=client_id)
    if context.existing_id is not None:
        return _retried(_existing(actor, client_id), chat_id=chat_id, kind=kind, text=text, sticker=sticker,
                        reply_to=reply_to), False
    if context.participant_id is None:
        raise NotFound()
    check_may_send(actor_id=actor.id, chat_id=chat_id, chat_kind=context.chat_kind,
                   direct_key=context.direct_key)
    message = Message(chat_id=chat_id, sender=actor, kind=kind, client_id=client_id)
    if lang is not None and lang not in dict(settings.LANGUAGES):
        raise Invalid(fields={"lang": [_("Not one of the site's languages.")]})
    if reply_to is not None:
        sender = Participant(id=context.participant_id, chat_id=chat_id, visible_from_seq=context.visible_from_seq)
        if not Message.objects.visible_to(sender).filter(pk=reply_to).exists():
            raise Invalid(fields={"reply_to": [_("No such message in this chat.")]})
        message.reply_to_id = reply_to
    if kind == Message.Kind.TEXT:
        message.text = clean_text(text, required=True)
    elif kind == Message.Kind.STICKER:
        message.sticker = Sticker.objects.filter(pk=sticker or "").first()
        if message.sticker is None:
            raise Invalid(fields={"sticker": [_("No such sticker.")]})
    elif kind == Message.Kind.IMAGE:
        ratelimit.limit_upload(user_id=actor.id)  # images and avatars share the `upload` limit
        message.text = clean_text(text, required=False)
        attach_image(message, image)
    elif kind in (Message.Kind.FILE, Message.Kind.VOICE):
        ratelimit.limit_upload(user_id=actor.id)  # images, files and voice share the `upload` limit
        message.text = clean_text(text, required=False) if kind == Message.Kind.FILE else ""
        attach_file(message, file)
    else:
        raise Invalid(fields={"kind": [_("Send text, a sticker, an image, a file or a voice message.")]})
    message.lang = (lang or context.language) if message.text else None
    message.mentions = mentioned_ids(chat_id, actor.id, message.text)
    message.reaction_groups = []
    try:
        _store(message, context.participant_id)
        index_mentions(message)
    except BaseException:
        # The files were written already; without the row nothing would ever erase them.
        for storage, name in message_files_of(message):
            storage.delete(name)
        raise
    recipients = store.member_ids(chat_id)
    returned = context.chat_kind == Chat.Kind.DIRECT and len(recipients) < 2
    if returned:
        recipients.append(_return_to_direct_chat(chat_id, context.direct_key, actor.id, message.seq))
    realtime.publish_on_commit(user_ids=recipients, event=events.message_created(message))
    # Most chats have nobody to push to: queueing the job anyway cost every send a transaction.
    if context.push_audience or returned:
        push_message_on_commit(message_id=message.id)
    if context.auto_translate:
        translation_services.translate_in_background(message)
    return message, True


def _store(message: Message, participant_id: int) -> None:
    """Number and insert the message, moving the sender's read marker to it. next_seq takes the
    chat row's lock; a sender removed from the chat meanwhile finds its participation gone."""
    message.created_at = timezone.now()
    message.seq = store.next_seq(message.chat_id, message.created_at)
    store.insert_message(message)
    if not store.move_read_marker(participant_id, message.seq):
        raise NotFound()


def _return_to_direct_chat(chat_id: UUID, direct_key: str, actor_id: UUID, seq: int) -> UUID:
    """The other person had deleted this direct chat: it comes back for them from `seq` on."""
    other_id = _direct_other(direct_key, actor_id)
    language = User.objects.filter(pk=other_id).values_list("language", flat=True).first()
    Participant.objects.create(chat_id=chat_id, user_id=other_id, visible_from_seq=seq, last_read_seq=seq - 1,
                               language=site_language(language))
    publish_chat(events.chat_created, chat_id, [other_id])
    return other_id


# Whether a match chat still takes messages is matchmaking's rule (has its match ended?). matching
# depends on messaging (it creates and purges match chats), so it hands the rule over when it loads
# (MatchingConfig.ready) instead of messaging importing matching. Without it no match chat is open.
_match_rule: list[Callable[..., bool]] = []


def register_match_rule(is_open: Callable[..., bool]) -> None:
    """Have check_may_send ask `is_open(chat_id=...)` whether a match chat still takes messages."""
    _match_rule[:] = [is_open]


def check_may_send(*, actor_id: UUID, chat_id: UUID, chat_kind: str, direct_key: str | None) -> None:
    if chat_kind == Chat.Kind.DIRECT:
        between = relationship(actor_id, _direct_other(direct_key, actor_id))
        if between.blocked:
            raise errors.Blocked()
        if not between.friends:
            raise errors.NotFriends()
    elif chat_kind == Chat.Kind.MATCH and not (_match_rule and _match_rule[0](chat_id=chat_id)):
        raise errors.MatchEnded()


def _direct_other(direct_key: str, user_id: UUID) -> UUID:
    low, high = (UUID(part) for part in direct_key.split(":"))
    return high if low == user_id else low


def clean_text(text: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise Invalid(fields={"text": [_("Write a message first.")]})
    if len(text) > TEXT_MAX_LENGTH:
        raise Invalid(fields={"text": [_("At most %(n)d characters.") % {"n": TEXT_MAX_LENGTH}]})
    return text


# `@name` not glued to a word, an address or another mention; the name as usernames are spelled.
_MENTION = re.compile(r"(?<![\w.@])@([a-z0-9_.]+)", re.IGNORECASE)


def mentioned_ids(chat_id: UUID, sender_id: UUID, text: str) -> list[str]:
    """The members other than the sender that the text names as `@username` (case-insensitive,
    the whole name; a full stop ending a sentence is not part of it), in order of first mention.
    No query unless the text has an `@`."""
    names = [match.group(1).lower() for match in _MENTION.finditer(text or "")]
    if not names:
        return []
    candidates = set(names) | {name.rstrip(".") for name in names}
    members = dict(Participant.objects.filter(chat_id=chat_id, user__username__in=candidates)
                   .exclude(user_id=sender_id).values_list("user__username", "user_id"))
    found = [members.get(name, members.get(name.rstrip("."))) for name in names]
    return [str(user_id) for user_id in dict.fromkeys(found) if user_id is not None]


def index_mentions(message: Message) -> None:
    """Rows that let the inbox count unread mentions (see models.Mention)."""
    if message.mentions:
        Mention.objects.bulk_create([Mention(message=message, user_id=user_id, chat_id=message.chat_id,
                                             seq=message.seq) for user_id in message.mentions])
