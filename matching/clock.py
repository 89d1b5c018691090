"""The one clock of matchmaking, so tests can move time (points reset at 00:00 UTC)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
