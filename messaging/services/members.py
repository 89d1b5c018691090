"""A group's members: add, remove, change a role; and each member's own settings in a chat."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from chaat.errors import Invalid, NotFound
from chaat.live import realtime
from messaging import errors, events, policies, store
from messaging.models import Chat, FormerMember, Participant
from messaging.services.chats import (
    GROUP_MAX_MEMBERS,
    check_friends,
    check_manager,
    joining,
    lock_chat,
    publish_chat,
    remember_former_member,
    system_message,
    take_out,
)


@transaction.atomic
def add_member(*, actor: User, chat_id: UUID, user_id: UUID) -> Participant:
    """Owner or admin adds one of their friends to a group. Raises NotAllowed, MembersNotFriends
    (`fields.user`), AlreadyMember (409), TooManyMembers. The newcomer gets `chat.created`, the
    others `chat.member_added`; everyone then the system message."""
    participant = lock_chat(actor=actor, chat_id=chat_id)
    check_manager(participant)
    chat = participant.chat
    try:
        (user,) = check_friends(actor, [user_id])
    except errors.MembersNotFriends as exc:
        raise errors.MembersNotFriends(fields={"user": [str(user_id)]}) from exc
    if Participant.objects.filter(chat=chat, user=user).exists():
        raise errors.AlreadyMember()
    if Participant.objects.filter(chat=chat).count() >= GROUP_MAX_MEMBERS:
        raise errors.TooManyMembers()
    added = joining(chat, user, visible_from_seq=1)
    if FormerMember.objects.filter(chat=chat, user=user).exists():
        # Back after leaving or being removed: the chat from their return on (the system message below).
        added.visible_from_seq, added.last_read_seq = chat.last_seq + 1, chat.last_seq
    added.save(force_insert=True)
    publish_chat(events.chat_created, chat.id, [user.id])
    publish_chat(events.chat_member_added, chat.id, [uid for uid in store.member_ids(chat.id) if uid != user.id])
    system_message(chat, _("%(actor)s added %(user)s.") % {"actor": actor.name, "user": user.name})
    return added


@transaction.atomic
def set_member_role(*, actor: User, chat_id: UUID, user_id: UUID, role: str) -> Participant:
    """The owner makes a member an admin or an admin a member again (NotAllowed for anyone else,
    or to change the owner). Members get `chat.updated`."""
    participant = lock_chat(actor=actor, chat_id=chat_id)
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
        publish_chat(events.chat_updated, chat_id)
    return target


@transaction.atomic
def remove_member(*, actor: User, chat_id: UUID, user_id: UUID) -> None:
    """Take someone out of a group. Anyone may remove themself (that is leaving, see leave_chat);
    the owner removes anyone, an admin removes plain members only (NotAllowed otherwise).
    The removed person gets `chat.deleted`, the others `chat.member_removed` and the system message."""
    if user_id == actor.id:
        participant = lock_chat(actor=actor, chat_id=chat_id)
        if participant.chat.kind != Chat.Kind.GROUP:
            raise errors.NotAllowed()
        take_out(participant)
        return
    participant = lock_chat(actor=actor, chat_id=chat_id)
    check_manager(participant)
    target = Participant.objects.filter(chat_id=chat_id, user_id=user_id).select_related("user").first()
    if target is None:
        raise NotFound()
    if not policies.may_remove_member(participant, target):
        raise errors.NotAllowed()
    target.delete()
    remember_former_member(participant.chat, user_id)
    realtime.publish_on_commit(user_ids=[user_id], event=events.chat_deleted(chat_id))
    publish_chat(events.chat_member_removed, chat_id)
    system_message(participant.chat, _("%(actor)s removed %(user)s.") % {"actor": actor.name,
                                                                         "user": target.user.name})


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
    publish_chat(events.chat_updated, chat_id, None if language_changed else [actor.id])
    return participant
