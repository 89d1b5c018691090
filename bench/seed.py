"""Seeding the benchmark's data into the stack's database, from the benchmark process.

Users, tokens, friendships and chats go through the services, like in production (friendships
through `friends.services.befriend_pair`, the service for demo data and tools: the friend-request
rules allow 50 pending requests per sender and 20 new ones an hour per recipient, too few for a
100-member group or a user in 1,000 chats). One thing does not, on purpose, for speed: stored history
(`fill_messages`) is one `INSERT ... SELECT generate_series` with the chat's `last_seq` moved to
match, a million messages in seconds instead of an hour of sends.
Everything the benchmark measures afterwards goes through the running server.

The seeding process has no REDIS_URL: the events its services publish go to an in-memory layer
nobody listens to (no socket is open while seeding), instead of costing a new event loop and Redis
connection per event, which made seeding 1,000 chats take minutes.

Seeded users get cheap Argon2id costs (the hash records its own costs); the `login` scenario
registers its user through the server to measure the production costs.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from typing import Any

from bench.stack import BENCH_THROTTLE_RATES, Stack

PASSWORD = "bench-password-correct-horse"

_configured_for: str | None = None


def setup_django(stack: Stack) -> None:
    """Configure Django in this process against the stack's database and Redis (once)."""
    global _configured_for
    if _configured_for is not None:
        if _configured_for != stack.database_url:
            raise RuntimeError("Django is already set up for another database")
        return
    saved = dict(os.environ)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="chaat.settings",
        DEBUG="0",
        SECRET_KEY="bench-seeding-only-" + uuid.uuid4().hex * 2,
        DATABASE_URL=stack.database_url,
        REDIS_URL="",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        THROTTLE_RATES=BENCH_THROTTLE_RATES,
        SECURE_COOKIES="0",
        STATIC_MANIFEST="0",
        CONN_MAX_AGE="0",
        ARGON2_TIME_COST="1",
        ARGON2_MEMORY_COST="256",
        ARGON2_PARALLELISM="1",
    )
    import django

    try:
        django.setup()  # the settings module reads the environment now, once
    finally:
        os.environ.clear()
        os.environ.update(saved)
    _configured_for = stack.database_url


@dataclass
class Person:
    id: uuid.UUID
    username: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}"}


def users(count: int, prefix: str) -> list[Person]:
    """`count` new users named `<prefix><n>`, each with one API token (accounts.services)."""
    from accounts import services
    from accounts.models import User

    people = []
    for n in range(count):
        user: User = services.register(username=f"{prefix}{n}", password=PASSWORD,
                                       display_name=f"{prefix.title()} {n}", client_ip="127.0.0.1")
        people.append(Person(user.id, user.username, services.issue_token(user=user)))
    return people


def befriend(pairs: list[tuple[Person, Person]]) -> None:
    """Make each pair friends (friends.services.befriend_pair; see the module docstring)."""
    from accounts.models import User
    from friends.services import befriend_pair

    users = User.objects.in_bulk({p.id for pair in pairs for p in pair})
    for a, b in pairs:
        befriend_pair(a=users[a.id], b=users[b.id])


def direct_chat(a: Person, b: Person) -> uuid.UUID:
    """The direct chat of two friends (messaging.services.chats)."""
    from accounts.models import User
    from messaging.services.chats import get_or_create_direct_chat

    chat, _created = get_or_create_direct_chat(actor=User.objects.get(pk=a.id), other_id=b.id)
    return chat.id


def insert_select(model, computed: dict[str, str], source: str, params: dict) -> None:
    """INSERT INTO model's table SELECT `computed` FROM `source`; every other column gets NULL or
    the field's default, so columns added later keep this working."""
    from django.db import connection

    columns, values = [], []
    for f in model._meta.concrete_fields:
        if f.column not in computed and f.db_returning:
            continue  # an auto-incremented id: the database numbers it
        columns.append(connection.ops.quote_name(f.column))
        if f.column in computed:
            values.append(computed[f.column])
        elif f.null:
            values.append("NULL")
        else:
            params[f"default_{f.column}"] = f.get_db_prep_save(f.get_default(), connection)
            values.append(f"%(default_{f.column})s")
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
                       f"SELECT {', '.join(values)} FROM {source}", params)


def fill_messages(chat_id: uuid.UUID, senders: list[Person], count: int, text: str = "seeded history") -> None:
    """Append `count` text messages to the chat, senders alternating, in one statement (see the
    module docstring: set-up only). Seqs continue gap-free from the chat's `last_seq`. Call
    vacuum_analyze() once after the last fill."""
    from django.db import connection, transaction

    from messaging.models import Chat, Message

    sender_ids = [p.id for p in senders]
    computed = {
        "id": "gen_random_uuid()",
        "chat_id": "%(chat)s",
        "seq": "%(start)s + n",
        "sender_id": "(%(senders)s::uuid[])[1 + n %% %(k)s]",
        "kind": "'text'",
        "text": "%(text)s || ' ' || n",
        "created_at": "now() - (%(count)s - n) * interval '1 millisecond'",
    }
    params: dict[str, Any] = {"chat": chat_id, "senders": sender_ids, "k": len(sender_ids),
                              "text": text, "count": count}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT last_seq FROM {Chat._meta.db_table} WHERE id = %s FOR UPDATE", [chat_id])  # noqa: S608
        params["start"] = cursor.fetchone()[0]
        insert_select(Message, computed, "generate_series(1, %(count)s) AS n", params)
        cursor.execute(f"UPDATE {Chat._meta.db_table} SET last_seq = %s, last_message_at = now() WHERE id = %s",  # noqa: S608
                       [params["start"] + count, chat_id])


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def run_sql(query: str, params: Any = None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else []
