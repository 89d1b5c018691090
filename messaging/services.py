"""Every change to chats and messages. Each function is one transaction; events go out after commit."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from chaat import ratelimit, realtime
from chaat.errors import Invalid
from friends.selectors import are_friends, is_blocked_between
from messaging import errors, events, selectors
from messaging.models import TEXT_MAX_LENGTH, Chat, Message, Participant, Sticker

# A user's typing is broadcast at most once per chat in this many seconds (contract: 2).
TYPING_INTERVAL = 2

# --- chats ---------------------------------------------------------------------------------------


def _publish_chat(kind: str, chat_id: UUID, user_ids: list[UUID] | None = None) -> None:
    """Send `chat.<kind>` to each member (or to `user_ids`), each with the chat as they see it."""

    def send() -> None:
        for user_id, entry in selectors.chat_for_members(chat_id).items():
            if user_ids is None or user_id in user_ids:
                realtime.send_to_users([user_id], {"type": realtime.EVENT_MESSAGE_TYPE,
                                                   "event": events.chat_event(kind, entry)})

    transaction.on_commit(send)


@transaction.atomic
def get_or_create_direct_chat(*, actor: User, other_id: UUID) -> tuple[Chat, bool]:
    """The one direct chat between two friends, created if missing (True when created).
    Raises Blocked (403), NotFriends (403), Invalid for yourself. Concurrent calls from both
    sides meet at the unique direct key: the loser of the race reads the winner's chat."""
    if other_id == actor.id:
        raise Invalid(fields={"user": [_("You cannot chat with yourself.")]})
    other = User.objects.filter(pk=other_id, is_active=True).first()
    if other is None:
        raise Invalid(fields={"user": [_("No such user.")]})
    if is_blocked_between(actor.id, other.id):
        raise errors.Blocked()
    if not are_friends(actor.id, other.id):
        raise errors.NotFriends()
    key = selectors.direct_key(actor.id, other.id)
    chat = Chat.objects.filter(direct_key=key).first()
    created = False
    if chat is None:
        try:
            with transaction.atomic():
                chat = Chat.objects.create(kind=Chat.Kind.DIRECT, direct_key=key, created_by=actor)
                Participant.objects.bulk_create(
                    [Participant(chat=chat, user=actor), Participant(chat=chat, user=other)]
                )
                created = True
        except IntegrityError:
            chat = Chat.objects.get(direct_key=key)
    if not created:
        # The chat may have been deleted by the actor before: it comes back with new messages only.
        chat = Chat.objects.select_for_update().get(pk=chat.pk)
        _participant, rejoined = Participant.objects.get_or_create(
            chat=chat, user=actor, defaults={"visible_from_seq": chat.last_seq + 1,
                                             "last_read_seq": chat.last_seq}
        )
        if rejoined:
            _publish_chat("created", chat.id, [actor.id])
    if created:
        _publish_chat("created", chat.id)
    return chat, created


@transaction.atomic
def create_match_chat(*, user_a: User, user_b: User) -> Chat:
    """A chat of kind `match` for two matched strangers (called by matching.services)."""
    chat = Chat.objects.create(kind=Chat.Kind.MATCH, created_by=None)
    Participant.objects.bulk_create([Participant(chat=chat, user=user_a), Participant(chat=chat, user=user_b)])
    _publish_chat("created", chat.id)
    return chat


def _delete_chat_files(chat_ids: list[UUID]) -> None:
    """Erase the image files of these chats once their rows are gone for good."""
    images = Message.objects.filter(chat_id__in=chat_ids).exclude(image="")
    files = [(m.image.storage, name) for m in images for name in (m.image.name, m.thumbnail.name) if name]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


@transaction.atomic
def leave_all_chats(*, user: User) -> None:
    """Take `user` out of every chat; a chat left with no participant is deleted with its messages
    and files (the last-participant rule)."""
    chat_ids = list(Participant.objects.filter(user=user).values_list("chat_id", flat=True))
    if not chat_ids:
        return
    list(Chat.objects.select_for_update().filter(id__in=chat_ids).order_by("id").values_list("id"))
    Participant.objects.filter(user=user).delete()
    empty = list(Chat.objects.filter(id__in=chat_ids, participants__isnull=True).values_list("id", flat=True))
    if empty:
        _delete_chat_files(empty)
        Chat.objects.filter(id__in=empty).delete()


# --- messages ------------------------------------------------------------------------------------


def _check_may_send(participant: Participant, actor: User) -> None:
    chat = participant.chat
    if chat.kind == Chat.Kind.DIRECT:
        other_id = _direct_other(chat, actor.id)
        if is_blocked_between(actor.id, other_id):
            raise errors.Blocked()
        if not are_friends(actor.id, other_id):
            raise errors.NotFriends()
    elif chat.kind == Chat.Kind.MATCH:
        from matching.selectors import match_is_open

        if not match_is_open(chat_id=chat.id):
            raise errors.MatchEnded()


def _direct_other(chat: Chat, user_id: UUID) -> UUID:
    low, high = (UUID(part) for part in chat.direct_key.split(":"))
    return high if low == user_id else low


