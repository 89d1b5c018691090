from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from friends.models import GREETING_MAX_LENGTH


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("What happened?"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class FriendRequestForm(forms.Form):
    """Rendered on the match card; posted to the friends app's send view (friend-request-send)."""

    greeting = forms.CharField(label=_("Greeting (optional)"), max_length=GREETING_MAX_LENGTH,
                               required=False)
