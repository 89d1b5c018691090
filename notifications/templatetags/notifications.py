from __future__ import annotations

from django import template

from messaging.models import Participant
from notifications.selectors import is_muted

register = template.Library()


@register.filter(name="muted")
def muted(participant: Participant) -> bool:
    return is_muted(participant)
