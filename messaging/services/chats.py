"""Chats as a whole: create a group, rename it, get or create a direct chat, create a match chat,
leave (delete for oneself) one chat or all of them, purge chats. Also the pieces every change to
a chat's membership uses: the chat lock, `chat.*` events, system messages, a new participation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from chaat.errors import Invalid
from chaat.live import realtime
from friends.selectors import friend_id_list, relationship
from messaging import errors, events, policies, selectors, store
from messaging.models import Chat, FormerMember, Message, Participant
from messaging.services._stored_files import erase_files_on_commit, message_files_of

GROUP_MAX_MEMBERS = 256
GROUP_NAME_MAX_LENGTH = 100


def publish_chat(build: Callable[[selectors.ChatEntry], realtime.Event], chat_id: UUID,
                 user_ids: list[UUID] | None = None) -> None:
    """`build`'s event (chat_created, chat_updated, ...) to each member (or to `user_ids`), each
    with the chat as they see it, read after commit."""
    realtime.publish_on_commit(user_ids=user_ids, event=lambda: {
        user_id: build(entry) for user_id, entry in selectors.chat_for_members(chat_id).items()})


def lock_chat(*, actor: User, chat_id: UUID) -> Participant:
    """The actor's participation with the chat row locked (NotFound if not a member)."""
    return selectors.access_participant(user=actor, chat_id=chat_id, lock_chat=True)


def system_message(chat: Chat, text: str) -> Message:
    """Record a group change in the history: kind system, no sender, the next seq; every
    member (as of the change) gets `message.created` after commit."""
    now = timezone.now()
    message = Message(chat=chat, kind=Message.Kind.SYSTEM, text=text, created_at=now)
    message.seq = store.next_seq(chat.id, now)
    store.insert_message(message)
    realtime.publish_on_commit(user_ids=store.member_ids(chat.id),
                               event=events.message_created(message))
    return message


def site_language(language: str | None) -> str:
    """`language` if it is one of the site's languages, else the site's default."""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def joining(chat: Chat, user: User, language: str | None = None, **fields: Any) -> Participant:
    """A new (unsaved) participation: the member reads and writes the chat in `language`, by
    default their profile language (contract: "Members and your settings in a chat")."""
    return Participant(chat=chat, user=user, language=site_language(language or user.language), **fields)


def check_friends(actor: User, user_ids: list[UUID]) -> list[User]:
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


def check_manager(participant: Participant) -> None:
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
    members = check_friends(actor, others)
    chat = Chat.objects.create(kind=Chat.Kind.GROUP, name=name, created_by=actor)
    now = timezone.now()
    Participant.objects.bulk_create(
        [joining(chat, actor, role=Participant.Role.OWNER, joined_at=now)]
        + [joining(chat, user, joined_at=now) for user in members]
    )
    publish_chat(events.chat_created, chat.id)
    system_message(chat, _("%(actor)s created the group “%(name)s”.") % {"actor": actor.name, "name": name})
    return chat


@transaction.atomic
def rename_group(*, actor: User, chat_id: UUID, name: str) -> Chat:
    """Owner or admin renames a group (NotAllowed otherwise); members get `chat.updated`."""
    participant = lock_chat(actor=actor, chat_id=chat_id)
    check_manager(participant)
    chat = participant.chat
    name = _clean_name(name)
    if name != chat.name:
        chat.name = name
        chat.save(update_fields=["name"])
        publish_chat(events.chat_updated, chat.id)
        system_message(chat, _("%(actor)s renamed the group to “%(name)s”.") % {"actor": actor.name, "name": name})
    return chat


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
                Participant.objects.bulk_create([joining(chat, actor), joining(chat, other)])
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
            publish_chat(events.chat_created, chat.id, [actor.id])
    if created:
        publish_chat(events.chat_created, chat.id)
    return chat, created


@transaction.atomic
def create_match_chat(*, user_a: User, user_b: User, language_a: str | None = None,
                      language_b: str | None = None) -> Chat:
    """A chat of kind `match` for two matched strangers (called by matching.services); each reads
    it in the language they queued with (`language_a`, `language_b`), else their profile's."""
    chat = Chat.objects.create(kind=Chat.Kind.MATCH, created_by=None)
    Participant.objects.bulk_create([joining(chat, user_a, language_a), joining(chat, user_b, language_b)])
    publish_chat(events.chat_created, chat.id)
    return chat


@transaction.atomic
def leave_chat(*, actor: User, chat_id: UUID) -> None:
    """Delete this chat for the actor: they leave it and its history is gone for them
    (`chat.deleted` to their connections). In a group the others get `chat.member_removed` and a
    system message; an owner who leaves hands the group to the longest-standing admin, else the
    longest-standing member. In a direct chat the other person notices nothing, and the chat comes
    back for the actor with only new messages when either writes again. The last participant out
    deletes the chat with its messages (and, after commit, its files)."""
    take_out(lock_chat(actor=actor, chat_id=chat_id))


def take_out(participant: Participant) -> None:
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
    publish_chat(events.chat_member_removed, chat.id)
    if chat.kind != Chat.Kind.GROUP:
        return
    remember_former_member(chat, user.id)
    system_message(chat, _("%(user)s left.") % {"user": user.name})
    if participant.role == Participant.Role.OWNER:
        heir = remaining.filter(role=Participant.Role.ADMIN).first() or remaining.first()
        heir.role = Participant.Role.OWNER
        heir.save(update_fields=["role"])
        publish_chat(events.chat_updated, chat.id)
        system_message(chat, _("%(user)s is now the owner.") % {"user": heir.user.name})


def remember_former_member(chat: Chat, user_id: UUID) -> None:
    FormerMember.objects.update_or_create(chat=chat, user_id=user_id, defaults={"left_at": timezone.now()})


@transaction.atomic
def leave_all_chats(*, user: User) -> None:
    """Take `user` out of every chat (account deletion), each as leave_chat would: events,
    system messages and ownership hand-over included; empty chats are deleted."""
    chat_ids = list(Participant.objects.filter(user=user).values_list("chat_id", flat=True))
    # Lock in a fixed order so two deletions sharing chats cannot deadlock.
    list(Chat.objects.select_for_update().filter(id__in=chat_ids).order_by("id").values_list("id"))
    for participant in Participant.objects.filter(user=user).select_related("chat", "user").order_by("chat_id"):
        take_out(participant)


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


def _message_files(messages: Any) -> list[tuple[Any, str]]:
    with_files = messages.filter(~Q(image="") | ~Q(file=""))
    return [file for message in with_files for file in message_files_of(message)]


def _delete_chats(chat_ids: list[UUID]) -> None:
    """Delete these (locked, empty) chats with their messages; their files go after commit."""
    erase_files_on_commit(_message_files(Message.objects.filter(chat_id__in=chat_ids)))
    Chat.objects.filter(id__in=chat_ids).delete()
