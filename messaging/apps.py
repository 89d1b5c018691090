from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _install_search_triggers(*, using: str, **kwargs: Any) -> None:
    from messaging.search import install_sqlite_triggers

    install_sqlite_triggers(connections[using])


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "messaging"

    def ready(self) -> None:
        # Plumbing, not a business rule: the SQLite search index's triggers go with any rebuild of
        # the message table by a migration, so they are put back after every migrate.
        post_migrate.connect(_install_search_triggers, sender=self)
