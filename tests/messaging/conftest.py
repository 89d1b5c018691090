"""Fixtures for chat tests: friends of shahn and a group they share."""

from __future__ import annotations

import uuid

import pytest

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
def group(api, shahn, shivam, udit, circle):
    """A group owned by shahn with shivam and udit (seq 1 is the creation's system message)."""
    body = {"name": "Lunch", "members": [str(shivam.id), str(udit.id)]}
    response = api(shahn).post("/api/v1/chats/groups", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()
