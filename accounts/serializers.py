from __future__ import annotations

from typing import TypedDict

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from chaat.api import UUIDStr


class UserData(TypedDict):
    """A user as others see it (UserOut), in the live events that carry one."""

    id: UUIDStr
    username: str
    display_name: str
    avatar_url: str | None


def avatar_url(user: User) -> str | None:
    return avatar_file_url(user.avatar.name)


def avatar_file_url(name: str | None) -> str | None:
    """The avatar's URL from the stored file name (the `avatar` column); None without one."""
    if not name:
        return None
    return reverse("avatar", kwargs={"name": name.rsplit("/", 1)[-1]})


class UserOut(serializers.Serializer):
    """A user as others see it."""

    id = serializers.UUIDField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    avatar_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_avatar_url(self, user: User) -> str | None:
        return avatar_url(user)


class MeOut(UserOut):
    language = serializers.CharField()
    date_joined = serializers.DateTimeField()
    email = serializers.CharField()
    email_verified = serializers.BooleanField()


class TokenOut(serializers.Serializer):
    token = serializers.CharField()
    user = MeOut()


class RegisterIn(serializers.Serializer):
    username = serializers.CharField(max_length=64)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    display_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=[c for c, _ in settings.LANGUAGES], required=False,
                                       default="en")


class LoginIn(serializers.Serializer):
    username = serializers.CharField(max_length=64)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class MeIn(serializers.Serializer):
    display_name = serializers.CharField(max_length=64, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=[c for c, _ in settings.LANGUAGES], required=False)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254,
                                   help_text="A new address gets a confirmation link; \"\" removes it.")


class PasswordResetIn(serializers.Serializer):
    username_or_email = serializers.CharField(max_length=254)


class PasswordResetConfirmIn(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    new_password = serializers.CharField(max_length=256, trim_whitespace=False)


class AvatarIn(serializers.Serializer):
    avatar = serializers.FileField()


class PasswordIn(serializers.Serializer):
    old_password = serializers.CharField(max_length=256, trim_whitespace=False)
    new_password = serializers.CharField(max_length=256, trim_whitespace=False)


class DeleteMeIn(serializers.Serializer):
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class UserSearchIn(serializers.Serializer):
    search = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class UserListOut(serializers.Serializer):
    results = UserOut(many=True)
    next = serializers.CharField(allow_null=True)
