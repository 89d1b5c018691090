"""Fixtures for chat tests: friends of shahn, and a direct chat and a group they share, as the API
returns them (JSON). Tests that want model objects use tests/factories.py."""

from __future__ import annotations

import uuid

import pytest

from accounts.models import User
from tests.factories import befriend


def send(client, chat_id, text="hi", client_id=None, **extra):
    body = {"kind": "text", "text": text, "client_id": str(client_id or uuid.uuid4()), **extra}
    return client.post(f"/api/v1/chats/{chat_id}/messages", body, format="json")


@pytest.fixture
def circle(shahn, shivam, udit, kai):
    """shahn is friends with shivam, udit and kai; shivam and udit are friends too."""
    for other in (shivam, udit, kai):
        befriend(shahn, other)
    befriend(shivam, udit)


@pytest.fixture
def direct(api, shahn, shivam, circle):
    """The direct chat of shahn and shivam, as the API returns it to shahn."""
    return api(shahn).post("/api/v1/chats/direct", {"user": str(shivam.id)}, format="json").json()


@pytest.fixture
def group(api, shahn, shivam, udit, circle):
    """A group owned by shahn with shivam and udit (seq 1 is the creation's system message)."""
    body = {"name": "Lunch", "members": [str(shivam.id), str(udit.id)]}
    response = api(shahn).post("/api/v1/chats/groups", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def set_language(user, language):
    User.objects.filter(pk=user.pk).update(language=language)
    user.refresh_from_db()


@pytest.fixture
def babel(api, shahn, shivam, udit, circle):
    """A group of shahn (en), shivam (de) and udit (es), as the API returns it to shahn."""
    set_language(shivam, "de")
    set_language(udit, "es")
    body = {"name": "Babel", "members": [str(shivam.id), str(udit.id)]}
    response = api(shahn).post("/api/v1/chats/groups", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()
