from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chaat.live import realtime

username_validator = RegexValidator(
    r"^[a-z0-9_.]{3,32}$",
    _("Use 3 to 32 characters: lower-case letters, digits, underscore and dot."),
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **fields: object) -> User:
        user = self.model(username=username.strip().lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **fields: object) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(username, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        GERMAN = "de", "Deutsch"
        SPANISH = "es", "Español"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    username = models.CharField(_("username"), max_length=32, unique=True,
                                validators=[username_validator])
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices,
                                default=Language.ENGLISH)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Optional, for account recovery; reset mail goes only to a confirmed address.
    email = models.EmailField(_("email address"), blank=True)
    email_verified = models.BooleanField(_("email confirmed"), default=False)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # As loaded (None when deferred): save() compares against it, see there.
        self._saved_is_active = self.__dict__.get("is_active")

    def __str__(self) -> str:
        return self.username

    def save(self, *args: object, keep_token_digest: str | None = None, **kwargs: object) -> None:
        """Saving a new password (set_password) or a change of `is_active`, whoever does it (a
        service, the admin, a shell), revokes every token of the user and, after commit, makes
        each of their sockets on every process check its credential again, so those whose session
        or token no longer holds close with 4401. Only here do all those paths meet; a bulk
        `update()` passes no model code, and the sockets' heartbeat catches it. Django's own
        rehash on login (a new hash, the same password) clears `_password` first: it revokes
        nothing. `keep_token_digest`: the token a password change was made with stays."""
        fields = kwargs.get("update_fields")
        password_set = self._password is not None and (fields is None or "password" in fields)
        active_changed = ("is_active" in self.__dict__ and self.is_active != self._saved_is_active
                          and (fields is None or "is_active" in fields))
        revoke = not self._state.adding and (password_set or active_changed)
        with transaction.atomic():
            super().save(*args, **kwargs)
            if revoke:
                AuthToken.objects.filter(user=self).exclude(digest=keep_token_digest or "").delete()
                # Web Push subscriptions go with the tokens and sessions that made them.
                self.push_subscriptions.all().delete()
                realtime.recheck_auth_on_commit(user_id=self.pk)
        self._saved_is_active = self.is_active

    @property
    def name(self) -> str:
        return self.display_name or self.username


class AuthToken(models.Model):
    """An API token. Only a SHA-256 digest of the key is stored; each login makes a new one."""

    digest = models.CharField(max_length=64, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="auth_tokens")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"token of {self.user_id}"
