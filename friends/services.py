"""Every change to friend requests, friendships and blocks.

Each service is one transaction. Anything that concerns a pair of users first locks both users'
rows, always in the same (ordered) order so two people acting on each other cannot deadlock:
that serializes every change to the pair (a mutual request sees the other's pending request) and
every count a limit depends on (the sender's pending requests, the recipient's hourly requests).
The database constraints still refuse duplicates; a refusal becomes the contract's 409.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from chaat.errors import Invalid
from chaat.live import realtime
from friends import errors, events, selectors
from friends.models import GREETING_MAX_LENGTH, Block, FriendRequest, Friendship

MAX_PENDING_OUTGOING = 50
MAX_RECEIVED_PER_HOUR = 20
REJECTION_COOLDOWN = timedelta(hours=24)
# A full outbox empties only when people answer, so there is no exact time to wait for.
PENDING_RETRY_AFTER = 3600

Status = FriendRequest.Status


def _lock_pair(a: UUID, b: UUID) -> None:
    """Lock both users' rows in ordered-pair order (see the module docstring)."""
    low, high = selectors.ordered_pair(a, b)
    list(User.objects.select_for_update().filter(pk__in=[low, high]).order_by("pk").values_list("pk"))


def _other_user(*, field: str, user_id: UUID, actor: User) -> User:
    """The user named by a request body field: unknown or yourself is 400 naming the field."""
    if user_id == actor.pk:
        raise Invalid(_("You cannot do that with yourself."), fields={field: [_("That is you.")]})
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise Invalid(fields={field: [_("Unknown user.")]})
    return user


def _befriend(a: User, b: User) -> Friendship:
    """Create the pair's friendship (the pair lock is held) and tell both after commit."""
    low, high = selectors.ordered_pair(a.pk, b.pk)
    try:
        with transaction.atomic():
            friendship = Friendship.objects.create(user_low_id=low, user_high_id=high)
    except IntegrityError as exc:
        raise errors.AlreadyFriends() from exc
    realtime.publish_on_commit(user_ids=[a.pk], event=events.friendship_created(other=b))
    realtime.publish_on_commit(user_ids=[b.pk], event=events.friendship_created(other=a))
    return friendship


def _close(request: FriendRequest, status: str, now) -> None:
    request.status, request.responded_at = status, now
    request.save(update_fields=["status", "responded_at"])
    realtime.publish_on_commit(user_ids=[request.from_user_id, request.to_user_id],
                               event=events.friend_request_updated(request))


def _check_limits(*, actor: User, to_user: User, now) -> None:
    rejected_recently = FriendRequest.objects.filter(
        from_user=actor, to_user=to_user, status=Status.REJECTED,
        responded_at__gt=now - REJECTION_COOLDOWN,
    ).exists()
    if rejected_recently:
        raise errors.Cooldown()
    if FriendRequest.objects.filter(from_user=actor, status=Status.PENDING).count() >= MAX_PENDING_OUTGOING:
        raise errors.TooManyPending(retry_after=PENDING_RETRY_AFTER)
    hour_ago = now - timedelta(hours=1)
    recent = list(
        FriendRequest.objects.filter(to_user=to_user, sent_at__gt=hour_ago)
        .order_by("-sent_at").values_list("sent_at", flat=True)[:MAX_RECEIVED_PER_HOUR]
    )
    if len(recent) >= MAX_RECEIVED_PER_HOUR:
        # The oldest of the last 20 leaves the one-hour window first.
        raise errors.RecipientBusy(retry_after=int((recent[-1] - hour_ago).total_seconds()) + 1)


@transaction.atomic
def send_friend_request(*, actor: User, to_user_id: UUID, greeting: str = "") -> FriendRequest:
    """Ask `to_user_id` to be friends. If they already asked `actor`, both become friends at once:
    their request and the new one are both `accepted`.

    Raises Invalid (unknown user, yourself, greeting over 200), Blocked, AlreadyFriends,
    RequestPending, Cooldown, TooManyPending, RecipientBusy. Events: `friend_request.received` to
    both (a new pending request), or `friend_request.updated` + `friendship.created` (mutual)."""
    greeting = (greeting or "").strip()
    if len(greeting) > GREETING_MAX_LENGTH:
        message = _("At most %(max)d characters.") % {"max": GREETING_MAX_LENGTH}
        raise Invalid(fields={"greeting": [message]})
    to_user = _other_user(field="to", user_id=to_user_id, actor=actor)
    _lock_pair(actor.pk, to_user.pk)
    between = selectors.relationship(actor.pk, to_user.pk)
    if between.blocked:
        raise errors.Blocked()
    if between.friends:
        raise errors.AlreadyFriends()
    if FriendRequest.objects.filter(from_user=actor, to_user=to_user, status=Status.PENDING).exists():
        raise errors.RequestPending()
    now = timezone.now()
    theirs = (FriendRequest.objects.select_for_update(of=("self",)).select_related("from_user", "to_user")
              .filter(from_user=to_user, to_user=actor, status=Status.PENDING).first())
    if theirs is not None:
        _close(theirs, Status.ACCEPTED, now)
        request = FriendRequest.objects.create(from_user=actor, to_user=to_user, greeting=greeting,
                                               status=Status.ACCEPTED, sent_at=now, responded_at=now)
        realtime.publish_on_commit(user_ids=[actor.pk, to_user.pk],
                                   event=events.friend_request_updated(request))
        _befriend(actor, to_user)
        return request
    _check_limits(actor=actor, to_user=to_user, now=now)
    try:
        with transaction.atomic():
            request = FriendRequest.objects.create(from_user=actor, to_user=to_user, greeting=greeting,
                                                   sent_at=now)
    except IntegrityError as exc:  # the partial unique constraint: one pending per direction
        raise errors.RequestPending() from exc
    realtime.publish_on_commit(user_ids=[actor.pk, to_user.pk],
                               event=events.friend_request_received(request))
    return request


