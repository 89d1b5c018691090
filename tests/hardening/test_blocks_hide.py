"""While a block lasts, neither person's `typing`, `read.updated` or `presence` reaches the other,
and no page shows the blocker's name to the person blocked (contract v1.1, clarifications)."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from friends import services as friends_services
from messaging.services.chats import create_group
from messaging.services.reading import mark_read, notify_typing
from messaging.services.sending import send_message
from tests.factories import UserFactory, befriend
from tests.realtime import EventListener

pytestmark = pytest.mark.django_db


@pytest.fixture
def group_with_a_block(shahn, shivam, udit):
    """shahn, shivam and udit in a group; then shivam blocks shahn (both stay in the group)."""
    befriend(shahn, shivam)
    befriend(shahn, udit)
    chat = create_group(actor=shahn, name="Trip", member_ids=[shivam.id, udit.id])
    send_message(actor=udit, chat_id=chat.id, client_id=uuid.uuid4(), kind="text", text="hi")
    friends_services.block_user(actor=shivam, user_id=shahn.id)
    return chat


def test_typing_does_not_cross_a_block_either_way(shahn, shivam, udit, group_with_a_block,
                                                  django_capture_on_commit_callbacks):
    listener = EventListener(shahn, shivam, udit)
    with django_capture_on_commit_callbacks(execute=True):
        notify_typing(actor=shahn, chat_id=group_with_a_block.id)
    assert listener.types(udit, timeout=1) == ["typing"]
    assert listener.types(shivam) == []
    with django_capture_on_commit_callbacks(execute=True):
        notify_typing(actor=shivam, chat_id=group_with_a_block.id)
    assert listener.types(udit, timeout=1) == ["typing"]
    assert listener.types(shahn) == []


def test_read_markers_do_not_cross_a_block_either_way(shahn, shivam, udit, group_with_a_block,
                                                      django_capture_on_commit_callbacks):
    listener = EventListener(shahn, shivam, udit)
    last = 10**6
    with django_capture_on_commit_callbacks(execute=True):
        mark_read(actor=shahn, chat_id=group_with_a_block.id, seq=last)
    assert listener.types(udit, timeout=1) == ["read.updated"]
    assert listener.types(shahn, timeout=1) == ["read.updated"]  # the reader's other connections
    assert listener.types(shivam) == []
    with django_capture_on_commit_callbacks(execute=True):
        mark_read(actor=shivam, chat_id=group_with_a_block.id, seq=last)
    assert listener.types(udit, timeout=1) == ["read.updated"]
    assert listener.types(shahn) == []


@pytest.mark.parametrize("path", ["/friends/blocks", "/friends/{id}/remove"])
def test_a_confirmation_page_does_not_show_the_name_of_someone_who_blocked_you(shahn, path):
    blocker = UserFactory(username="blocker", display_name="Secret Name")
    friends_services.block_user(actor=blocker, user_id=shahn.id)
    client = Client()
    client.force_login(shahn)
    page = client.post(path.format(id=blocker.id), {"user": str(blocker.id)})
    assert page.status_code == 200
    assert "Secret Name" not in page.content.decode()
    assert "blocker" not in page.content.decode()


def test_a_confirmation_page_names_a_friend(shahn):
    friend = UserFactory(username="friendly", display_name="Friendly Name")
    befriend(shahn, friend)
    client = Client()
    client.force_login(shahn)
    page = client.post(f"/friends/{friend.id}/remove", {})
    assert "Friendly Name" in page.content.decode()

