"""Reads of matchmaking: points, the queue, matches and their history."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from django.db.models import Q, QuerySet

from accounts.models import User
from chaat.errors import NotFound
from chaat.pagination import Keyset
from friends.selectors import blocked_either_way_ids, friend_id_list
from matching import clock
from matching.models import DAILY_POINTS, HISTORY, REMATCH_AFTER, Match, PointsDay, QueueEntry, Report

HISTORY_PAGE_SIZE = 50


def utc_day(moment: datetime) -> date:
    """The UTC day of a moment: points are counted per UTC day."""
    return moment.astimezone(UTC).date()


def points_left(*, user_id: UUID, now: datetime | None = None) -> int:
    day = utc_day(now or clock.now())
    used = PointsDay.objects.filter(user_id=user_id, day=day).values_list("used", flat=True).first() or 0
    return max(0, DAILY_POINTS - used)


def is_waiting(*, user_id: UUID) -> bool:
    return QueueEntry.objects.filter(user_id=user_id).exists()


def _matches() -> QuerySet[Match]:
    return Match.objects.select_related("user_a", "user_b")


def _of(user_id: UUID) -> Q:
    return Q(user_a_id=user_id) | Q(user_b_id=user_id)


def active_match(*, user_id: UUID) -> Match | None:
    """The user's one active match (the one their seat points at), or None."""
    return _matches().filter(seats__user_id=user_id).first()


def access_match(*, user: User, match_id: UUID, lock: bool = False) -> Match:
    """A match the user is a partner of, or NotFound: someone else's match does not exist for
    you. `lock` takes the match row's lock."""
    matches = _matches().filter(_of(user.id), pk=match_id)
    if lock:
        matches = matches.select_for_update(of=("self",))
    match = matches.first()
    if match is None:
        raise NotFound()
    return match


def match_is_open(*, chat_id: UUID) -> bool:
    """Whether the match behind this `match` chat still allows sending: not ended and before its
    deadline. A match chat whose match is gone (purged) is closed."""
    match = Match.objects.filter(chat_id=chat_id).only("ended_at", "ends_at").first()
    return match is not None and match.ended_at is None and clock.now() < match.ends_at


def unpairable_ids(*, user_id: UUID, now: datetime) -> set[UUID]:
    """Users `user_id` must not be paired with: blocked either way, current friends, matched
    with in the last 24 hours, or either of the two reported the other."""
    excluded = blocked_either_way_ids(user_id) | set(friend_id_list(user_id))
    recent = Match.objects.filter(_of(user_id), started_at__gte=now - REMATCH_AFTER)
    for a, b in recent.values_list("user_a_id", "user_b_id"):
        excluded.add(b if a == user_id else a)
    reports = Report.objects.filter(Q(reporter_id=user_id) | Q(reported_id=user_id))
    for reporter, reported in reports.values_list("reporter_id", "reported_id"):
        excluded.add(reported if reporter == user_id else reporter)
    return excluded


HISTORY_PAGES = Keyset("-started_at", "-id")


def list_history(*, user: User, cursor: str | None = None,
                 limit: int = HISTORY_PAGE_SIZE) -> tuple[list[Match], str | None]:
    """The user's matches of the last 90 days, newest first, in one query. Returns the page and
    the cursor of the next page (or None); a forged cursor is Invalid."""
    matches = _matches().filter(_of(user.id), started_at__gte=clock.now() - HISTORY)
    return HISTORY_PAGES.page(matches, cursor=cursor, limit=limit)
