"""Every change to chats and messages. Each function is one transaction; events go out after commit."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import emoji as emoji_data
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from chaat import ratelimit, realtime
from chaat.errors import Invalid, NotFound
from friends.selectors import blocked_either_way_ids, friend_id_list, relationship
from messaging import errors, events, policies, selectors, store
from messaging.models import (
    TEXT_MAX_LENGTH,
    Chat,
    FormerMember,
    Mention,
    Message,
    MessageEdit,
    Participant,
    Reaction,
    Sticker,
)
from notifications.services import push_message_on_commit
from translation import services as translation_services

# A user's typing is broadcast at most once per chat in this many seconds (contract: 2).
TYPING_INTERVAL = 2

# --- chats ---------------------------------------------------------------------------------------

GROUP_MAX_MEMBERS = 256
GROUP_NAME_MAX_LENGTH = 100


def _publish_chat(kind: str, chat_id: UUID, user_ids: list[UUID] | None = None) -> None:
    """Send `chat.<kind>` to each member (or to `user_ids`), each with the chat as they see it,
    read after commit."""

    def send() -> None:
        for user_id, entry in selectors.chat_for_members(chat_id).items():
            if user_ids is None or user_id in user_ids:
                realtime.send_to_users([user_id], {"type": realtime.EVENT_MESSAGE_TYPE,
                                                   "event": events.chat_event(kind, entry)})

    transaction.on_commit(send)


def _lock_chat(*, actor: User, chat_id: UUID) -> Participant:
    """The actor's participation with the chat row locked (NotFound if not a member)."""
    return selectors.access_participant(user=actor, chat_id=chat_id, lock_chat=True)


def _system_message(chat: Chat, text: str) -> Message:
    """Record a group change in the history: kind system, no sender, the next seq; every
    member (as of the change) gets `message.created` after commit."""
    now = timezone.now()
    message = Message(chat=chat, kind=Message.Kind.SYSTEM, text=text, created_at=now)
    message.seq = store.next_seq(chat.id, now)
    store.insert_message(message)
    realtime.publish_on_commit(user_ids=store.member_ids(chat.id),
                               event=events.message_event("created", message))
    return message


def site_language(language: str | None) -> str:
    """`language` if it is one of the site's languages, else the site's default."""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _joining(chat: Chat, user: User, language: str | None = None, **fields: Any) -> Participant:
    """A new (unsaved) participation: the member reads and writes the chat in `language`, by
    default their profile language (contract: "Members and your settings in a chat")."""
    return Participant(chat=chat, user=user, language=site_language(language or user.language), **fields)


def _check_friends(actor: User, user_ids: list[UUID]) -> list[User]:
    """The users, if each is an active friend of the actor; else MembersNotFriends naming them."""
    friends = set(friend_id_list(actor.id))
    users = {u.id: u for u in User.objects.filter(pk__in=user_ids, is_active=True)}
    strangers = [str(uid) for uid in user_ids if uid not in friends or uid not in users]
    if strangers:
        raise errors.MembersNotFriends(fields={"members": strangers})
    return [users[uid] for uid in user_ids]


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise Invalid(fields={"name": [_("Give the group a name.")]})
    if len(name) > GROUP_NAME_MAX_LENGTH:
        raise Invalid(fields={"name": [_("At most %(n)d characters.") % {"n": GROUP_NAME_MAX_LENGTH}]})
    return name


def _check_manager(participant: Participant) -> None:
    if not policies.may_manage(participant):
        raise errors.NotAllowed()


