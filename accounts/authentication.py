"""`Authorization: Token <key>` against hashed, revocable, per-login tokens."""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.models import AuthToken


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def user_for_token(key: str) -> Any | None:
    """The active user owning `key`, or None."""
    token = (
        AuthToken.objects.select_related("user").filter(digest=token_digest(key)).first()
    )
    if token is None or not token.user.is_active:
        return None
    return token.user


class TokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[Any, str]:
        user = user_for_token(key)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        return user, key
