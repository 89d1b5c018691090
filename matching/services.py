"""Every change to matchmaking. Each function is one transaction; events go out after commit."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, timedelta
from uuid import UUID

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Greatest

from accounts.models import User
from chaat import ratelimit
from chaat.live import realtime
from matching import clock, errors, events, selectors
from matching.models import HISTORY, Match, MatchSeat, PointsDay, QueueEntry, Report
from messaging.services.chats import create_match_chat, purge_chats

# Any constant shared by every process: the key of the advisory lock that serializes pairing.
PAIRING_LOCK = 0x6D61746368  # "match"
DUE_BATCH = 500


def _serialize_pairing() -> None:
    """Two people who join at the same instant cannot see each other's uncommitted queue entry,
    so each would wait alone. Pairing is a few short statements: it runs one at a time, under a
    transaction-scoped advisory lock (PostgreSQL; SQLite serializes writers anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PAIRING_LOCK])


def _publish(build: Callable[[Match, UUID], realtime.Event], match: Match) -> None:
    """`build`'s event (match_found, match_ended) to each partner, with the match as they see it."""
    for user_id in (match.user_a_id, match.user_b_id):
        realtime.publish_on_commit(user_ids=[user_id], event=build(match, user_id))


@transaction.atomic
def join_queue(*, actor: User) -> Match | None:
    """Pair the actor at once with the oldest compatible waiting user (the same language first)
    and return the match, or put the actor in the queue and return None.
    Raises InMatch / AlreadyWaiting (409), NoPoints (403), RateLimited (the `queue` limit).
    Both partners get `match.found`."""
    ratelimit.limit_queue_join(user_id=actor.id)
    _serialize_pairing()
    now = clock.now()
    end_due_matches(now=now, user=actor)
    if MatchSeat.objects.filter(user=actor).exists():
        raise errors.InMatch()
    if QueueEntry.objects.filter(user=actor).exists():
        raise errors.AlreadyWaiting()
    points = selectors.points_left(user_id=actor.id, now=now)
    if points <= 0:
        raise errors.NoPoints()
    excluded = selectors.unpairable_ids(user_id=actor.id, now=now) | {actor.id}
    # SKIP LOCKED: an entry that a leave_queue is deleting right now is not waited for.
    candidate = (
        QueueEntry.objects.select_for_update(skip_locked=True)
        .exclude(user_id__in=excluded)
        .order_by(Case(When(language=actor.language, then=Value(0)), default=Value(1),
                       output_field=IntegerField()), "joined_at", "id")
        .first()
    )
    if candidate is None:
        try:
            with transaction.atomic():
                QueueEntry.objects.create(user=actor, joined_at=now, language=actor.language)
        except IntegrityError as exc:  # a concurrent join of the same user won
            raise errors.AlreadyWaiting() from exc
        return None
    partner = User.objects.get(pk=candidate.user_id)
    minutes = min(points, selectors.points_left(user_id=partner.id, now=now))
    candidate.delete()
    chat = create_match_chat(user_a=partner, user_b=actor, language_a=candidate.language,
                             language_b=actor.language)
    match = Match.objects.create(
        user_a=partner, user_b=actor, chat=chat, started_at=now,
        ends_at=now + timedelta(minutes=minutes), expires_at=now + HISTORY,
    )
    MatchSeat.objects.bulk_create([MatchSeat(user=partner, match=match), MatchSeat(user=actor, match=match)])
    _publish(events.match_found, match)
    return match


@transaction.atomic
def leave_queue(*, actor: User) -> None:
    """Leave the queue; nothing happens when the actor is not waiting."""
    QueueEntry.objects.filter(user=actor).delete()


def _charge(user_id: UUID, day: date, points: int) -> None:
    """Add (or with a negative number, refund) points used on a UTC day."""
    entry, _created = PointsDay.objects.get_or_create(user_id=user_id, day=day)
    PointsDay.objects.filter(pk=entry.pk).update(used=Greatest(F("used") + points, 0))


