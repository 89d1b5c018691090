from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from messaging.models import TEXT_MAX_LENGTH
from messaging.services.chats import GROUP_NAME_MAX_LENGTH


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=GROUP_NAME_MAX_LENGTH)
    members = forms.TypedMultipleChoiceField(label=_("Friends to add"), required=False,
                                             widget=forms.CheckboxSelectMultiple, coerce=str)

    def __init__(self, *args, friends=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(str(f.id), f"{f.name} (@{f.username})") for f in friends]


class RenameForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=GROUP_NAME_MAX_LENGTH)


class EditForm(forms.Form):
    text = forms.CharField(label=_("Message"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}))
