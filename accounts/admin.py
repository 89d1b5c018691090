from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts import errors, services
from accounts.models import AuthToken, User
from chaat.errors import RateLimited
from chaat.ratelimit import client_ip


class LimitedAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's login, counted against the same `login` limit as every other password check."""

    def clean(self) -> dict:
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = services.check_credentials(
                    username=username, password=password, client_ip=client_ip(self.request), request=self.request
                )
            except errors.InvalidCredentials:
                raise self.get_invalid_login_error() from None
            except RateLimited as exc:
                raise ValidationError(str(exc.detail), code="throttled") from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


admin.site.login_form = LimitedAdminAuthenticationForm


class UserCreationForm(auth_forms.UserCreationForm):
    class Meta(auth_forms.UserCreationForm.Meta):
        model = User
        fields = ("username",)


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ["username", "display_name", "language", "date_joined", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "language", "date_joined"]
    search_fields = ["username", "display_name"]
    ordering = ["username"]
    readonly_fields = ["id", "date_joined", "last_login", "avatar_preview"]
    fieldsets = [
        (None, {"fields": ["id", "username", "password"]}),
        (_("Profile"), {"fields": ["display_name", "language", "email", "email_verified", "avatar",
                                   "avatar_preview"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups",
                                       "user_permissions"]}),
        (_("Dates"), {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["username", "password1", "password2"]})]

    @admin.display(description=_("avatar preview"))
    def avatar_preview(self, user: User) -> str:
        if not user.avatar:
            return "—"
        url = reverse("avatar", kwargs={"name": user.avatar.name.rsplit("/", 1)[-1]})
        return format_html('<img src="{}" alt="" width="96" height="96" class="avatar">', url)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__username"]
    readonly_fields = ["digest", "user", "created_at"]
