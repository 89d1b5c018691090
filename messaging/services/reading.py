"""Reading: read markers and typing hints (nothing but the marker is stored)."""

from __future__ import annotations

from uuid import UUID

from django.core.cache import cache
from django.db import transaction

from accounts.models import User
from chaat.live import realtime
from friends.selectors import blocked_either_way_ids
from messaging import events, selectors, store
from messaging.models import Participant

# A user's typing is broadcast at most once per chat in this many seconds (contract: 2).
TYPING_INTERVAL = 2


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


def _members_not_blocked(chat_id: UUID, actor_id: UUID) -> list[UUID]:
    """The chat's members (the actor included) but those blocked by the actor or blocking them:
    neither's typing or read markers reach the other while a block lasts."""
    hidden = blocked_either_way_ids(actor_id)
    return [user_id for user_id in store.member_ids(chat_id) if user_id not in hidden]