def _clean_text(text: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise Invalid(fields={"text": [_("Write a message first.")]})
    if len(text) > TEXT_MAX_LENGTH:
        raise Invalid(fields={"text": [_("At most %(n)d characters.") % {"n": TEXT_MAX_LENGTH}]})
    return text


def _next_seq(chat_id: UUID, now: Any) -> int:
    """Take the chat row's lock and the next seq in one statement; rolled back with the insert,
    so seqs stay gap-free."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Chat._meta.db_table} SET last_seq = last_seq + 1, last_message_at = %s "  # noqa: S608
            "WHERE id = %s RETURNING last_seq",
            [now, chat_id.hex if connection.vendor == "sqlite" else chat_id],
        )
        return cursor.fetchone()[0]


def send_message(*, actor: User, chat_id: UUID, client_id: UUID, kind: str, text: str = "",
                 sticker: str | None = None, image: Any = None,
                 reply_to: UUID | None = None) -> tuple[Message, bool]:
    """Send a message; returns it and whether it was created now (False: a retry with a known
    client_id got the stored message). Counts against the `send` limit (HTTP and socket)."""
    ratelimit.hit("send", str(actor.id))
    existing = _existing(actor, client_id)
    if existing is not None:
        return existing, False
    try:
        return _send(actor=actor, chat_id=chat_id, client_id=client_id, kind=kind, text=text,
                     sticker=sticker, image=image, reply_to=reply_to), True
    except IntegrityError:
        # A concurrent retry with the same client_id won; its message is the answer.
        existing = _existing(actor, client_id)
        if existing is None:
            raise
        return existing, False


def _existing(actor: User, client_id: UUID) -> Message | None:
    return Message.objects.select_related("sender", "sticker").filter(sender=actor, client_id=client_id).first()


@transaction.atomic
def _send(*, actor: User, chat_id: UUID, client_id: UUID, kind: str, text: str, sticker: str | None,
          image: Any, reply_to: UUID | None) -> Message:
    participant = selectors.access_participant(user=actor, chat_id=chat_id)
    _check_may_send(participant, actor)
    message = Message(chat_id=chat_id, sender=actor, kind=kind, client_id=client_id)
    if kind == Message.Kind.TEXT:
        message.text = _clean_text(text, required=True)
    elif kind == Message.Kind.STICKER:
        message.sticker = Sticker.objects.filter(pk=sticker or "").first()
        if message.sticker is None:
            raise Invalid(fields={"sticker": [_("No such sticker.")]})
    elif kind == Message.Kind.IMAGE:
        from messaging.images import attach_image

        message.text = _clean_text(text, required=False)
        attach_image(message, image)
    else:
        raise Invalid(fields={"kind": [_("Send text, a sticker or an image.")]})
    if reply_to is not None:
        if not Message.objects.filter(pk=reply_to, chat_id=chat_id,
                                      seq__gte=participant.visible_from_seq).exists():
            raise Invalid(fields={"reply_to": [_("No such message in this chat.")]})
        message.reply_to_id = reply_to
    message.created_at = timezone.now()
    message.seq = _next_seq(chat_id, message.created_at)
    message.save(force_insert=True)
    Participant.objects.filter(pk=participant.pk).update(last_read_seq=message.seq)
    recipients = selectors.member_ids(chat_id)
    if participant.chat.kind == Chat.Kind.DIRECT and len(recipients) < 2:
        recipients.append(_return_to_direct_chat(participant.chat, actor.id, message.seq))
    realtime.publish_on_commit(user_ids=recipients, event=events.message_event("created", message))
    return message


def _return_to_direct_chat(chat: Chat, actor_id: UUID, seq: int) -> UUID:
    """The other person had deleted this direct chat: it comes back for them from `seq` on."""
    other_id = _direct_other(chat, actor_id)
    Participant.objects.create(chat=chat, user_id=other_id, visible_from_seq=seq, last_read_seq=seq - 1)
    _publish_chat("created", chat.id, [other_id])
    return other_id


@transaction.atomic
def mark_read(*, actor: User, chat_id: UUID, seq: int) -> int:
    """Move the reader's marker forward to `seq` (never back, never past the last message);
    `read.updated` goes to the reader's other connections and the chat's other members."""
    participant = selectors.access_participant(user=actor, chat_id=chat_id)
    seq = min(seq, participant.chat.last_seq)
    moved = Participant.objects.filter(pk=participant.pk, last_read_seq__lt=seq).update(last_read_seq=seq)
    if moved:
        realtime.publish_on_commit(user_ids=selectors.member_ids(chat_id),
                                   event=events.read_updated(chat_id, actor.id, seq))
    return max(seq, participant.last_read_seq)



@transaction.atomic
def purge_chats(*, chat_ids: list[UUID]) -> int:
    """Delete these chats for everyone, with their messages and image files (used by the 90-day
    purge of matches). Each member gets `chat.deleted`. Returns how many messages went."""
    if not chat_ids:
        return 0
    list(Chat.objects.select_for_update().filter(id__in=chat_ids).order_by("id").values_list("id"))
    for chat_id, user_id in Participant.objects.filter(chat_id__in=chat_ids).values_list("chat_id", "user_id"):
        realtime.publish_on_commit(user_ids=[user_id], event=events.chat_deleted(chat_id))
    messages = Message.objects.filter(chat_id__in=chat_ids).count()
    _delete_chat_files(chat_ids)
    Chat.objects.filter(id__in=chat_ids).delete()
    return messages


def notify_typing(*, actor: User, chat_id: UUID) -> bool:
    """Tell the chat's other members that `actor` is typing. Nothing is stored; at most one
    broadcast per user and chat every TYPING_INTERVAL seconds, counted in the shared cache so
    that all the user's sockets, in every process, count together. Returns whether it was sent.
    Raises NotFound for a chat the actor is not in (so a removed member's typing goes nowhere)."""
    selectors.access_participant(user=actor, chat_id=chat_id)
    try:
        first = cache.add(f"typing:{actor.id}:{chat_id}", 1, timeout=TYPING_INTERVAL)
    except Exception:  # the shared cache is down: a typing hint is not worth an error
        first = True
    if first:
        others = [user_id for user_id in selectors.member_ids(chat_id) if user_id != actor.id]
        # No transaction is open here, so this publishes at once.
        realtime.publish_on_commit(user_ids=others, event=events.typing(chat_id, actor.id))
    return first
