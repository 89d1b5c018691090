"""The search index follows every write by itself, and survives what migrations do to its table."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection

from messaging import search
from messaging.models import Message
from messaging.services.editing import delete_message
from messaging.services.sending import send_message
from tests.factories import direct_chat

pytestmark = pytest.mark.django_db


@pytest.fixture
def direct(shahn, shivam, circle):
    return direct_chat(shahn, shivam)


def hits(user, q):
    found, _next = search.search_messages(user=user, q=q)
    return [hit.message.text for hit in found]


def test_sqlite_triggers_lost_with_a_rebuilt_table_are_put_back_with_the_missing_rows(shahn, direct):
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 index is SQLite's")
    send_message(actor=shahn, chat_id=direct.id, client_id=uuid.uuid4(), kind="text", text="before")
    with connection.cursor() as cursor:  # what rebuilding messaging_message in a migration does
        for name in ("insert", "update", "delete"):
            cursor.execute(f"DROP TRIGGER messaging_message_fts_{name}")
    send_message(actor=shahn, chat_id=direct.id, client_id=uuid.uuid4(), kind="text", text="during")
    assert hits(shahn, "during") == []
    assert search.install_sqlite_triggers(connection) is True
    assert hits(shahn, "during") == ["during"] and hits(shahn, "before") == ["before"]
    assert search.install_sqlite_triggers(connection) is False  # nothing missing any more


def test_the_postgres_vector_is_empty_for_tombstones_and_system_messages(shahn, direct, group, postgres):
    message, _created = send_message(actor=shahn, chat_id=direct.id, client_id=uuid.uuid4(),
                                     kind="text", text="soon gone")
    delete_message(actor=shahn, chat_id=direct.id, message_id=message.id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT kind, deleted_at IS NOT NULL, search_vector = ''::tsvector FROM messaging_message "
                       "WHERE id = %s OR kind = 'system'", [message.id])
        rows = cursor.fetchall()
    assert rows and all(empty for _kind, _deleted, empty in rows)
    assert Message.objects.filter(kind="system").exists()
