"""Matchmaking's app config. Its imports inside ready() hide no cycle: an app's config module is
loaded before any models are, and the modules imported use models."""

from __future__ import annotations

from django.apps import AppConfig


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matching"

    def ready(self) -> None:
        from matching.selectors import match_is_open
        from messaging.services.sending import register_match_rule

        # Only matchmaking knows whether a match chat still takes messages (its match may have
        # ended); messaging asks it through this rule, as messaging may not import matching.
        register_match_rule(match_is_open)
