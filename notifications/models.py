from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import AuthToken


class PushSubscription(models.Model):
    """A browser's Web Push subscription, bound to the API token or the site session that made it:
    it goes with them (logout, password change, an expired session) through the cascades."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="push_subscriptions")
    token = models.ForeignKey(AuthToken, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="push_subscriptions")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="push_subscriptions")
    # A push service's URL is unique to one browser's subscription.
    endpoint = models.CharField(max_length=2048, unique=True)
    p256dh = models.CharField(max_length=128)
    auth = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(token__isnull=False, session__isnull=True) | Q(token__isnull=True, session__isnull=False),
                name="push_subscription_one_credential",
            ),
        ]

    def __str__(self) -> str:
        return f"push subscription of {self.user_id}"
