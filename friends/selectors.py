"""Reads about friendship and blocks that other apps rely on."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery

from accounts.models import User
from chaat.errors import NotFound
from chaat.pagination import Keyset
from friends.models import Block, FriendRequest, Friendship


def ordered_pair(a: UUID, b: UUID) -> tuple[UUID, UUID]:
    return (a, b) if a.int < b.int else (b, a)


@dataclass(frozen=True, slots=True)
class Relationship:
    blocked: bool  # either blocked the other
    friends: bool


def relationship(a: UUID, b: UUID) -> Relationship:
    """Whether either of two users blocked the other, and whether they are friends, in one query:
    the one place of both rules, for the ORM paths and the send path (written in plain SQL,
    messaging/store.py, for speed) alike."""
    low, high = ordered_pair(a, b)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {Block._meta.db_table} WHERE "  # noqa: S608
            f"(blocker_id = %s AND blocked_id = %s) OR (blocker_id = %s AND blocked_id = %s)), "
            f"EXISTS (SELECT 1 FROM {Friendship._meta.db_table} WHERE user_low_id = %s AND user_high_id = %s)",
            [_db_uuid(a), _db_uuid(b), _db_uuid(b), _db_uuid(a), _db_uuid(low), _db_uuid(high)],
        )
        blocked, friends = cursor.fetchone()
    return Relationship(bool(blocked), bool(friends))


def _db_uuid(value: UUID) -> UUID | str:
    """A UUID as the driver takes it (SQLite keeps them as 32 hex digits)."""
    return value if connection.features.has_native_uuid_field else value.hex


def are_friends(a: UUID, b: UUID) -> bool:
    return relationship(a, b).friends


def is_blocked_between(a: UUID, b: UUID) -> bool:
    """True when either user blocked the other."""
    return relationship(a, b).blocked


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


# The orders of the lists (chaat.pagination: each ends in a unique key).
FRIEND_PAGES = Keyset("username", "id")
FRIEND_REQUEST_PAGES = Keyset("-sent_at", "-id")
BLOCK_PAGES = Keyset("-created_at", "-id")


def list_friends_by_name(user: User, *, exclude: set[UUID] | frozenset = frozenset()) -> list[User]:
    """The user's active friends but those in `exclude`, by display name (the site's pickers)."""
    ids = [uid for uid in friend_id_list(user.id) if uid not in exclude]
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("display_name", "username"))


def list_friends(user: User) -> QuerySet[User]:
    """The user's friends as one query of users, ordered by username, each annotated with
    `friends_since`. Composable: filter or slice it further (e.g. a group's member picker)."""
    since = Friendship.objects.filter(
        Q(user_low_id=user.pk, user_high_id=OuterRef("pk"))
        | Q(user_high_id=user.pk, user_low_id=OuterRef("pk"))
    ).values("since")[:1]
    return (
        User.objects.filter(
            Q(pk__in=Friendship.objects.filter(user_low_id=user.pk).values("user_high_id"))
            | Q(pk__in=Friendship.objects.filter(user_high_id=user.pk).values("user_low_id"))
        )
        .annotate(friends_since=Subquery(since))
        .order_by("username")
    )


def list_friend_requests(*, user: User, direction: str | None = None,
                         status: str | None = None) -> QuerySet[FriendRequest]:
    """Requests the user sent (`outgoing`), received (`incoming`) or both, newest first."""
    if direction == "incoming":
        requests = FriendRequest.objects.filter(to_user=user)
    elif direction == "outgoing":
        requests = FriendRequest.objects.filter(from_user=user)
    else:
        requests = FriendRequest.objects.filter(Q(to_user=user) | Q(from_user=user))
    if status:
        requests = requests.filter(status=status)
    return requests.select_related("from_user", "to_user").order_by("-sent_at")


def list_blocks(*, user: User) -> QuerySet[Block]:
    """The users this user blocked, most recent first."""
    return Block.objects.filter(blocker=user).select_related("blocked").order_by("-created_at")


def access_friend_request(*, user: User, request_id: UUID, lock: bool = False) -> FriendRequest:
    """A request `user` sent or received, else NotFound. With `lock`, its row is locked."""
    requests = FriendRequest.objects.select_related("from_user", "to_user")
    if lock:
        requests = requests.select_for_update(of=("self",))
    request = requests.filter(Q(from_user=user) | Q(to_user=user), pk=request_id).first()
    if request is None:
        raise NotFound()
    return request