@transaction.atomic
def befriend_pair(*, a: User, b: User) -> Friendship:
    """Make `a` and `b` friends without a request (demo data, admin tools); idempotent: an
    existing friendship is returned as is. Raises Invalid (the same user twice), Blocked.
    Event: `friendship.created` to both when the friendship is new."""
    if a.pk == b.pk:
        raise Invalid(_("You cannot do that with yourself."))
    _lock_pair(a.pk, b.pk)
    if selectors.relationship(a.pk, b.pk).blocked:
        raise errors.Blocked()
    low, high = selectors.ordered_pair(a.pk, b.pk)
    existing = Friendship.objects.filter(user_low_id=low, user_high_id=high).first()
    return existing or _befriend(a, b)


def _respond(*, actor: User, request_id: UUID, role: str, status: str) -> FriendRequest:
    """Lock the pair and the request, check `actor` has `role` and the request is pending."""
    unlocked = selectors.access_friend_request(user=actor, request_id=request_id)
    _lock_pair(unlocked.from_user_id, unlocked.to_user_id)
    request = selectors.access_friend_request(user=actor, request_id=request_id, lock=True)
    if role == "recipient" and request.to_user_id != actor.pk:
        raise errors.NotRecipient()
    if role == "sender" and request.from_user_id != actor.pk:
        raise errors.NotSender()
    if request.status != Status.PENDING:
        raise errors.NotPending()
    _close(request, status, timezone.now())
    return request


@transaction.atomic
def accept_friend_request(*, actor: User, request_id: UUID) -> FriendRequest:
    """The recipient accepts a pending request and the two become friends.
    Raises NotFound (not a party), NotRecipient, NotPending.
    Events: `friend_request.updated` and `friendship.created` to both."""
    request = _respond(actor=actor, request_id=request_id, role="recipient", status=Status.ACCEPTED)
    _befriend(request.from_user, request.to_user)
    return request


@transaction.atomic
def reject_friend_request(*, actor: User, request_id: UUID) -> FriendRequest:
    """The recipient declines; the sender may not ask again for 24 hours.
    Raises NotFound, NotRecipient, NotPending. Event: `friend_request.updated` to both."""
    return _respond(actor=actor, request_id=request_id, role="recipient", status=Status.REJECTED)


@transaction.atomic
def withdraw_friend_request(*, actor: User, request_id: UUID) -> FriendRequest:
    """The sender takes a pending request back.
    Raises NotFound, NotSender, NotPending. Event: `friend_request.updated` to both."""
    return _respond(actor=actor, request_id=request_id, role="sender", status=Status.WITHDRAWN)


def _end_friendship(actor: User, other: User) -> bool:
    low, high = selectors.ordered_pair(actor.pk, other.pk)
    deleted, _count = Friendship.objects.filter(user_low_id=low, user_high_id=high).delete()
    if deleted:
        realtime.publish_on_commit(user_ids=[actor.pk], event=events.friendship_removed(other=other))
        realtime.publish_on_commit(user_ids=[other.pk], event=events.friendship_removed(other=actor))
    return bool(deleted)


@transaction.atomic
def unfriend(*, actor: User, user_id: UUID) -> None:
    """End the friendship with `user_id`. Raises NotFriends (404) when there is none.
    Event: `friendship.removed` to both."""
    other = User.objects.filter(pk=user_id).first()
    if other is None:
        raise errors.NotFriends()
    _lock_pair(actor.pk, other.pk)
    if not _end_friendship(actor, other):
        raise errors.NotFriends()


@transaction.atomic
def block_user(*, actor: User, user_id: UUID) -> tuple[Block, bool]:
    """Block `user_id` (returns the block and whether it is new). Ends the friendship and every
    pending request between the two: the actor's own become `withdrawn`, the other's `rejected`.
    Raises Invalid (unknown user, yourself). Events: `friendship.removed` and
    `friend_request.updated` to both, for what ended."""
    other = _other_user(field="user", user_id=user_id, actor=actor)
    _lock_pair(actor.pk, other.pk)
    block = Block.objects.select_related("blocked").filter(blocker=actor, blocked=other).first()
    if block is not None:
        return block, False
    block = Block.objects.create(blocker=actor, blocked=other)
    _end_friendship(actor, other)
    now = timezone.now()
    pending = (FriendRequest.objects.select_for_update(of=("self",)).select_related("from_user", "to_user")
               .filter(Q(from_user=actor, to_user=other) | Q(from_user=other, to_user=actor),
                       status=Status.PENDING))
    for request in pending:
        _close(request, Status.WITHDRAWN if request.from_user_id == actor.pk else Status.REJECTED, now)
    return block, True


@transaction.atomic
def unblock_user(*, actor: User, user_id: UUID) -> None:
    """Remove the actor's block of `user_id`. Raises NotBlocked (404) when there is none."""
    deleted, _count = Block.objects.filter(blocker=actor, blocked_id=user_id).delete()
    if not deleted:
        raise errors.NotBlocked()
