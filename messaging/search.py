"""Message search (contract "Search"): the reads, in SQL, for PostgreSQL and for SQLite.

The index lives in the database and follows every write by itself (messaging migration 0004):
on PostgreSQL a generated `search_vector` column in each message's own language with a GIN index
over (chat_id, search_vector); on SQLite an FTS5 table kept current by the triggers below. What a
searcher may see is decided in the same statement that finds the words: only chats they are in,
only from their `visible_from_seq`, never tombstones (whose vector is empty anyway).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from chaat.errors import Invalid
from chaat.pagination import Keyset
from messaging.models import VISIBLE_SQL, Message, Participant

DEFAULT_LIMIT = 20
MAX_LIMIT = 50


@dataclass
class SearchHit:
    message: Message
    highlight: str  # the whole text, HTML-escaped, matched words in <mark>…</mark>


# --- input --------------------------------------------------------------------------------------


SEARCH_PAGES = Keyset("-created_at", "-id")  # signs the cursors; the SQL below does the paging


def encode_cursor(values: list[Any]) -> str:
    """A cursor only this server can make (chaat.pagination)."""
    return SEARCH_PAGES.sign(values)


def decode_cursor(cursor: str | None) -> tuple[datetime, UUID] | None:
    """The position (created_at, id) after which the next page starts; Invalid (400) for a cursor
    the server did not make."""
    if not cursor:
        return None
    created_at, message_id = SEARCH_PAGES.key(cursor)
    try:
        return datetime.fromisoformat(created_at), UUID(message_id)
    except (ValueError, TypeError) as exc:
        raise Invalid(fields={"cursor": [str(_("Not a valid cursor."))]}) from exc


def check_filters(*, user: User, chat_id: UUID | None, sender_id: UUID | None) -> None:
    """Invalid (400) for a `chat` the searcher is not in, or a `sender` who does not exist."""
    if chat_id is not None and not Participant.objects.filter(chat_id=chat_id, user=user).exists():
        raise Invalid(fields={"chat": [str(_("No such chat."))]})
    if sender_id is not None and not User.objects.filter(pk=sender_id).exists():
        raise Invalid(fields={"sender": [str(_("No such user."))]})


# --- the search ---------------------------------------------------------------------------------


def search_messages(*, user: User, q: str, chat_id: UUID | None = None, sender_id: UUID | None = None,
                    limit: int = DEFAULT_LIMIT,
                    after: tuple[datetime, UUID] | None = None) -> tuple[list[SearchHit], list[Any] | None]:
    """The messages the user may see whose current text matches `q`, newest first, at most
    `limit`, after the position `after`; with the position of the next page (or None). A constant
    number of queries: the search, then the page's messages with their senders and stickers."""
    if connection.vendor == "postgresql":
        rows = _search_postgres(user.id, q, chat_id, sender_id, limit + 1, after)
    elif connection.vendor == "sqlite":
        rows = _search_sqlite(user.id, q, chat_id, sender_id, limit + 1, after)
    else:
        rows = []
    more = len(rows) > limit
    rows = rows[:limit]
    ids = [UUID(str(message_id)) if not isinstance(message_id, UUID) else message_id
           for message_id, _highlight in rows]
    messages = Message.objects.select_related("sender", "sticker").in_bulk(ids)
    hits = [SearchHit(messages[message_id], highlight) for message_id, (_id, highlight) in zip(ids, rows, strict=True)
            if message_id in messages]
    if not more or not hits:
        return hits, None
    last = hits[-1].message
    return hits, [last.created_at.isoformat(), str(last.id)]


# PostgreSQL. The words are looked up in the index with the query in every language at once (one
# GIN scan per chat of the searcher), then each candidate is checked against the query parsed in
# its own language, which is what decides. Only the page's rows get a headline.

_VISIBLE = VISIBLE_SQL.format(message="m", participant="p")
_PG_CONFIG = ("CASE {lang} WHEN 'en' THEN 'english'::regconfig WHEN 'de' THEN 'german'::regconfig "
              "WHEN 'es' THEN 'spanish'::regconfig ELSE 'simple'::regconfig END")
# The query parsed in the message's language. Each branch has constant arguments, so the planner
# parses `q` once per language instead of once per candidate row.
_PG_QUERY = ("CASE {lang} WHEN 'en' THEN websearch_to_tsquery('english', %(q)s) "
             "WHEN 'de' THEN websearch_to_tsquery('german', %(q)s) "
             "WHEN 'es' THEN websearch_to_tsquery('spanish', %(q)s) ELSE websearch_to_tsquery('simple', %(q)s) END")
