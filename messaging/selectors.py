"""Reads of chats and messages, each limited to what the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Case, Count, F, OuterRef, QuerySet, Subquery, When
from django.db.models.functions import Coalesce, Greatest

from accounts.models import User
from chaat.errors import NotFound
from chaat.live import presence
from chaat.pagination import DEFAULT_PAGE_SIZE, Keyset
from friends.selectors import friend_id_list
from messaging import policies, store
from messaging.models import Chat, Mention, Message, MessageEdit, Participant, Reaction, Sticker
from translation.selectors import with_translations

HISTORY_DEFAULT_LIMIT = 50


@dataclass
class ChatEntry:
    """A chat as one participant sees it: what the chat object of the contract is built from."""

    chat: Chat
    participant: Participant
    members: list[User] = field(default_factory=list)
    last_message: Message | None = None
    unread_count: int = 0
    unread_mentions: int = 0

    @property
    def activity(self) -> datetime:
        return self.chat.last_message_at or self.chat.created_at

    @property
    def others(self) -> list[User]:
        """The members other than the viewer."""
        return [m for m in self.members if m.id != self.participant.user_id]

    @property
    def may_manage(self) -> bool:
        """Owner or admin of a group: may rename, add, remove and delete others' messages."""
        return policies.may_manage(self.participant)


def visible_messages(participant: Participant) -> QuerySet[Message]:
    """The messages of the participant's chat that they may see (the rule and its other forms:
    messaging/models.py, VISIBLE_SQL)."""
    return Message.objects.visible_to(participant)


def access_participant(*, user: User, chat_id: UUID, lock_chat: bool = False) -> Participant:
    """The viewer's participation in a chat (with the chat), or NotFound: a chat you are not in
    does not exist for you. `lock_chat` takes the chat row's lock first."""
    if lock_chat and not Chat.objects.select_for_update().filter(pk=chat_id).exists():
        raise NotFound()
    participant = store.participation(user_id=user.id, chat_id=chat_id)
    if participant is None:
        raise NotFound()
    return participant


def _after_marker() -> Greatest:
    """The last seq a participation (of the outer query) needs no more: read, or before what they may see."""
    return Greatest(OuterRef("last_read_seq"), OuterRef("visible_from_seq") - 1)