def _finish(match: Match, *, now: datetime, reason: str) -> None:
    """End a locked, still open match: at `now` or at its deadline if that came first. Each
    partner is charged the started minutes (at least 1) on the UTC day the match started."""
    match.ended_at = min(now, match.ends_at)
    match.ended_reason = Match.EndedReason.DEADLINE if now >= match.ends_at else reason
    seconds = (match.ended_at - match.started_at).total_seconds()
    match.duration_minutes = max(1, math.ceil(seconds / 60))
    match.points_a = match.points_b = match.duration_minutes
    match.save(update_fields=["ended_at", "ended_reason", "duration_minutes", "points_a", "points_b"])
    day = selectors.utc_day(match.started_at)
    _charge(match.user_a_id, day, match.points_a)
    _charge(match.user_b_id, day, match.points_b)
    MatchSeat.objects.filter(match=match).delete()
    _publish(events.match_ended, match)


@transaction.atomic
def end_match(*, actor: User, match_id: UUID) -> Match:
    """Either partner ends the match; ending an ended match returns it unchanged.
    Someone else's match is NotFound. Both partners get `match.ended`."""
    match = selectors.access_match(user=actor, match_id=match_id, lock=True)
    if match.ended_at is None:
        _finish(match, now=clock.now(), reason=Match.EndedReason.ENDED)
    return match


@transaction.atomic
def report_match(*, actor: User, match_id: UUID, reason: str) -> Match:
    """A partner reports the match: it ends (if it had not), the reporter's points for it are
    refunded, the report is kept for admins and the two are never paired again. Reporting the
    same match twice changes nothing more."""
    match = selectors.access_match(user=actor, match_id=match_id, lock=True)
    if Report.objects.filter(match=match, reporter=actor).exists():
        return match
    if match.ended_at is None:
        _finish(match, now=clock.now(), reason=Match.EndedReason.REPORTED)
    field = "points_a" if match.user_a_id == actor.id else "points_b"
    _charge(actor.id, selectors.utc_day(match.started_at), -getattr(match, field))
    setattr(match, field, 0)
    match.save(update_fields=[field])
    Report.objects.create(match=match, reporter=actor, reported_id=match.partner_id(actor.id),
                          reason=reason, created_at=clock.now())
    return match


@transaction.atomic
def end_due_matches(*, now: datetime | None = None, user: User | None = None,
                    limit: int = DUE_BATCH) -> int:
    """End every open match past its deadline (only `user`'s when given), at most `limit`.
    Safe to run concurrently: rows another transaction holds are skipped, not waited for.
    Both partners of each get `match.ended`. Returns how many it ended."""
    now = now or clock.now()
    due = Match.objects.select_for_update(skip_locked=True, of=("self",)).filter(
        ended_at__isnull=True, ends_at__lte=now
    )
    if user is not None:
        due = due.filter(seats__user=user)
    ended = 0
    for match in due.select_related("user_a", "user_b").order_by("ends_at")[:limit]:
        _finish(match, now=now, reason=Match.EndedReason.DEADLINE)
        ended += 1
    return ended


@transaction.atomic
def _purge_batch(*, now: datetime, batch_size: int) -> tuple[int, int]:
    expired = list(
        Match.objects.select_for_update(skip_locked=True).filter(expires_at__lt=now)
        .order_by("expires_at")[:batch_size]
    )
    chat_ids = [m.chat_id for m in expired if m.chat_id is not None]
    Match.objects.filter(pk__in=[m.pk for m in expired]).delete()
    return len(expired), purge_chats(chat_ids=chat_ids)


def purge_expired(*, now: datetime | None = None, batch_size: int = 500) -> tuple[int, int]:
    """Delete matches past their 90 days with their chats, messages and image files, one batch
    per transaction so the app keeps serving. Returns (matches, messages) deleted."""
    now = now or clock.now()
    matches = messages = 0
    while True:
        batch, batch_messages = _purge_batch(now=now, batch_size=batch_size)
        matches, messages = matches + batch, messages + batch_messages
        if batch < batch_size:
            return matches, messages
