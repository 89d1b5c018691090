from __future__ import annotations

from django import template

from accounts.serializers import avatar_url as _avatar_url

register = template.Library()


@register.filter
def avatar_url(user) -> str:
    return _avatar_url(user) or ""


@register.filter
def initial(user) -> str:
    name = getattr(user, "name", "") or "?"
    return name[:1].upper()


@register.filter
def get(mapping, key):
    """mapping[key] in a template, or None."""
    return mapping.get(key) if mapping else None
