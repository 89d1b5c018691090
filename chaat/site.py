"""Helpers shared by the server-rendered site's views."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages as flash
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


def error_text(exc: ChaatError) -> str:
    """The one way the site words a domain error outside a form: for invalid input the messages
    of the fields it names (other errors' fields may name ids), else its detail."""
    if exc.code == "invalid" and exc.fields:
        return " ".join(str(m) for msgs in exc.fields.values() for m in msgs)
    return str(exc.detail)


def flash_error(request: HttpRequest, exc: ChaatError) -> None:
    """Show a domain error on the next page (POST-redirect-GET)."""
    flash.error(request, error_text(exc))


def site_url(request: HttpRequest) -> str:
    """The site's address for links in mails: SITE_URL, else the host this request came to
    (one of ALLOWED_HOSTS)."""
    return settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")
