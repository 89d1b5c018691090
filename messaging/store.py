"""The SQL of the send path, written out: building these queries with the ORM cost more CPU than
the database spent running them (py-spy and yappi profiles in docs/PERFORMANCE.md), and a send is
the hottest path of a chat server. Plain SQL that PostgreSQL and SQLite both run; values go through
each field's own database conversion, so the rows are the ones the ORM would write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from uuid import UUID

from django.db import connection

from chaat.errors import NotFound
from messaging.models import Chat, Message, Participant
from notifications.models import PushSubscription

_CHAT, _MESSAGE, _PARTICIPANT, _PUSH = (m._meta.db_table for m in (Chat, Message, Participant, PushSubscription))


def _uuid(value: UUID) -> UUID | str:
    """A UUID as the driver takes it (SQLite keeps them as 32 hex digits)."""
    return value if connection.features.has_native_uuid_field else value.hex


def _to_uuid(value: UUID | str | None) -> UUID | None:
    return value if value is None or isinstance(value, UUID) else UUID(value)


@dataclass(frozen=True, slots=True)
class SendContext:
    """What a send needs to know before it writes, read in one query."""

    existing_id: UUID | None  # the message this sender already sent with this client_id
    participant_id: int | None  # None: the sender is not in the chat
    visible_from_seq: int
    chat_kind: str
    direct_key: str | None
    language: str  # the sender's language in the chat (what a text is written in by default)
    auto_translate: bool  # some member reads the chat with auto_translate on
    push_audience: bool  # some other member has a push subscription (else no push job is queued)


def send_context(*, actor_id: UUID, chat_id: UUID, client_id: UUID) -> SendContext:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT m.id FROM {_MESSAGE} m WHERE m.sender_id = %s AND m.client_id = %s), "  # noqa: S608
            f"p.id, p.visible_from_seq, c.kind, c.direct_key, p.language, "
            f"EXISTS (SELECT 1 FROM {_PARTICIPANT} r WHERE r.chat_id = p.chat_id AND r.auto_translate), "
            f"EXISTS (SELECT 1 FROM {_PARTICIPANT} r JOIN {_PUSH} s ON s.user_id = r.user_id "
            f"WHERE r.chat_id = p.chat_id AND r.user_id <> p.user_id) "
            f"FROM (SELECT 1) AS one "
            f"LEFT JOIN {_PARTICIPANT} p ON p.chat_id = %s AND p.user_id = %s "
            f"LEFT JOIN {_CHAT} c ON c.id = p.chat_id",
            [_uuid(actor_id), _uuid(client_id), _uuid(chat_id), _uuid(actor_id)],
        )
        existing_id, participant_id, visible_from_seq, kind, direct_key, language, auto, push = cursor.fetchone()
    return SendContext(_to_uuid(existing_id), participant_id, visible_from_seq or 1, kind or "", direct_key,
                       language or "", bool(auto), bool(push))


def next_seq(chat_id: UUID, now: datetime) -> int:
    """Take the chat row's lock and the next seq in one statement; rolled back with the insert,
    so seqs stay gap-free. NotFound if the chat was deleted while we waited for its lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_CHAT} SET last_seq = last_seq + 1, last_message_at = %s "  # noqa: S608
            "WHERE id = %s RETURNING last_seq",
            [connection.ops.adapt_datetimefield_value(now), _uuid(chat_id)],
        )
        row = cursor.fetchone()
    if row is None:
        raise NotFound()
    return row[0]


@cache
def _insert_sql() -> str:
    fields = Message._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    return f"INSERT INTO {_MESSAGE} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608


def insert_message(message: Message) -> None:
    """Insert a new message row exactly as `save(force_insert=True)` would."""
    values = [field.get_db_prep_save(field.pre_save(message, add=True), connection)
              for field in Message._meta.concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(), values)
    message._state.adding, message._state.db = False, connection.alias


def move_read_marker(participant_id: int, seq: int) -> bool:
    """The sender has read what they sent; False if their participation is gone."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_PARTICIPANT} SET last_read_seq = %s WHERE id = %s",  # noqa: S608
                       [seq, participant_id])
        return cursor.rowcount == 1


def member_ids(chat_id: UUID) -> list[UUID]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT user_id FROM {_PARTICIPANT} WHERE chat_id = %s", [_uuid(chat_id)])  # noqa: S608
        return [_to_uuid(user_id) for (user_id,) in cursor.fetchall()]