def _unread_subquery() -> Subquery:
    others_after_marker = (
        Message.objects.filter(
            chat_id=OuterRef("chat_id"),
            seq__gt=_after_marker(),
            deleted_at__isnull=True,
        )
        .exclude(kind=Message.Kind.SYSTEM)
        .exclude(sender_id=OuterRef("user_id"))
        .order_by()
        .values("chat_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(others_after_marker), 0)


def _unread_mentions_subquery() -> Subquery:
    """Messages after the marker that mention the participant (tombstones lose their mentions)."""
    mentions_after_marker = (
        Mention.objects.filter(
            user_id=OuterRef("user_id"),
            chat_id=OuterRef("chat_id"),
            seq__gt=_after_marker(),
        )
        .order_by()
        .values("chat_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(mentions_after_marker), 0)


@dataclass(frozen=True, slots=True)
class ReactionGroup:
    """One emoji on a message and who reacted so, first first."""

    emoji: str
    users: list[User]

    @property
    def user_ids(self) -> set[UUID]:
        return {user.id for user in self.users}


def attach_reactions(messages: list[Message]) -> list[Message]:
    """Set `reaction_groups` on each message (emoji in the order each first appeared), in one
    query for the whole list, none when no message can carry any."""
    groups: dict[UUID, dict[str, list[User]]] = {m.id: {} for m in messages if not m.deleted}
    if groups:
        rows = Reaction.objects.filter(message_id__in=groups).select_related("user").order_by("created_at", "id")
        for reaction in rows:
            groups[reaction.message_id].setdefault(reaction.emoji, []).append(reaction.user)
    for message in messages:
        message.reaction_groups = [ReactionGroup(emoji, users)
                                   for emoji, users in groups.get(message.id, {}).items()]
    return messages


def _entries(participations: QuerySet[Participant] | list[Participant]) -> list[ChatEntry]:
    """Fill members and last messages for these participations in two more queries."""
    rows = list(participations)
    chat_ids = [p.chat_id for p in rows]
    members: dict[UUID, list[User]] = {chat_id: [] for chat_id in chat_ids}
    for member in Participant.objects.filter(chat_id__in=chat_ids).select_related("user").order_by("joined_at"):
        members[member.chat_id].append(member.user)
    _add_direct_partners_who_left(rows, members)
    last: dict[UUID, Message] = {
        m.chat_id: m
        for m in Message.objects.filter(chat_id__in=chat_ids, seq=F("chat__last_seq")).select_related(
            "sender", "sticker"
        )
    }
    shown = [(p, None if p.chat_id not in last or not p.sees(last[p.chat_id].seq) else last[p.chat_id])
             for p in rows]
    shown = with_translations(shown)  # one query, only when a reader has auto_translate on
    entries = [ChatEntry(p.chat, p, members[p.chat_id], message, p.unread, p.unread_mentions)
               for p, message in zip(rows, shown, strict=True)]
    attach_reactions([entry.last_message for entry in entries if entry.last_message is not None])
    return entries


def _add_direct_partners_who_left(rows: list[Participant], members: dict[UUID, list[User]]) -> None:
    """Deleting a direct chat is private: whoever still has it keeps seeing who it is with.
    One more query, only when such chats are on the page."""
    missing: dict[UUID, list[UUID]] = {}
    for p in rows:
        if p.chat.kind == Chat.Kind.DIRECT and len(members[p.chat_id]) < 2:
            present = {user.id for user in members[p.chat_id]}
            missing[p.chat_id] = [UUID(part) for part in p.chat.direct_key.split(":") if UUID(part) not in present]
    if missing:
        users = User.objects.in_bulk([uid for ids in missing.values() for uid in ids])
        for chat_id, ids in missing.items():
            members[chat_id].extend(users[uid] for uid in ids if uid in users)


def _participations(**filters: Any) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(**filters)
        .select_related("chat")
        .annotate(
            activity=Coalesce("chat__last_message_at", "chat__created_at"),
            unread=_unread_subquery(),
            unread_mentions=_unread_mentions_subquery(),
        )
    )


CHAT_PAGES = Keyset("-activity", "-chat_id")


def list_chats(*, user: User, cursor: str | None = None,
               limit: int = DEFAULT_PAGE_SIZE) -> tuple[list[ChatEntry], str | None]:
    """The viewer's chats, most recent activity first, in a constant number of queries.
    Returns the page and the cursor of the next page (or None); a forged cursor is Invalid."""
    rows, after = CHAT_PAGES.page(_participations(user=user), cursor=cursor, limit=limit)
    return _entries(rows), after


def get_chat(*, user: User, chat_id: UUID) -> ChatEntry:
    entries = _entries(_participations(user=user, chat_id=chat_id))
    if not entries:
        raise NotFound()
    return entries[0]


def chat_for_members(chat_id: UUID) -> dict[UUID, ChatEntry]:
    """The chat as each of its members sees it, in a constant number of queries (for events)."""
    return {entry.participant.user_id: entry for entry in _entries(_participations(chat_id=chat_id))}


def list_messages(*, participant: Participant, before: int | None = None, after: int | None = None,
                  limit: int = HISTORY_DEFAULT_LIMIT, quotes: bool = False) -> tuple[list[Message], bool]:
    """A page of history ascending by seq, from what this participant may see, and whether
    more lies beyond it (older for `before` or the default, newer for `after`). `quotes` loads
    the messages replied to as well (the site shows them; the API gives their ids only)."""
    related = ("sender", "sticker", "reply_to", "reply_to__sender") if quotes else ("sender", "sticker")
    messages = visible_messages(participant).select_related(*related)
    if after is not None:
        page = list(messages.filter(seq__gt=after).order_by("seq")[: limit + 1])
        return attach_reactions(_translated(participant, page[:limit])), len(page) > limit
    if before is not None:
        messages = messages.filter(seq__lt=before)
    page = list(messages.order_by("-seq")[: limit + 1])
    return attach_reactions(_translated(participant, list(reversed(page[:limit])))), len(page) > limit


def _translated(participant: Participant, messages: list[Message]) -> list[Message]:
    """The page with the reader's translations on it (auto_translate; one query, only then)."""
    return with_translations([(participant, message) for message in messages])


def direct_key(a: UUID, b: UUID) -> str:
    low, high = sorted([a, b], key=lambda u: u.int)
    return f"{low.hex}:{high.hex}"


def is_online(user_id: UUID) -> bool:
    """True while the user has at least one open socket (in any server process)."""
    return presence.is_online(user_id)


def friends_presence(*, user: User, only: list[UUID] | None = None) -> list[tuple[UUID, bool]]:
    """(friend id, online) for each of the viewer's friends, or for those of `only` that are
    friends: presence is shown to friends only. One query, one Redis call."""
    friends = friend_id_list(user.id)
    if only is not None:
        wanted = set(only)
        friends = [friend for friend in friends if friend in wanted]
    online = presence.online_ids(friends)
    return [(friend, str(friend) in online) for friend in friends]


def list_edits(*, participant: Participant, message_id: UUID) -> list[MessageEdit]:
    """The earlier versions of a message the participant may see, oldest first (none once the
    message is deleted: deletion erases them)."""
    if not visible_messages(participant).filter(pk=message_id).exists():
        raise NotFound()
    return list(MessageEdit.objects.filter(message_id=message_id).order_by("edited_at", "id"))


def list_stickers() -> list[Sticker]:
    return list(Sticker.objects.order_by("pack", "position"))


def get_message(*, participant: Participant, seq: int) -> Message:
    message = (
        visible_messages(participant).select_related("sender", "sticker", "reply_to", "reply_to__sender")
        .filter(seq=seq).first()
    )
    if message is None:
        raise NotFound()
    (message,) = with_translations([(participant, message)])
    attach_reactions([message])
    return message


def others_read_seq(*, participant: Participant) -> int:
    """The furthest read marker among the other members (for "seen" marks)."""
    markers = Participant.objects.filter(chat_id=participant.chat_id).exclude(pk=participant.pk)
    return max(markers.values_list("last_read_seq", flat=True), default=0)


def list_members(*, chat_id: UUID) -> list[Participant]:
    """The chat's participants with their users, owner first, then by when they joined."""
    order = Case(When(role=Participant.Role.OWNER, then=0), When(role=Participant.Role.ADMIN, then=1), default=2)
    return list(Participant.objects.filter(chat_id=chat_id).select_related("user").order_by(order, "joined_at"))


def list_members_oldest_first(*, participant: Participant) -> list[Participant]:
    """Every member of the participant's chat with their user, oldest first (the API's member list)."""
    return list(Participant.objects.filter(chat_id=participant.chat_id).select_related("user")
                .order_by("joined_at", "id"))


def chats_by_id(*, user: User, chat_ids: list[UUID]) -> dict[UUID, ChatEntry]:
    """Those of these chats the viewer is in, as they see them (search results show their names),
    in a constant number of queries."""
    return {entry.chat.id: entry for entry in _entries(_participations(user=user, chat_id__in=chat_ids))}


def viewers_of(message: Message) -> list[UUID]:
    """The members who may see this message (those who joined or returned after it may not)."""
    return list(Participant.objects.seeing(message).values_list("user_id", flat=True))


def access_message(*, participant: Participant, message_id: UUID, lock: bool = False) -> Message:
    """A message of the participant's chat that they may see (not from before they joined or
    returned), or NotFound. With `lock`, its row is locked."""
    messages = visible_messages(participant).select_related("sender", "sticker")
    if lock:
        messages = messages.select_for_update(of=("self",))
    message = messages.filter(pk=message_id).first()
    if message is None:
        raise NotFound()
    return message