# The match, one branch per language: each branch can use the GIN index, and the planner estimates
# how many rows match from the index's statistics (one CASE expression would hide them, and the
# planner would take a common word for a rare one).
_PG_MATCH = ("((m.lang = 'en' AND m.search_vector @@ websearch_to_tsquery('english', %(q)s))"
             " OR (m.lang = 'de' AND m.search_vector @@ websearch_to_tsquery('german', %(q)s))"
             " OR (m.lang = 'es' AND m.search_vector @@ websearch_to_tsquery('spanish', %(q)s))"
             " OR ((m.lang IS NULL OR m.lang NOT IN ('en', 'de', 'es'))"
             " AND m.search_vector @@ websearch_to_tsquery('simple', %(q)s)))")
# django.utils.html.escape, in SQL: ts_headline adds markup but never escapes the text around it.
_PG_ESCAPED_TEXT = ("replace(replace(replace(replace(replace(h.text, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),"
                    " '\"', '&quot;'), '''', '&#x27;')")


def _search_postgres(user_id: UUID, q: str, chat_id: UUID | None, sender_id: UUID | None, limit: int,
                     after: tuple[datetime, UUID] | None) -> list[tuple[Any, str]]:
    sql, params = postgres_query(user_id=user_id, q=q, chat_id=chat_id, sender_id=sender_id, limit=limit, after=after)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def postgres_query(*, user_id: UUID, q: str, chat_id: UUID | None = None, sender_id: UUID | None = None,
                   limit: int = DEFAULT_LIMIT + 1,
                   after: tuple[datetime, UUID] | None = None) -> tuple[str, dict[str, Any]]:
    """The search statement and its parameters (the benchmark EXPLAINs it as it is)."""
    params: dict[str, Any] = {"user": user_id, "q": q, "limit": limit, "chat": chat_id, "sender": sender_id}
    filters = []
    if chat_id is not None:
        filters.append("AND p.chat_id = %(chat)s")
    if sender_id is not None:
        filters.append("AND m.sender_id = %(sender)s")
    if after is not None:
        filters.append("AND (m.created_at, m.id) < (%(after_at)s, %(after_id)s)")
        params["after_at"], params["after_id"] = after
    hit_config, hit_query = _PG_CONFIG.format(lang="h.lang"), _PG_QUERY.format(lang="h.lang")
    sql = f"""
        SELECT h.id, ts_headline({hit_config}, {_PG_ESCAPED_TEXT}, {hit_query},
                                 'HighlightAll=true, StartSel=<mark>, StopSel=</mark>')
          FROM (SELECT m.id, m.lang, m.text, m.created_at
                  FROM messaging_participant p
                  JOIN messaging_message m ON m.chat_id = p.chat_id AND {_VISIBLE}
                 WHERE p.user_id = %(user)s
                   AND {_PG_MATCH}
                   AND m.deleted_at IS NULL
                   {" ".join(filters)}
                 ORDER BY m.created_at DESC, m.id DESC
                 LIMIT %(limit)s) h
         ORDER BY h.created_at DESC, h.id DESC
    """  # noqa: S608 - only constants are formatted in; every value is a parameter
    return sql, params


# SQLite. FTS5 takes its own query language: the websearch syntax is translated into it with
# every word quoted, so nothing a user types is read as an FTS5 operator.

_START, _STOP = "\x02", "\x03"
_TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+")


def fts5_query(q: str) -> str | None:
    """`q` in websearch syntax (words all required, "a phrase", `or`, `-word` excluded) as an
    FTS5 expression; None when nothing in it can match (no word, or only excluded ones)."""
    groups: list[tuple[list[str], list[str]]] = [([], [])]
    for match in _TERM.finditer(q):
        negated, phrase, bare = match.groups()
        if bare is not None and bare.lower() == "or":
            groups.append(([], []))
            continue
        if bare is not None and bare.startswith("-"):
            negated, bare = "-", bare[1:]
        words = _WORD.findall(phrase if phrase is not None else bare)
        if words:
            groups[-1][1 if negated else 0].append('"' + " ".join(words) + '"')
    alternatives = []
    for required, excluded in groups:
        if not required:
            continue
        expression = "(" + " AND ".join(required) + ")"
        if excluded:
            expression += " NOT (" + " OR ".join(excluded) + ")"
        alternatives.append(expression)
    return " OR ".join(alternatives) or None


def _sqlite_highlight(text: str, marked: str) -> str:
    if _START in text or _STOP in text:  # the markers cannot be told apart from the text
        return escape(text)
    return escape(marked).replace(_START, "<mark>").replace(_STOP, "</mark>")