@transaction.atomic
def create_group(*, actor: User, name: str, member_ids: list[UUID]) -> Chat:
    """A group owned by the actor with these friends as members (the actor may be listed too).
    Raises Invalid (name), MembersNotFriends (400, `fields.members` lists the others),
    TooManyMembers (more than 256 with the owner). Members get `chat.created`, then the
    system message's `message.created`."""
    name = _clean_name(name)
    others = list(dict.fromkeys(uid for uid in member_ids if uid != actor.id))
    if len(others) + 1 > GROUP_MAX_MEMBERS:
        raise errors.TooManyMembers()
    members = _check_friends(actor, others)
    chat = Chat.objects.create(kind=Chat.Kind.GROUP, name=name, created_by=actor)
    now = timezone.now()
    Participant.objects.bulk_create(
        [_joining(chat, actor, role=Participant.Role.OWNER, joined_at=now)]
        + [_joining(chat, user, joined_at=now) for user in members]
    )
    _publish_chat("created", chat.id)
    _system_message(chat, _("%(actor)s created the group “%(name)s”.") % {"actor": actor.name, "name": name})
    return chat


@transaction.atomic
def rename_group(*, actor: User, chat_id: UUID, name: str) -> Chat:
    """Owner or admin renames a group (NotAllowed otherwise); members get `chat.updated`."""
    participant = _lock_chat(actor=actor, chat_id=chat_id)
    _check_manager(participant)
    chat = participant.chat
    name = _clean_name(name)
    if name != chat.name:
        chat.name = name
        chat.save(update_fields=["name"])
        _publish_chat("updated", chat.id)
        _system_message(chat, _("%(actor)s renamed the group to “%(name)s”.") % {"actor": actor.name, "name": name})
    return chat


@transaction.atomic
def add_member(*, actor: User, chat_id: UUID, user_id: UUID) -> Participant:
    """Owner or admin adds one of their friends to a group. Raises NotAllowed, MembersNotFriends
    (`fields.user`), AlreadyMember (409), TooManyMembers. The newcomer gets `chat.created`, the
    others `chat.member_added`; everyone then the system message."""
    participant = _lock_chat(actor=actor, chat_id=chat_id)
    _check_manager(participant)
    chat = participant.chat
    try:
        (user,) = _check_friends(actor, [user_id])
    except errors.MembersNotFriends as exc:
        raise errors.MembersNotFriends(fields={"user": [str(user_id)]}) from exc
    if Participant.objects.filter(chat=chat, user=user).exists():
        raise errors.AlreadyMember()
    if Participant.objects.filter(chat=chat).count() >= GROUP_MAX_MEMBERS:
        raise errors.TooManyMembers()
    added = _joining(chat, user, visible_from_seq=1)
    if FormerMember.objects.filter(chat=chat, user=user).exists():
        # Back after leaving or being removed: the chat from their return on (the system message below).
        added.visible_from_seq, added.last_read_seq = chat.last_seq + 1, chat.last_seq
    added.save(force_insert=True)
    _publish_chat("created", chat.id, [user.id])
    _publish_chat("member_added", chat.id, [uid for uid in store.member_ids(chat.id) if uid != user.id])
    _system_message(chat, _("%(actor)s added %(user)s.") % {"actor": actor.name, "user": user.name})
    return added


@transaction.atomic
def set_member_role(*, actor: User, chat_id: UUID, user_id: UUID, role: str) -> Participant:
    """The owner makes a member an admin or an admin a member again (NotAllowed for anyone else,
    or to change the owner). Members get `chat.updated`."""
    participant = _lock_chat(actor=actor, chat_id=chat_id)
    if participant.chat.kind != Chat.Kind.GROUP or participant.role != Participant.Role.OWNER:
        raise errors.NotAllowed()
    if role not in (Participant.Role.ADMIN, Participant.Role.MEMBER):
        raise Invalid(fields={"role": [_("Choose admin or member.")]})
    target = Participant.objects.filter(chat_id=chat_id, user_id=user_id).select_related("user").first()
    if target is None:
        raise NotFound()
    if target.role == Participant.Role.OWNER:
        raise errors.NotAllowed()
    if target.role != role:
        target.role = role
        target.save(update_fields=["role"])
        _publish_chat("updated", chat_id)
    return target


