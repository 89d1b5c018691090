"""Reads about friendship and blocks that other apps rely on."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Q, QuerySet

from friends.models import Block, Friendship


def ordered_pair(a: UUID, b: UUID) -> tuple[UUID, UUID]:
    return (a, b) if a.int < b.int else (b, a)


def are_friends(a: UUID, b: UUID) -> bool:
    low, high = ordered_pair(a, b)
    return Friendship.objects.filter(user_low_id=low, user_high_id=high).exists()


def is_blocked_between(a: UUID, b: UUID) -> bool:
    """True when either user blocked the other."""
    return Block.objects.filter(
        Q(blocker_id=a, blocked_id=b) | Q(blocker_id=b, blocked_id=a)
    ).exists()


def friend_ids(user_id: UUID) -> QuerySet:
    """Ids of the user's friends, as a subquery-friendly values list."""
    return Friendship.objects.filter(Q(user_low_id=user_id) | Q(user_high_id=user_id)).values_list(
        "user_low_id", "user_high_id"
    )


def friend_id_list(user_id: UUID) -> list[UUID]:
    return [low if high == user_id else high for low, high in friend_ids(user_id)]


def blocked_either_way_ids(user_id: UUID) -> set[UUID]:
    """Users this user blocked or was blocked by: each is hidden from the other."""
    pairs = Block.objects.filter(Q(blocker_id=user_id) | Q(blocked_id=user_id)).values_list(
        "blocker_id", "blocked_id"
    )
    return {blocked if blocker == user_id else blocker for blocker, blocked in pairs}
