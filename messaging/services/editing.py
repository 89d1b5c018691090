"""Changes to a sent message: edit, delete (by its sender, a manager or staff), reactions."""

from __future__ import annotations

from uuid import UUID

import emoji as emoji_data
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from chaat.errors import NotFound
from chaat.live import realtime
from messaging import errors, events, policies, selectors, store
from messaging.models import Mention, Message, MessageEdit, Reaction
from messaging.services._stored_files import erase_files_on_commit, message_files_of
from messaging.services.sending import check_may_send, clean_text, index_mentions, mentioned_ids
from translation import services as translation_services


@transaction.atomic
def edit_message(*, actor: User, chat_id: UUID, message_id: UUID, text: str) -> Message:
    """The sender changes the text of their text message; the previous text is kept as a
    MessageEdit. Raises NotAllowed (someone else's message, not a text message), MessageDeleted
    (409), the send checks (blocked, not friends, match ended) and Invalid for the text.
    Members get `message.updated`."""
    participant = selectors.access_participant(user=actor, chat_id=chat_id)
    message = selectors.access_message(participant=participant, message_id=message_id, lock=True)
    if not policies.may_edit(participant, message):
        raise errors.NotAllowed()
    if message.deleted:
        raise errors.MessageDeleted()
    chat = participant.chat
    check_may_send(actor_id=actor.id, chat_id=chat.id, chat_kind=chat.kind, direct_key=chat.direct_key)
    text = clean_text(text, required=True)
    if text == message.text:
        return message
    now = timezone.now()
    MessageEdit.objects.create(message=message, text=message.text, edited_at=now)
    message.text, message.edited_at = text, now
    message.mentions = mentioned_ids(chat_id, actor.id, text)
    message.save(update_fields=["text", "edited_at", "mentions"])
    Mention.objects.filter(message=message).delete()
    index_mentions(message)
    translation_services.retranslate_after_edit(message)
    _publish_message_updated(message)
    return message


@transaction.atomic
def delete_message(*, actor: User, chat_id: UUID, message_id: UUID) -> Message:
    """The sender, or a group's owner or admin, deletes a message (NotAllowed for others): it stays
    as a tombstone. Deleting a tombstone again changes nothing. See _tombstone."""
    participant = selectors.access_participant(user=actor, chat_id=chat_id)
    message = selectors.access_message(participant=participant, message_id=message_id, lock=True)
    if not policies.may_remove(participant, message):
        raise errors.NotAllowed()
    return _tombstone(message)


@transaction.atomic
def moderate_message(*, moderator: User, message_id: UUID) -> Message:
    """Site staff delete any message, exactly as its sender would (the admin's moderation action)."""
    if not moderator.is_staff:
        raise errors.NotAllowed()
    message = Message.objects.select_for_update().filter(pk=message_id).first()
    if message is None:
        raise NotFound()
    return _tombstone(message)


def _tombstone(message: Message) -> Message:
    """Erase a (locked) message's content in the database (text, sticker, image, file, earlier
    versions); its image and attached files go after commit. Members get `message.deleted`."""
    if message.deleted:
        return message
    erase_files_on_commit(message_files_of(message))
    MessageEdit.objects.filter(message=message).delete()
    Reaction.objects.filter(message=message).delete()
    Mention.objects.filter(message=message).delete()
    translation_services.forget_translations(message)
    message.text, message.sticker, message.image, message.thumbnail = "", None, "", ""
    message.image_width = message.image_height = None
    message.file, message.file_name, message.file_content_type = "", "", ""
    message.file_size = message.file_duration_s = None
    message.mentions, message.reaction_groups = [], []
    message.deleted_at = timezone.now()
    message.save(update_fields=["text", "sticker", "image", "thumbnail", "image_width", "image_height",
                                "file", "file_name", "file_size", "file_content_type", "file_duration_s",
                                "mentions", "deleted_at"])
    realtime.publish_on_commit(user_ids=store.member_ids(message.chat_id),
                               event=events.message_deleted(message))
    return message


