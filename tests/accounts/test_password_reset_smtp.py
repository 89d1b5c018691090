"""A password reset end to end: the site asks, a real SMTP server on loopback (aiosmtpd) receives
the mail, and the link in it sets a new password through the site."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import time

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from accounts.models import User
from chaat.settings import email_settings
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "a-brand-new-passphrase"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.url = ""

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def wait(self, count: int = 1, timeout: float = 10) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, "no mail arrived"
        return self.messages


@pytest.fixture
def smtp_inbox(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd checks its server on the port it was given)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{port}"
    try:
        for name, value in email_settings(inbox.url).items():
            setattr(settings, name, value)
        yield inbox
    finally:
        controller.stop()


def test_email_url_reads_host_port_user_and_password():
    assert email_settings("smtp+tls://me%40x.org:p%2Fss@mail.example.com:2525") | {"EMAIL_TIMEOUT": 0} == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "mail.example.com",
        "EMAIL_PORT": 2525, "EMAIL_HOST_USER": "me@x.org", "EMAIL_HOST_PASSWORD": "p/ss",
        "EMAIL_USE_TLS": True, "EMAIL_USE_SSL": False, "EMAIL_TIMEOUT": 0}
    assert email_settings("")["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.servers
def test_a_reset_mail_from_a_real_smtp_server_resets_the_password_through_the_site(smtp_inbox, live_workers):
    live_workers(1, EMAIL_URL=smtp_inbox.url)  # the worker sends the mail
    user = UserFactory(username="shahn", display_name="Shahn", language="es")
    User.objects.filter(pk=user.pk).update(email="shahn@example.com", email_verified=True)
    browser = Client()
    page = browser.post("/password-reset", {"username_or_email": "shahn@example.com"})
    assert page.status_code == 200

    [message] = smtp_inbox.wait(timeout=30)
    assert message["To"] == "shahn@example.com"
    assert message["Subject"] == "Restablece tu contraseña de Chaat"  # her language
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = re.search(r"http://testserver(/reset/\S+/\S+)", text).group(1)
    assert link in html

    assert browser.get(link).status_code == 200
    done = browser.post(link, {"new_password": NEW_PASSWORD})
    assert (done.status_code, done["Location"]) == (302, "/login")
    assert browser.post("/login", {"username": "shahn", "password": NEW_PASSWORD}).status_code == 302
    assert not Client().login(username="shahn", password=PASSWORD)
    assert Client().get(link).status_code == 400  # used once, never again
