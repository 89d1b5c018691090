"""Messaging's app config. Its imports inside functions hide no cycle: an app's config module is
loaded before any models are, and the modules imported use models."""

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
        from accounts.services import on_account_deletion
        from messaging.services.chats import leave_all_chats

        # Plumbing, not a business rule: the SQLite search index's triggers go with any rebuild of
        # the message table by a migration, so they are put back after every migrate.
        post_migrate.connect(_install_search_triggers, sender=self)
        # A deleted account leaves every chat as leave_chat would (messaging's rule, run by
        # accounts' delete_account, which may not import messaging: messaging depends on accounts).
        on_account_deletion(leave_all_chats)
