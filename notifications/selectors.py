"""Reads of push subscriptions: always those of the credential (token or session) asking."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from chaat.errors import NotFound
from messaging.models import Participant
from notifications.models import PushSubscription


@dataclass(frozen=True)
class Credential:
    """The API token (by digest) or the site session a request came with."""

    token_digest: str | None = None
    session_key: str | None = None

    def filter(self) -> dict[str, str]:
        if self.token_digest:
            return {"token_id": self.token_digest}
        return {"session_id": self.session_key or ""}


def list_subscriptions(*, credential: Credential) -> QuerySet[PushSubscription]:
    return PushSubscription.objects.filter(**credential.filter()).order_by("created_at", "id")


def access_subscription(*, credential: Credential, subscription_id: UUID) -> PushSubscription:
    subscription = list_subscriptions(credential=credential).filter(id=subscription_id).first()
    if subscription is None:
        raise NotFound()
    return subscription


def is_silenced(participant: Participant) -> bool:
    """Muted until a time to come: no push at all, and the inbox shows the chat as muted."""
    return participant.muted_until is not None and participant.muted_until > timezone.now()


def is_muted(participant: Participant) -> bool:
    """Shown as muted in the inbox: silenced for now, or notifications off in this chat."""
    return is_silenced(participant) or participant.notify == Participant.Notify.NONE