def _search_sqlite(user_id: UUID, q: str, chat_id: UUID | None, sender_id: UUID | None, limit: int,
                   after: tuple[datetime, UUID] | None) -> list[tuple[Any, str]]:
    expression = fts5_query(q)
    if expression is None:
        return []
    params: list[Any] = [_START, _STOP, user_id.hex, expression]
    filters = []
    if chat_id is not None:
        filters.append("AND p.chat_id = %s")
        params.append(chat_id.hex)
    if sender_id is not None:
        filters.append("AND m.sender_id = %s")
        params.append(sender_id.hex)
    if after is not None:
        filters.append("AND (m.created_at, m.id) < (%s, %s)")
        params += [connection.ops.adapt_datetimefield_value(after[0]), after[1].hex]
    params.append(limit)
    sql = f"""
        SELECT m.id, m.text, highlight(messaging_message_fts, 0, %s, %s)
          FROM messaging_message_fts
          JOIN messaging_message_fts_doc d ON d.docid = messaging_message_fts.rowid
          JOIN messaging_message m ON m.id = d.message_id
          JOIN messaging_participant p ON p.chat_id = m.chat_id AND p.user_id = %s
         WHERE messaging_message_fts MATCH %s
           AND {_VISIBLE}
           AND m.deleted_at IS NULL
           {" ".join(filters)}
         ORDER BY m.created_at DESC, m.id DESC
         LIMIT %s
    """  # noqa: S608 - only constants are formatted in; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(message_id, _sqlite_highlight(text, marked)) for message_id, text, marked in cursor.fetchall()]


# The SQLite index's triggers: installed after every migrate (see MessagingConfig.ready), since an
# SQLite migration that rebuilds messaging_message drops the triggers with the old table.

_SQLITE_INDEXED = "new.deleted_at IS NULL AND new.kind <> 'system' AND new.text <> ''"
_SQLITE_UNINDEX = """
    DELETE FROM messaging_message_fts
     WHERE rowid = (SELECT docid FROM messaging_message_fts_doc WHERE message_id = old.id);
    DELETE FROM messaging_message_fts_doc WHERE message_id = old.id;
"""
_SQLITE_INDEX = f"""
    INSERT INTO messaging_message_fts_doc (message_id) SELECT new.id WHERE {_SQLITE_INDEXED};
    INSERT INTO messaging_message_fts (rowid, text)
    SELECT docid, new.text FROM messaging_message_fts_doc WHERE message_id = new.id AND {_SQLITE_INDEXED};
"""  # noqa: S608 - constants only
_SQLITE_TRIGGERS = {
    "messaging_message_fts_insert": f"AFTER INSERT ON messaging_message BEGIN {_SQLITE_INDEX} END",
    "messaging_message_fts_update": "AFTER UPDATE OF text, deleted_at, kind ON messaging_message "
                                    f"BEGIN {_SQLITE_UNINDEX} {_SQLITE_INDEX} END",
    "messaging_message_fts_delete": f"AFTER DELETE ON messaging_message BEGIN {_SQLITE_UNINDEX} END",
}


def install_sqlite_triggers(db: BaseDatabaseWrapper) -> bool:
    """On SQLite with the index tables in place, create whichever triggers are missing and, if any
    was, index every message again (writes made without them were not indexed). True if it did."""
    if db.vendor != "sqlite":
        return False
    with db.cursor() as cursor:
        cursor.execute("SELECT type, name FROM sqlite_master WHERE name LIKE 'messaging_message_fts%%'")
        present = {name for _type, name in cursor.fetchall()}
        if "messaging_message_fts_doc" not in present:
            return False  # migrated back before the index
        missing = [name for name in _SQLITE_TRIGGERS if name not in present]
        if not missing:
            return False
        for name in missing:
            cursor.execute(f"CREATE TRIGGER {name} {_SQLITE_TRIGGERS[name]}")
        cursor.execute("DELETE FROM messaging_message_fts")
        cursor.execute("DELETE FROM messaging_message_fts_doc")
        cursor.execute("INSERT INTO messaging_message_fts_doc (message_id) SELECT id FROM messaging_message "
                       "WHERE deleted_at IS NULL AND kind <> 'system' AND text <> ''")
        cursor.execute("INSERT INTO messaging_message_fts (rowid, text) SELECT d.docid, m.text "
                       "FROM messaging_message_fts_doc d JOIN messaging_message m ON m.id = d.message_id")
    return True
