"""Push fixtures: a VAPID key for the server, and browser-side subscription keys."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid

from tests.messaging.conftest import circle, group  # noqa: F401 - fixtures: shahn's friends and a group
from tests.servers import live_servers, live_workers  # noqa: F401 - fixtures: real processes


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@pytest.fixture(scope="session")
def vapid_pem() -> str:
    vapid = Vapid()
    vapid.generate_keys()
    return vapid.private_pem().decode()


@pytest.fixture(autouse=True)
def _vapid(settings, vapid_pem):
    settings.VAPID_PRIVATE_KEY = vapid_pem
    settings.VAPID_SUBJECT = "mailto:ops@chaat.test"


class BrowserKeys:
    """What a browser makes when it subscribes: an ECDH P-256 key pair and a 16-byte secret."""

    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)
        point = self.private_key.public_key().public_bytes(serialization.Encoding.X962,
                                                           serialization.PublicFormat.UncompressedPoint)
        self.keys = {"p256dh": b64url(point), "auth": b64url(self.auth_secret)}


@pytest.fixture
def browser_keys() -> BrowserKeys:
    return BrowserKeys()


@pytest.fixture
def push_service(settings):
    """A push service on loopback, allowed by PUSH_ALLOWED_HOSTS as the contract says for tests."""
    from tests.notifications.pushserver import PushService

    service = PushService().start()
    settings.PUSH_ALLOWED_HOSTS = [service.host]
    yield service
    service.stop()
