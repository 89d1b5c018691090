"""Fixtures for translation tests: a LibreTranslate-compatible server on loopback, three members."""

from __future__ import annotations

import pytest

from accounts.models import User
from tests.messaging.conftest import circle  # noqa: F401 - the fixture
from tests.servers import live_servers, live_workers  # noqa: F401 - the fixtures
from tests.translation.libretranslate import running


@pytest.fixture
def libretranslate(settings):
    """A running word-list LibreTranslate, and TRANSLATION_URL pointing at it."""
    with running() as fake:
        settings.TRANSLATION_URL = fake.url
        yield fake


def set_language(user, language):
    User.objects.filter(pk=user.pk).update(language=language)
    user.refresh_from_db()


@pytest.fixture
def babel(request, api, shahn, shivam, udit):
    """A group of shahn (en), shivam (de) and udit (es)."""
    request.getfixturevalue("circle")
    set_language(shivam, "de")
    set_language(udit, "es")
    body = {"name": "Babel", "members": [str(shivam.id), str(udit.id)]}
    response = api(shahn).post("/api/v1/chats/groups", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()
