"""Fixtures for translation tests: a LibreTranslate-compatible server on loopback, three members."""

from __future__ import annotations

import pytest

from tests.messaging.conftest import babel, circle  # noqa: F401 - the fixtures
from tests.servers import live_servers, live_workers  # noqa: F401 - the fixtures
from tests.translation.libretranslate import running


@pytest.fixture
def libretranslate(settings):
    """A running word-list LibreTranslate, and TRANSLATION_URL pointing at it."""
    with running() as fake:
        settings.TRANSLATION_URL = fake.url
        yield fake


