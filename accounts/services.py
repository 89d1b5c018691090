"""Every change to accounts: sign up, log in and out, profile, password, avatar, deletion."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from accounts import errors, mail
from accounts import tasks as mail_tasks
from accounts.authentication import token_digest
from accounts.images import clean_image
from accounts.models import AuthToken, User, username_validator
from chaat import ratelimit, tasks
from chaat.errors import Invalid, RateLimited
from chaat.live import realtime


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


def _limited_password_check(*, username: str, client_ip: str, check: Callable[[], Any],
                            field: str | None = None) -> Any:
    """Run one password check (`check` returns the user or True when the password is right)
    under the `login` limit, per username and (at ten times the rate) per client IP: the one rule
    for every place that checks a password (API and site logins, the admin's login, the current
    password of a password change or a deletion). Each attempt takes its place in both counters
    before the password is checked and gives it back when it was right, so parallel guesses
    cannot slip past the limit together. Raises RateLimited or InvalidCredentials (naming
    `field` when given)."""
    ratelimit.hit("login", f"user:{username}")
    try:
        ratelimit.hit("login", f"ip:{client_ip}", multiplier=10)
    except RateLimited:
        ratelimit.refund("login", f"user:{username}")
        raise
    result = check()
    if not result:
        fields = {field: [str(errors.InvalidCredentials.default_detail)]} if field else None
        raise errors.InvalidCredentials(fields=fields)
    ratelimit.refund("login", f"user:{username}")
    ratelimit.refund("login", f"ip:{client_ip}")
    return result


def check_credentials(*, username: str, password: str, client_ip: str, request: Any = None) -> User:
    """The user for these credentials, or InvalidCredentials; failures count against `login`.
    A hash made with older costs is upgraded by Django on success."""
    username = normalize_username(username)
    return _limited_password_check(username=username, client_ip=client_ip,
                                   check=lambda: authenticate(request, username=username, password=password))


def check_current_password(*, user: User, password: str, client_ip: str, field: str) -> None:
    """A signed-in user's current password, asked again before a grave change; a wrong one
    counts against `login` like a failed login (InvalidCredentials naming `field`)."""
    _limited_password_check(username=user.username, client_ip=client_ip, field=field,
                            check=lambda: user.check_password(password))


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
def change_password(*, user: User, old_password: str, new_password: str, client_ip: str,
                    keep_token: str | None = None) -> None:
    """Set a new password; every token of the user but `keep_token` is revoked. A wrong
    `old_password` counts against `login`."""
    check_current_password(user=user, password=old_password, client_ip=client_ip, field="old_password")
    _check_password(new_password, user)
    user.set_password(new_password)
    # Revokes every other token and closes the sockets whose credential no longer holds
    # (User.save); other sessions fail Django's session hash check from now on.
    user.save(update_fields=["password"], keep_token_digest=token_digest(keep_token) if keep_token else None)


# What the apps that keep something of a user do when the account is deleted, each a function of
# `user=` run inside the deletion's transaction before the user row goes (messaging: leave every
# chat, see MessagingConfig.ready). Those apps depend on accounts, so they register their step here
# when they load instead of accounts importing them.
_account_deletion_steps: list[Callable[..., None]] = []


def on_account_deletion(step: Callable[..., None]) -> None:
    """Have delete_account run `step(user=user)` (once, however often it is registered)."""
    if step not in _account_deletion_steps:
        _account_deletion_steps.append(step)


@transaction.atomic
def delete_account(*, user: User, password: str, client_ip: str) -> None:
    """Delete the account: profile, friendships, requests and tokens go; messages stay with
    `sender: null`; each chat follows the last-participant rule (the step messaging registers
    with on_account_deletion). A wrong password counts against `login`."""
    check_current_password(user=user, password=password, client_ip=client_ip, field="password")
    for step in _account_deletion_steps:
        step(user=user)
    avatar = user.avatar.name if user.avatar else None
    storage = user.avatar.storage
    realtime.recheck_auth_on_commit(user_id=user.id)
    user.delete()
    if avatar:
        transaction.on_commit(lambda: storage.delete(avatar))


@transaction.atomic
def set_email(*, user: User, email: str, site_url: str) -> User:
    """Set (or with "" remove) the account's address. A new address starts unconfirmed and gets
    a confirmation link after commit; confirmation mails are limited per user (`email`)."""
    email = (email or "").strip()
    if email:
        domain_part = email.rpartition("@")[2]
        email = f"{email.rpartition('@')[0]}@{domain_part.lower()}"
    if email == user.email:
        return user
    if email:
        ratelimit.hit("email", str(user.id))
    user.email, user.email_verified = email, False
    user.save(update_fields=["email", "email_verified"])
    if email:
        tasks.enqueue_on_commit(mail_tasks.send_email_confirmation, user_id=str(user.id), email=email,
                                site_url=site_url)
    return user


@transaction.atomic
def confirm_email(*, token: str) -> User:
    """Mark the address in `token` confirmed, if it is still the account's (InvalidToken)."""
    found = mail.read_confirmation_token(token)
    if found is None:
        raise errors.InvalidToken()
    user_id, email = found
    user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
    if user is None or user.email != email:
        raise errors.InvalidToken()
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
    return user


def _accounts_named(username_or_email: str) -> list[User]:
    text = (username_or_email or "").strip()
    if "@" in text:
        return list(User.objects.filter(email__iexact=text, email_verified=True, is_active=True))
    return list(User.objects.filter(username=normalize_username(text), is_active=True))


@transaction.atomic
def request_password_reset(*, username_or_email: str, client_ip: str, site_url: str) -> None:
    """Mail a reset link to the confirmed address of the account named (by username or address).
    Says nothing about whether it exists. Limited (`password_reset`) per client IP and per name
    asked, both answered 429 whether or not the account exists, and quietly per account."""
    ratelimit.hit("password_reset", f"ip:{client_ip}")
    ratelimit.hit("password_reset", f"asked:{(username_or_email or '').strip().lower()}")
    for user in _accounts_named(username_or_email):
        if not user.email or not user.email_verified:
            continue
        try:
            ratelimit.hit("password_reset", f"user:{user.id}")
        except RateLimited:
            continue  # a 429 here would tell that the account exists
        tasks.enqueue_on_commit(mail_tasks.send_password_reset, user_id=str(user.id), site_url=site_url)


def user_for_reset_link(*, uid: str, token: str) -> User | None:
    """The user a reset link (uid, token) is for while it is valid: unused and under an hour old."""
    try:
        pk = force_str(urlsafe_base64_decode(uid))
        user = User.objects.filter(pk=pk, is_active=True).first()
    except (ValueError, TypeError, OverflowError, ValidationError):
        return None
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


@transaction.atomic
def reset_password(*, uid: str, token: str, new_password: str) -> User:
    """Set a new password through a reset link (InvalidToken, WeakPassword). The link then stops
    working (the token covers the password hash), and every token and session of the user is
    revoked; their sockets close (4401)."""
    user = user_for_reset_link(uid=uid, token=token)
    if user is None:
        raise errors.InvalidToken()
    user = User.objects.select_for_update().get(pk=user.pk)
    if not default_token_generator.check_token(user, token):  # a concurrent reset used it
        raise errors.InvalidToken()
    _check_password(new_password, user)
    user.set_password(new_password)
    # Tokens go and sockets close (User.save); sessions fail Django's session hash check from now on.
    user.save(update_fields=["password"])
    return user
