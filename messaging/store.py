"""The SQL of the send path, and the helpers of the reads written out in SQL: building these
queries with the ORM cost more CPU than the database spent running them (py-spy and yappi profiles
in docs/PERFORMANCE.md), and a send is the hottest path of a chat server. Plain SQL that PostgreSQL
and SQLite both run; values go through each field's own database conversion, so the rows are the
ones the ORM would write or read."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import Field

from chaat.errors import NotFound
from messaging.models import Chat, Message, Participant
from notifications.models import PushSubscription

_CHAT, _MESSAGE, _PARTICIPANT, _PUSH = (m._meta.db_table for m in (Chat, Message, Participant, PushSubscription))


def uuid_param(value: UUID) -> UUID | str:
    """A UUID as the driver takes it (SQLite keeps them as 32 hex digits)."""
    return value if connection.features.has_native_uuid_field else value.hex


def uuid_params(values: Iterable[UUID]) -> list[UUID | str]:
    """uuid_param of each, the connection looked up once (each lookup is a context-local read,
    1.8 % of an inbox page's CPU when it was made for each of its 150 ids)."""
    if connection.features.has_native_uuid_field:
        return list(values)
    return [value.hex for value in values]


def _to_uuid(value: UUID | str | None) -> UUID | None:
    return value if value is None or isinstance(value, UUID) else UUID(value)


class Columns:
    """Selected columns of model fields, and their values as the ORM would read them (for reads written
    out in SQL: messaging/pages.py)."""

    def __init__(self, *columns: tuple[str, type, str]) -> None:
        self.fields: list[tuple[str, Field]] = [(alias, model._meta.get_field(name)) for alias, model, name in columns]
        self.sql = ", ".join(f"{alias}.{connection.ops.quote_name(field.column)}" for alias, field in self.fields)

    def convert(self, rows: list[list[Any]], offset: int = 0) -> list[list[Any]]:
        """Convert these columns, found from `offset` on in each row, in place."""
        converters = _converters(connection.vendor, self)
        if converters:
            for values in rows:
                for index, functions, expression in converters:
                    value = values[offset + index]
                    for function in functions:
                        value = function(value, expression, connection)
                    values[offset + index] = value
        return rows


@cache
def _converters(_vendor: str, columns: Columns) -> list[tuple[int, list[Callable], Any]]:
    """What SQLCompiler.get_converters would apply to each column, on this kind of database."""
    found = []
    for index, (alias, field) in enumerate(columns.fields):
        expression = field.get_col(alias)
        functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        if functions:
            found.append((index, functions, expression))
    return found


def fetch(sql: str, params: list[Any], *columns: tuple[int, Columns]) -> list[list[Any]]:
    """The rows of a statement, each `(offset, columns)` converted."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [list(row) for row in cursor.fetchall()]
    for offset, group in columns:
        group.convert(rows, offset)
    return rows


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
            [uuid_param(actor_id), uuid_param(client_id), uuid_param(chat_id), uuid_param(actor_id)],
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
            [connection.ops.adapt_datetimefield_value(now), uuid_param(chat_id)],
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
        cursor.execute(f"SELECT user_id FROM {_PARTICIPANT} WHERE chat_id = %s", [uuid_param(chat_id)])  # noqa: S608
        return [_to_uuid(user_id) for (user_id,) in cursor.fetchall()]


_PARTICIPATION = Columns(*[("p", Participant, field.attname) for field in Participant._meta.concrete_fields],
                         *[("c", Chat, field.attname) for field in Chat._meta.concrete_fields])


_PARTICIPANT_CHAT, _PARTICIPANT_USER = Participant._meta.get_field("chat"), Participant._meta.get_field("user")


def participation(*, user_id: UUID | str, chat_id: UUID | str) -> Participant | None:
    """The user's participation in the chat with its chat, as `select_related("chat")` builds it, or
    None. Every request about a chat starts with it; compiling it with the ORM cost as much as a
    page of history read in SQL (docs/PERFORMANCE.md, issue 20)."""
    rows = fetch(f"SELECT {_PARTICIPATION.sql} FROM {_PARTICIPANT} p JOIN {_CHAT} c ON c.id = p.chat_id "  # noqa: S608
                 "WHERE p.chat_id = %s AND p.user_id = %s",
                 # as the ORM binds them: services are also called with ids as strings
                 [field.target_field.get_db_prep_value(value, connection)
                  for field, value in ((_PARTICIPANT_CHAT, chat_id), (_PARTICIPANT_USER, user_id))],
                 (0, _PARTICIPATION))
    if not rows:
        return None
    width = len(Participant._meta.concrete_fields)
    participant = Participant.from_db(connection.alias, None, rows[0][:width])
    Participant.chat.field.set_cached_value(participant, Chat.from_db(connection.alias, None, rows[0][width:]))
    return participant
