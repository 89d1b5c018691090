from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from friends.models import GREETING_MAX_LENGTH


class SendRequestForm(forms.Form):
    """Validates the search results' request forms (rendered one per person in the template)."""

    to = forms.UUIDField(widget=forms.HiddenInput)
    greeting = forms.CharField(label=_("Greeting"), max_length=GREETING_MAX_LENGTH, required=False,
                               widget=forms.Textarea)


class UserForm(forms.Form):
    user = forms.UUIDField(widget=forms.HiddenInput)
