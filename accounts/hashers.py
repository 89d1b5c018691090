"""Argon2id with costs from settings, so tests can run it cheaply and production at full cost."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class ChaatArgon2Hasher(Argon2PasswordHasher):
    """Django's Argon2 hasher (argon2id, a random salt per hash), tuned from settings.

    It keeps the algorithm name `argon2`, so stored hashes read `argon2$argon2id$...` and
    Django upgrades a hash made with other costs on the next login."""

    @property
    def time_cost(self) -> int:  # type: ignore[override]
        return settings.ARGON2_TIME_COST

    @property
    def memory_cost(self) -> int:  # type: ignore[override]
        return settings.ARGON2_MEMORY_COST

    @property
    def parallelism(self) -> int:  # type: ignore[override]
        return settings.ARGON2_PARALLELISM
