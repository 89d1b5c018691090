"""Every change to push subscriptions a person makes (the pushes sent for new messages, and the
subscriptions the push services report gone, are the worker's: tasks.py and push.py)."""

from __future__ import annotations

from uuid import UUID

from django.db import IntegrityError, transaction

from accounts.models import User
from chaat import tasks
from notifications import selectors
from notifications import tasks as push_tasks
from notifications.endpoints import check_endpoint
from notifications.models import PushSubscription
from notifications.selectors import Credential

MAX_SUBSCRIPTIONS_PER_USER = 20


@transaction.atomic
def subscribe(*, user: User, credential: Credential, endpoint: str, p256dh: str,
              auth: str) -> tuple[PushSubscription, bool]:
    """Bind a browser's push subscription to this token or session; (subscription, created).
    The same endpoint again updates its keys (False if it was this credential's already); an
    endpoint another login of this browser had moves here. InvalidEndpoint for hosts we may not
    reach. Beyond MAX_SUBSCRIPTIONS_PER_USER the user's oldest go."""
    check_endpoint(endpoint)
    binding = {"user": user, "token_id": credential.token_digest, "session_id": credential.session_key}
    existing = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
    if existing is None:
        try:
            with transaction.atomic():
                subscription = PushSubscription.objects.create(endpoint=endpoint, p256dh=p256dh, auth=auth,
                                                               **binding)
        except IntegrityError:  # the same browser subscribed twice at once: the first one stands
            subscription = PushSubscription.objects.select_for_update().get(endpoint=endpoint)
            return subscription, False
        _trim(user)
        return subscription, True
    created = not (existing.user_id == user.id and existing.token_id == credential.token_digest
                   and existing.session_id == credential.session_key)
    for name, value in {**binding, "p256dh": p256dh, "auth": auth}.items():
        setattr(existing, name, value)
    existing.save()
    return existing, created


def push_message_on_commit(*, message_id: UUID) -> None:
    """After the message's transaction commits, the worker pushes it to the members who should
    hear of it (notifications/push.py). Called for every new message but system messages."""
    tasks.enqueue_on_commit(push_tasks.push_new_message, message_id=str(message_id))


def _trim(user: User) -> None:
    keep = PushSubscription.objects.filter(user=user).order_by("-created_at").values("id")[:MAX_SUBSCRIPTIONS_PER_USER]
    PushSubscription.objects.filter(user=user).exclude(id__in=keep).delete()


@transaction.atomic
def unsubscribe(*, credential: Credential, subscription_id: UUID) -> None:
    """Delete a subscription of this token or session (NotFound for any other)."""
    selectors.access_subscription(credential=credential, subscription_id=subscription_id).delete()
