"""Helpers shared by the server-rendered site's views."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest

from chaat.errors import ChaatError


def add_error(form: forms.Form, exc: ChaatError) -> None:
    """Show a domain error next to the fields it names, or at the top of the form."""
    placed = False
    for name, messages in (exc.fields or {}).items():
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, str(exc.detail))


def site_url(request: HttpRequest) -> str:
    """The site's address for links in mails: SITE_URL, else the host this request came to
    (one of ALLOWED_HOSTS)."""
    return settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")
