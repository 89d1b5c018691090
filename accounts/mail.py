"""The account mails (address confirmation, password reset): rendered in the user's language,
plain text with an HTML alternative, sent through EMAIL_URL. Called after commit with plain values,
so they can run in the background worker; each reads the user's current state when it runs."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User

CONFIRM_SALT = "chaat.accounts.email-confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600  # a confirmation link works for a week


def confirmation_token(*, user_id: UUID, email: str) -> str:
    return signing.dumps({"u": str(user_id), "e": email}, salt=CONFIRM_SALT, compress=True)


def read_confirmation_token(token: str) -> tuple[str, str] | None:
    """(user id, address) from a confirmation token, or None when forged or expired."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), str) or not isinstance(data.get("e"), str):
        return None
    return data["u"], data["e"]


def reset_link(*, user: User, site_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"{site_url}/reset/{uid}/{default_token_generator.make_token(user)}"


def _send(*, user: User, to: str, template: str, context: dict[str, Any]) -> None:
    with translation.override(user.language):
        context = {"user": user, **context}
        subject = " ".join(render_to_string(f"accounts/email/{template}_subject.txt", context).split())
        text = render_to_string(f"accounts/email/{template}.txt", context)
        html = render_to_string(f"accounts/email/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()


def send_email_confirmation(*, user_id: str, email: str, site_url: str) -> None:
    """Mail the confirmation link to `email`, if it is still the user's unconfirmed address."""
    user = User.objects.filter(pk=user_id, email=email, email_verified=False, is_active=True).first()
    if user is None:
        return
    token = confirmation_token(user_id=user.pk, email=email)
    _send(user=user, to=email, template="confirm", context={"link": f"{site_url}/email/confirm/{token}"})


def send_password_reset(*, user_id: str, site_url: str) -> None:
    """Mail a one-time reset link (valid PASSWORD_RESET_TIMEOUT) to the user's confirmed address."""
    user = User.objects.filter(pk=user_id, email_verified=True, is_active=True).exclude(email="").first()
    if user is None:
        return
    _send(user=user, to=user.email, template="reset",
          context={"link": reset_link(user=user, site_url=site_url), "hours": settings.PASSWORD_RESET_TIMEOUT // 3600})
