"""`Authorization: Token <key>` against hashed, revocable, per-login tokens."""

from __future__ import annotations

import hashlib
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.models import AuthToken, User

# Written out: building the ORM's select_related query for every request cost 1.1 ms of CPU, this
# raw one 0.3 ms (docs/PERFORMANCE.md, issue 20).
_USER_BY_TOKEN = (f"SELECT u.* FROM {User._meta.db_table} u "  # noqa: S608 - table names, no input
                  f"JOIN {AuthToken._meta.db_table} t ON t.user_id = u.{User._meta.pk.column} WHERE t.digest = %s")


def token_from_header(value: str | None) -> str | None:
    """The key of an `Authorization: Token <key>` header value, the keyword in any case (HTTP
    auth schemes are case-insensitive); None for any other scheme, a missing or malformed key, or
    no header. The one parser of the API (TokenAuthentication), the websocket and media."""
    keyword, _sep, key = (value or "").strip().partition(" ")
    key = key.strip()
    if keyword.lower() != "token" or not key or " " in key:
        return None
    return key


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def user_for_token(key: str) -> Any | None:
    """The active user owning `key`, or None."""
    return user_for_token_digest(token_digest(key))


def user_for_token_digest(digest: str) -> Any | None:
    """The active user owning the token with this digest, or None (the socket keeps the digest
    of the token it was opened with, to check it again after a revocation)."""
    user = next(iter(User.objects.raw(_USER_BY_TOKEN, [digest])), None)
    return user if user is not None and user.is_active else None


def user_for_session(session_key: str) -> Any | None:
    """The user signed in with this session, or None: the same checks as Django's `get_user`
    (the session's password hash must match), but read-only, because the socket that asks must
    not flush a session that a concurrent request of the same browser is rotating."""
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user_id, backend_path = session.get(SESSION_KEY), session.get(BACKEND_SESSION_KEY)
    if user_id is None or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = load_backend(backend_path).get_user(user_id)
    session_hash = session.get(HASH_SESSION_KEY)
    if user is None or not session_hash or not user.is_active:
        return None
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    return user if any(constant_time_compare(session_hash, h) for h in hashes) else None


class TokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate(self, request: Any) -> tuple[Any, str] | None:
        key = token_from_header(request.META.get("HTTP_AUTHORIZATION"))
        return None if key is None else self.authenticate_credentials(key)

    def authenticate_credentials(self, key: str) -> tuple[Any, str]:
        user = user_for_token(key)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        return user, key