@transaction.atomic
def remove_member(*, actor: User, chat_id: UUID, user_id: UUID) -> None:
    """Take someone out of a group. Anyone may remove themself (that is leaving, see leave_chat);
    the owner removes anyone, an admin removes plain members only (NotAllowed otherwise).
    The removed person gets `chat.deleted`, the others `chat.member_removed` and the system message."""
    if user_id == actor.id:
        participant = _lock_chat(actor=actor, chat_id=chat_id)
        if participant.chat.kind != Chat.Kind.GROUP:
            raise errors.NotAllowed()
        _leave(participant)
        return
    participant = _lock_chat(actor=actor, chat_id=chat_id)
    _check_manager(participant)
    target = Participant.objects.filter(chat_id=chat_id, user_id=user_id).select_related("user").first()
    if target is None:
        raise NotFound()
    if not policies.may_remove_member(participant, target):
        raise errors.NotAllowed()
    target.delete()
    _remember_former_member(participant.chat, user_id)
    realtime.publish_on_commit(user_ids=[user_id], event=events.chat_deleted(chat_id))
    _publish_chat("member_removed", chat_id)
    _system_message(participant.chat, _("%(actor)s removed %(user)s.") % {"actor": actor.name,
                                                                          "user": target.user.name})


def _remember_former_member(chat: Chat, user_id: UUID) -> None:
    FormerMember.objects.update_or_create(chat=chat, user_id=user_id, defaults={"left_at": timezone.now()})


@transaction.atomic
def leave_chat(*, actor: User, chat_id: UUID) -> None:
    """Delete this chat for the actor: they leave it and its history is gone for them
    (`chat.deleted` to their connections). In a group the others get `chat.member_removed` and a
    system message; an owner who leaves hands the group to the longest-standing admin, else the
    longest-standing member. In a direct chat the other person notices nothing, and the chat comes
    back for the actor with only new messages when either writes again. The last participant out
    deletes the chat with its messages (and, after commit, its files)."""
    _leave(_lock_chat(actor=actor, chat_id=chat_id))


def _leave(participant: Participant) -> None:
    """Take this participant out of its (locked) chat; see leave_chat."""
    chat, user = participant.chat, participant.user
    participant.delete()
    realtime.publish_on_commit(user_ids=[user.id], event=events.chat_deleted(chat.id))
    remaining = Participant.objects.filter(chat=chat).select_related("user").order_by("joined_at", "id")
    if not remaining.exists():
        _delete_chats([chat.id])
        return
    if chat.kind == Chat.Kind.DIRECT:
        return
    _publish_chat("member_removed", chat.id)
    if chat.kind != Chat.Kind.GROUP:
        return
    _remember_former_member(chat, user.id)
    _system_message(chat, _("%(user)s left.") % {"user": user.name})
    if participant.role == Participant.Role.OWNER:
        heir = remaining.filter(role=Participant.Role.ADMIN).first() or remaining.first()
        heir.role = Participant.Role.OWNER
        heir.save(update_fields=["role"])
        _publish_chat("updated", chat.id)
        _system_message(chat, _("%(user)s is now the owner.") % {"user": heir.user.name})


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
    between = relationship(actor.id, other.id)
    if between.blocked:
        raise errors.Blocked()
    if not between.friends:
        raise errors.NotFriends()
    key = selectors.direct_key(actor.id, other.id)
    chat = Chat.objects.filter(direct_key=key).first()
    created = False
    if chat is None:
        try:
            with transaction.atomic():
                chat = Chat.objects.create(kind=Chat.Kind.DIRECT, direct_key=key, created_by=actor)
                Participant.objects.bulk_create([_joining(chat, actor), _joining(chat, other)])
                created = True
        except IntegrityError:
            chat = Chat.objects.get(direct_key=key)
    if not created:
        # The chat may have been deleted by the actor before: it comes back with new messages only.
        chat = Chat.objects.select_for_update().get(pk=chat.pk)
        _participant, rejoined = Participant.objects.get_or_create(
            chat=chat, user=actor, defaults={"visible_from_seq": chat.last_seq + 1,
                                             "last_read_seq": chat.last_seq,
                                             "language": site_language(actor.language)}
        )
        if rejoined:
            _publish_chat("created", chat.id, [actor.id])
    if created:
        _publish_chat("created", chat.id)
    return chat, created


