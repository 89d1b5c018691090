"""Reads of push subscriptions: always those of the credential (token or session) asking."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import QuerySet

from chaat.errors import NotFound
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
