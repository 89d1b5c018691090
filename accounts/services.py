"""Every change to accounts: sign up, log in and out, profile, password, avatar, deletion."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts import errors
from accounts.authentication import token_digest
from accounts.images import clean_image
from accounts.models import AuthToken, User, username_validator
from chaat import ratelimit, realtime
from chaat.errors import Invalid, RateLimited


def normalize_username(username: str) -> str:
    return (username or "").strip().lower()


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise errors.WeakPassword(" ".join(exc.messages), fields={"password": exc.messages}) from exc


def _check_language(language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise Invalid(fields={"language": [f"Choose one of {', '.join(dict(settings.LANGUAGES))}."]})


def issue_token(*, user: User) -> str:
    """Create a new, independent API token for `user`; only its digest is stored."""
    key = secrets.token_hex(20)
    AuthToken.objects.create(digest=token_digest(key), user=user)
    return key


@transaction.atomic
def register(*, username: str, password: str, display_name: str = "", language: str = "en",
             client_ip: str) -> User:
    """Create an account. Raises Invalid, UsernameTaken, WeakPassword, RateLimited (per IP)."""
    ratelimit.hit("register", client_ip)
    username = normalize_username(username)
    try:
        username_validator(username)
    except ValidationError as exc:
        raise Invalid(fields={"username": exc.messages}) from exc
    _check_language(language)
    user = User(username=username, display_name=(display_name or "").strip()[:64], language=language)
    _check_password(password, user)
    if User.objects.filter(username=username).exists():
        raise errors.UsernameTaken(fields={"username": [str(errors.UsernameTaken.default_detail)]})
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError as exc:  # a concurrent sign-up took the name first
        raise errors.UsernameTaken() from exc
    return user


def check_credentials(*, username: str, password: str, client_ip: str, request: Any = None) -> User:
    """The user for these credentials, or InvalidCredentials. Failed attempts are limited per
    username and (at ten times the rate) per client IP; a hash made with older costs is
    upgraded by Django on success."""
    username = normalize_username(username)
    # Each attempt takes its place in both counters before the password is checked and gives it
    # back when the password was right: parallel guesses cannot slip past the limit together.
    ratelimit.hit("login", f"user:{username}")
    try:
        ratelimit.hit("login", f"ip:{client_ip}", multiplier=10)
    except RateLimited:
        ratelimit.refund("login", f"user:{username}")
        raise
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise errors.InvalidCredentials()
    ratelimit.refund("login", f"user:{username}")
    ratelimit.refund("login", f"ip:{client_ip}")
    return user


def login_with_token(*, username: str, password: str, client_ip: str) -> tuple[User, str]:
    user = check_credentials(username=username, password=password, client_ip=client_ip)
    return user, issue_token(user=user)


@transaction.atomic
def revoke_token(*, key: str) -> None:
    """Log a token out; sockets opened with it close (4401) after commit."""
    token = AuthToken.objects.filter(digest=token_digest(key)).first()
    if token is not None:
        token.delete()
        realtime.recheck_auth_on_commit(user_id=token.user_id)


@transaction.atomic
def end_session(*, request: Any) -> None:
    """The site's log-out: the session is flushed, and sockets opened with it close (4401)."""
    user_id = getattr(request.user, "pk", None)
    logout(request)
    if user_id is not None:
        realtime.recheck_auth_on_commit(user_id=user_id)


@transaction.atomic
def update_profile(*, user: User, display_name: str | None = None,
                   language: str | None = None) -> User:
    fields = []
    if display_name is not None:
        user.display_name = display_name.strip()[:64]
        fields.append("display_name")
    if language is not None:
        _check_language(language)
        user.language = language
        fields.append("language")
    if fields:
        user.save(update_fields=fields)
    return user


@transaction.atomic
def set_avatar(*, user: User, upload: Any) -> User:
    """Replace the avatar with a re-encoded copy of `upload` (TooLarge, InvalidImage, RateLimited)."""
    ratelimit.limit_upload(user_id=user.id)
    clean = clean_image(upload, max_bytes=settings.AVATAR_MAX_BYTES, max_side=512)
    old = user.avatar.name if user.avatar else None
    user.avatar.save(clean.content.name, clean.content, save=False)
    user.save(update_fields=["avatar"])
    if old:
        storage, name = user.avatar.storage, old
        transaction.on_commit(lambda: storage.delete(name))
    return user


@transaction.atomic
def change_password(*, user: User, old_password: str, new_password: str,
                    keep_token: str | None = None) -> None:
    """Set a new password; every token of the user but `keep_token` is revoked."""
    if not user.check_password(old_password):
        raise errors.InvalidCredentials(fields={"old_password": [str(errors.InvalidCredentials.default_detail)]})
    _check_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    tokens = AuthToken.objects.filter(user=user)
    if keep_token:
        tokens = tokens.exclude(digest=token_digest(keep_token))
    tokens.delete()
    # Other sessions fail Django's session hash check from now on; their sockets close too.
    realtime.recheck_auth_on_commit(user_id=user.id)


@transaction.atomic
def delete_account(*, user: User, password: str) -> None:
    """Delete the account: profile, friendships, requests and tokens go; messages stay with
    `sender: null`; each chat follows the last-participant rule."""
    if not user.check_password(password):
        raise errors.InvalidCredentials(fields={"password": [str(errors.InvalidCredentials.default_detail)]})
    from messaging.services import leave_all_chats

    leave_all_chats(user=user)
    avatar = user.avatar.name if user.avatar else None
    storage = user.avatar.storage
    realtime.recheck_auth_on_commit(user_id=user.id)
    user.delete()
    if avatar:
        transaction.on_commit(lambda: storage.delete(avatar))