@transaction.atomic
def create_match_chat(*, user_a: User, user_b: User, language_a: str | None = None,
                      language_b: str | None = None) -> Chat:
    """A chat of kind `match` for two matched strangers (called by matching.services); each reads
    it in the language they queued with (`language_a`, `language_b`), else their profile's."""
    chat = Chat.objects.create(kind=Chat.Kind.MATCH, created_by=None)
    Participant.objects.bulk_create([_joining(chat, user_a, language_a), _joining(chat, user_b, language_b)])
    _publish_chat("created", chat.id)
    return chat


def _message_files(messages: Any) -> list[tuple[Any, str]]:
    with_files = messages.filter(~Q(image="") | ~Q(file=""))
    return [file for message in with_files for file in _message_files_of(message)]


def _erase_files_on_commit(files: list[tuple[Any, str]]) -> None:
    """Files are not transactional: erase them only once the rows that named them are gone."""
    if files:
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


def _delete_chats(chat_ids: list[UUID]) -> None:
    """Delete these (locked, empty) chats with their messages; their files go after commit."""
    _erase_files_on_commit(_message_files(Message.objects.filter(chat_id__in=chat_ids)))
    Chat.objects.filter(id__in=chat_ids).delete()


@transaction.atomic
def leave_all_chats(*, user: User) -> None:
    """Take `user` out of every chat (account deletion), each as leave_chat would: events,
    system messages and ownership hand-over included; empty chats are deleted."""
    chat_ids = list(Participant.objects.filter(user=user).values_list("chat_id", flat=True))
    # Lock in a fixed order so two deletions sharing chats cannot deadlock.
    list(Chat.objects.select_for_update().filter(id__in=chat_ids).order_by("id").values_list("id"))
    for participant in Participant.objects.filter(user=user).select_related("chat", "user").order_by("chat_id"):
        _leave(participant)


# --- a member's own settings in a chat -----------------------------------------------------------

CHAT_SETTINGS = ("language", "auto_translate", "notify", "muted_until")


@transaction.atomic
def update_chat_settings(*, actor: User, chat_id: UUID, changes: Mapping[str, Any]) -> Participant:
    """Change the actor's own settings in a chat: any of CHAT_SETTINGS. Raises NotFound (not a
    member) and Invalid (a language the site does not have, an unknown `notify`, a `muted_until`
    in the past). `chat.updated` goes to every member for a new language (the member list shows
    it), else to the actor's own connections."""
    participant = (Participant.objects.select_for_update(of=("self",)).select_related("chat")
                   .filter(chat_id=chat_id, user=actor).first())
    if participant is None:
        raise NotFound()
    unknown = set(changes) - set(CHAT_SETTINGS)
    if unknown:
        raise Invalid(fields={name: [_("Not a setting.")] for name in sorted(unknown)})
    if "language" in changes and changes["language"] not in dict(settings.LANGUAGES):
        raise Invalid(fields={"language": [_("Not one of the site's languages.")]})
    if "notify" in changes and changes["notify"] not in Participant.Notify.values:
        raise Invalid(fields={"notify": [_("Choose all, mentions or none.")]})
    muted_until: datetime | None = changes.get("muted_until")
    if muted_until is not None and muted_until <= timezone.now():
        raise Invalid(fields={"muted_until": [_("A time in the future, or nothing.")]})
    changed = [name for name in CHAT_SETTINGS if name in changes and getattr(participant, name) != changes[name]]
    if not changed:
        return participant
    language_changed = "language" in changed
    for name in changed:
        setattr(participant, name, changes[name])
    participant.save(update_fields=changed)
    # Everyone sees a member's language; the other settings are the actor's own business.
    _publish_chat("updated", chat_id, None if language_changed else [actor.id])
    return participant


# --- messages ------------------------------------------------------------------------------------


