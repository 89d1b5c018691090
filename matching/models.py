from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DAILY_POINTS = 15  # one point is one started minute of matched chat; reset at 00:00 UTC
HISTORY = timedelta(days=90)  # matches, their chats and messages are purged after this
REMATCH_AFTER = timedelta(hours=24)  # the same two people are not paired again sooner


class QueueEntry(models.Model):
    """A user waiting to be paired. One per user, enforced by the unique user."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="match_queue_entry")
    joined_at = models.DateTimeField(default=timezone.now)
    language = models.CharField(max_length=8)

    class Meta:
        verbose_name_plural = _("queue entries")
        indexes = [models.Index(fields=["joined_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} waiting since {self.joined_at:%Y-%m-%d %H:%M:%S}"


class Match(models.Model):
    class EndedReason(models.TextChoices):
        ENDED = "ended", _("ended by a partner")
        DEADLINE = "deadline", _("reached its deadline")
        REPORTED = "reported", _("reported")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # user_a waited in the queue, user_b joined and was paired with them.
    user_a = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    user_b = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    chat = models.ForeignKey("messaging.Chat", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    started_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=16, choices=EndedReason.choices, blank=True)
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    # The points each partner was charged when it ended (a report refunds the reporter's).
    points_a = models.PositiveIntegerField(default=0)
    points_b = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = _("matches")
        constraints = [
            models.CheckConstraint(condition=~Q(user_a=F("user_b")), name="match_not_with_self"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("started_at")), name="match_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["user_a", "started_at"]),
            models.Index(fields=["user_b", "started_at"]),
            models.Index(fields=["expires_at"]),
            models.Index(fields=["ends_at"], condition=Q(ended_at__isnull=True), name="match_open_by_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.user_a} & {self.user_b} at {self.started_at:%Y-%m-%d %H:%M}"

    def partner_id(self, user_id: uuid.UUID) -> uuid.UUID:
        return self.user_b_id if self.user_a_id == user_id else self.user_a_id


class MatchSeat(models.Model):
    """A user's place in their one active match: the unique user is the database's guarantee that
    nobody is in two active matches. Deleted when the match ends."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="match_seat")
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="seats")

    def __str__(self) -> str:
        return f"{self.user_id} in {self.match_id}"


class PointsDay(models.Model):
    """The points a user used on one UTC day; points left = DAILY_POINTS - used."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    used = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("points of a day")
        verbose_name_plural = _("points per day")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="points_day_unique")]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.user} used {self.used} on {self.day}"

    @property
    def left(self) -> int:
        return max(0, DAILY_POINTS - self.used)


class Report(models.Model):
    """A partner's report of a match, for admins. It also keeps the two from being paired again,
    so it outlives the purge of its match (match becomes null)."""

    match = models.ForeignKey(Match, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reported = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["match", "reporter"], name="report_once_per_match"),
        ]
        indexes = [models.Index(fields=["reporter", "reported"]), models.Index(fields=["reported"])]

    def __str__(self) -> str:
        return f"{self.reporter} reported {self.reported}"
