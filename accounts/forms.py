from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class SignUpForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=32,
                               help_text=_("3 to 32 characters: a-z, 0-9, _ and ."))
    display_name = forms.CharField(label=_("Display name"), max_length=64, required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(render_value=False),
                               help_text=_("At least 10 characters, not a common one."))


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=64)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(render_value=False))


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=64, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class AvatarForm(forms.Form):
    avatar = forms.FileField(label=_("Picture"), help_text=_("PNG, JPEG, GIF or WebP, up to 5 MB."))


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput)


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), required=False, max_length=254,
                             help_text=_("Optional. Used only to reset your password; we send a link to confirm it."))


class PasswordResetRequestForm(forms.Form):
    username_or_email = forms.CharField(label=_("Username or email address"), max_length=254)


class PasswordResetForm(forms.Form):
    new_password = forms.CharField(label=_("New password"), widget=forms.PasswordInput,
                                   help_text=_("At least 10 characters, not a common one."))