def _publish_message_updated(message: Message) -> None:
    """`message.updated` to everyone who may see the message, each with their own `me`."""
    if getattr(message, "reaction_groups", None) is None:
        selectors.attach_reactions([message])
    for viewer_ids in _viewers_by_own_reactions(message):
        realtime.publish_on_commit(user_ids=viewer_ids,
                                   event=events.message_updated(message, viewer_id=viewer_ids[0]))


REACTIONS_MAX_DISTINCT = 20


def clean_emoji(raw: str) -> str:
    """Exactly one emoji (skin tones and joined sequences included) in its fully-qualified form,
    so that ❤ and ❤️ are one reaction; InvalidEmoji otherwise."""
    if not isinstance(raw, str) or not raw or len(raw) > 32 or not emoji_data.is_emoji(raw):
        raise errors.InvalidEmoji()
    qualified = emoji_data.emojize(emoji_data.demojize(raw))
    return qualified if emoji_data.is_emoji(qualified) else raw


def _reactable(*, actor: User, chat_id: UUID, message_id: UUID) -> Message:
    """The message locked, if the actor may see it and it can carry reactions; its lock orders
    every change to its reactions (the 20-emoji limit holds under concurrent adds)."""
    participant = selectors.access_participant(user=actor, chat_id=chat_id)
    message = selectors.access_message(participant=participant, message_id=message_id, lock=True)
    if message.deleted:
        raise errors.MessageDeleted()
    if message.kind == Message.Kind.SYSTEM:
        raise errors.NotAllowed()
    message.chat = participant.chat
    return message


@transaction.atomic
def add_reaction(*, actor: User, chat_id: UUID, message_id: UUID, emoji: str) -> Message:
    """The actor reacts to a message with one emoji; again is no change (and no event). Raises
    NotFound, InvalidEmoji, MessageDeleted (409), NotAllowed (system messages), the send checks
    (blocked, not friends, match ended) and TooManyReactions (a 21st different emoji). Members
    get `message.reactions`. Returns the message with its reactions attached."""
    message = _reactable(actor=actor, chat_id=chat_id, message_id=message_id)
    emoji = clean_emoji(emoji)
    chat = message.chat
    check_may_send(actor_id=actor.id, chat_id=chat.id, chat_kind=chat.kind, direct_key=chat.direct_key)
    present = set(Reaction.objects.filter(message=message).values_list("emoji", "user_id"))
    if (emoji, actor.id) not in present:
        if emoji not in {e for e, _user in present} and len({e for e, _user in present}) >= REACTIONS_MAX_DISTINCT:
            raise errors.TooManyReactions()
        Reaction.objects.create(message=message, user=actor, emoji=emoji)
        _publish_reactions(message, actor, emoji, added=True)
    return selectors.attach_reactions([message])[0]


@transaction.atomic
def remove_reaction(*, actor: User, chat_id: UUID, message_id: UUID, emoji: str) -> Message:
    """The actor takes back one reaction: NotFound if they had not reacted so (and the errors of
    add_reaction but the send checks). Members get `message.reactions`."""
    message = _reactable(actor=actor, chat_id=chat_id, message_id=message_id)
    emoji = clean_emoji(emoji)
    deleted, _rows = Reaction.objects.filter(message=message, user=actor, emoji=emoji).delete()
    if not deleted:
        raise NotFound()
    _publish_reactions(message, actor, emoji, added=False)
    return selectors.attach_reactions([message])[0]


def _publish_reactions(message: Message, actor: User, emoji: str, *, added: bool) -> None:
    selectors.attach_reactions([message])
    for viewer_ids in _viewers_by_own_reactions(message):
        realtime.publish_on_commit(user_ids=viewer_ids, event=events.message_reactions(
            message, actor, emoji, added=added, viewer_id=viewer_ids[0]))


def _viewers_by_own_reactions(message: Message) -> list[list[UUID]]:
    """Those who may see the (reactions-attached) message, grouped by the emoji they reacted with
    on it: each group sees the same `me` marks, so it gets one event instead of one each."""
    groups: dict[frozenset[str], list[UUID]] = {}
    for user_id in selectors.viewers_of(message):
        mine = frozenset(group.emoji for group in message.reaction_groups if user_id in group.user_ids)
        groups.setdefault(mine, []).append(user_id)
    return list(groups.values())
