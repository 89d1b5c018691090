"""The account mails, sent by the background worker after the change that asks for them commits."""

from __future__ import annotations

from accounts import mail
from chaat.tasks import background


@background(max_attempts=5)
def send_email_confirmation(*, user_id: str, email: str, site_url: str) -> None:
    mail.send_email_confirmation(user_id=user_id, email=email, site_url=site_url)


@background(max_attempts=5)
def send_password_reset(*, user_id: str, site_url: str) -> None:
    mail.send_password_reset(user_id=user_id, site_url=site_url)