def _check_may_send(*, actor_id: UUID, chat_id: UUID, chat_kind: str, direct_key: str | None) -> None:
    if chat_kind == Chat.Kind.DIRECT:
        between = relationship(actor_id, _direct_other(direct_key, actor_id))
        if between.blocked:
            raise errors.Blocked()
        if not between.friends:
            raise errors.NotFriends()
    elif chat_kind == Chat.Kind.MATCH:
        from matching.selectors import match_is_open

        if not match_is_open(chat_id=chat_id):
            raise errors.MatchEnded()


def _direct_other(direct_key: str, user_id: UUID) -> UUID:
    low, high = (UUID(part) for part in direct_key.split(":"))
    return high if low == user_id else low


def _clean_text(text: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise Invalid(fields={"text": [_("Write a message first.")]})
    if len(text) > TEXT_MAX_LENGTH:
        raise Invalid(fields={"text": [_("At most %(n)d characters.") % {"n": TEXT_MAX_LENGTH}]})
    return text


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
    _check_may_send(actor_id=actor.id, chat_id=chat_id, chat_kind=context.chat_kind,
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
        message.text = _clean_text(text, required=True)
    elif kind == Message.Kind.STICKER:
        message.sticker = Sticker.objects.filter(pk=sticker or "").first()
        if message.sticker is None:
            raise Invalid(fields={"sticker": [_("No such sticker.")]})
    elif kind == Message.Kind.IMAGE:
        from messaging.images import attach_image

        ratelimit.limit_upload(user_id=actor.id)  # images and avatars share the `upload` limit
        message.text = _clean_text(text, required=False)
        attach_image(message, image)
    elif kind in (Message.Kind.FILE, Message.Kind.VOICE):
        from messaging.files import attach_file

        ratelimit.limit_upload(user_id=actor.id)  # images, files and voice share the `upload` limit
        message.text = _clean_text(text, required=False) if kind == Message.Kind.FILE else ""
        attach_file(message, file)
    else:
        raise Invalid(fields={"kind": [_("Send text, a sticker, an image, a file or a voice message.")]})
    message.lang = (lang or context.language) if message.text else None
    message.mentions = _mentioned_ids(chat_id, actor.id, message.text)
    message.reaction_groups = []
    try:
        _store(message, context.participant_id)
        _index_mentions(message)
    except BaseException:
        # The files were written already; without the row nothing would ever erase them.
        for storage, name in _message_files_of(message):
            storage.delete(name)
        raise
    recipients = store.member_ids(chat_id)
    returned = context.chat_kind == Chat.Kind.DIRECT and len(recipients) < 2
    if returned:
        recipients.append(_return_to_direct_chat(chat_id, context.direct_key, actor.id, message.seq))
    realtime.publish_on_commit(user_ids=recipients, event=events.message_event("created", message))
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


def _message_files_of(message: Message) -> list[tuple[Any, str]]:
    return [(field.storage, field.name) for field in (message.image, message.thumbnail, message.file)
            if field.name]


def _return_to_direct_chat(chat_id: UUID, direct_key: str, actor_id: UUID, seq: int) -> UUID:
    """The other person had deleted this direct chat: it comes back for them from `seq` on."""
    other_id = _direct_other(direct_key, actor_id)
    language = User.objects.filter(pk=other_id).values_list("language", flat=True).first()
    Participant.objects.create(chat_id=chat_id, user_id=other_id, visible_from_seq=seq, last_read_seq=seq - 1,
                               language=site_language(language))
    _publish_chat("created", chat_id, [other_id])
    return other_id


def _members_not_blocked(chat_id: UUID, actor_id: UUID) -> list[UUID]:
    """The chat's members (the actor included) but those blocked by the actor or blocking them:
    neither's typing or read markers reach the other while a block lasts."""
    hidden = blocked_either_way_ids(actor_id)
    return [user_id for user_id in store.member_ids(chat_id) if user_id not in hidden]


@transaction.atomic
def mark_read(*, actor: User, chat_id: UUID, seq: int) -> int:
    """Move the reader's marker forward to `seq` (never back, never past the last message);
    `read.updated` goes to the reader's other connections and the chat's other members."""
    participant = selectors.access_participant(user=actor, chat_id=chat_id)
    seq = min(seq, participant.chat.last_seq)
    moved = Participant.objects.filter(pk=participant.pk, last_read_seq__lt=seq).update(last_read_seq=seq)
    if moved:
        realtime.publish_on_commit(user_ids=_members_not_blocked(chat_id, actor.id),
                                   event=events.read_updated(chat_id, actor.id, seq))
    return max(seq, participant.last_read_seq)



@transaction.atomic
def purge_chats(*, chat_ids: list[UUID]) -> int:
    """Delete these chats for everyone, with their messages and their image and attached files (used by the 90-day
    purge of matches). Each member gets `chat.deleted`. Returns how many messages went."""
    if not chat_ids:
        return 0
    list(Chat.objects.select_for_update().filter(id__in=chat_ids).order_by("id").values_list("id"))
    for chat_id, user_id in Participant.objects.filter(chat_id__in=chat_ids).values_list("chat_id", "user_id"):
        realtime.publish_on_commit(user_ids=[user_id], event=events.chat_deleted(chat_id))
    messages = Message.objects.filter(chat_id__in=chat_ids).count()
    _delete_chats(chat_ids)
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
        others = [user_id for user_id in _members_not_blocked(chat_id, actor.id) if user_id != actor.id]
        # No transaction is open here, so this publishes at once.
        realtime.publish_on_commit(user_ids=others, event=events.typing(chat_id, actor.id))
    return first


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
    _check_may_send(actor_id=actor.id, chat_id=chat.id, chat_kind=chat.kind, direct_key=chat.direct_key)
    text = _clean_text(text, required=True)
    if text == message.text:
        return message
    now = timezone.now()
    MessageEdit.objects.create(message=message, text=message.text, edited_at=now)
    message.text, message.edited_at = text, now
    message.mentions = _mentioned_ids(chat_id, actor.id, text)
    message.save(update_fields=["text", "edited_at", "mentions"])
    Mention.objects.filter(message=message).delete()
    _index_mentions(message)
    translation_services.retranslate_after_edit(message)
    _publish_message("updated", message)
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
    _erase_files_on_commit(_message_files_of(message))
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
                               event=events.message_event("deleted", message))
    return message


# --- mentions ------------------------------------------------------------------------------------

# `@name` not glued to a word, an address or another mention; the name as usernames are spelled.
_MENTION = re.compile(r"(?<![\w.@])@([a-z0-9_.]+)", re.IGNORECASE)


def _mentioned_ids(chat_id: UUID, sender_id: UUID, text: str) -> list[str]:
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


def _index_mentions(message: Message) -> None:
    """Rows that let the inbox count unread mentions (see models.Mention)."""
    if message.mentions:
        Mention.objects.bulk_create([Mention(message=message, user_id=user_id, chat_id=message.chat_id,
                                             seq=message.seq) for user_id in message.mentions])


# --- reactions -----------------------------------------------------------------------------------

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
    _check_may_send(actor_id=actor.id, chat_id=chat.id, chat_kind=chat.kind, direct_key=chat.direct_key)
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


def _publish_message(kind: str, message: Message) -> None:
    """`message.<kind>` to everyone who may see the message, each with their own `me`."""
    if getattr(message, "reaction_groups", None) is None:
        selectors.attach_reactions([message])
    for viewer_ids in _viewers_by_own_reactions(message):
        realtime.publish_on_commit(user_ids=viewer_ids,
                                   event=events.message_event(kind, message, viewer_id=viewer_ids[0]))


def _viewers_by_own_reactions(message: Message) -> list[list[UUID]]:
    """Those who may see the (reactions-attached) message, grouped by the emoji they reacted with
    on it: each group sees the same `me` marks, so it gets one event instead of one each."""
    groups: dict[frozenset[str], list[UUID]] = {}
    for user_id in selectors.viewers_of(message):
        mine = frozenset(group.emoji for group in message.reaction_groups if user_id in group.user_ids)
        groups.setdefault(mine, []).append(user_id)
    return list(groups.values())
