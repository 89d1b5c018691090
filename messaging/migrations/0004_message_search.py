"""Full-text search of messages (contract "Search"), kept current by the database itself.

PostgreSQL: a stored generated column `search_vector`, built with the text-search configuration of
the message's `lang` (`simple` when it has none), empty for tombstones and system messages, and a
GIN index over (chat_id, search_vector) (btree_gin) so one index scan per chat of the searcher
finds its matches.

SQLite: an FTS5 table of the texts (English stemming, case and diacritics folded), filled by
triggers (messaging.search). FTS5 rows are addressed by an integer, and a message's implicit rowid may change on
VACUUM, so a small table gives each indexed message a stable document number.

Other databases get nothing (the search answers with no results there).
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    """
    ALTER TABLE messaging_message ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        CASE WHEN deleted_at IS NULL AND kind <> 'system' THEN
            to_tsvector(CASE lang WHEN 'en' THEN 'english'::regconfig WHEN 'de' THEN 'german'::regconfig
                                  WHEN 'es' THEN 'spanish'::regconfig ELSE 'simple'::regconfig END, text)
        ELSE ''::tsvector END
    ) STORED
    """,
    "CREATE INDEX messaging_message_search ON messaging_message USING gin (chat_id, search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS messaging_message_search",
    "ALTER TABLE messaging_message DROP COLUMN IF EXISTS search_vector",
]

# The triggers that keep the FTS table current are (re)created after every migrate by
# messaging.search.install_sqlite_triggers: rebuilding messaging_message, as SQLite migrations
# that alter it do, drops its triggers with it.
SQLITE_FORWARD = [
    "CREATE TABLE messaging_message_fts_doc ("
    " docid INTEGER PRIMARY KEY, message_id char(32) NOT NULL UNIQUE)",
    "CREATE VIRTUAL TABLE messaging_message_fts USING fts5("
    " text, tokenize = 'porter unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS messaging_message_fts_insert",
    "DROP TRIGGER IF EXISTS messaging_message_fts_update",
    "DROP TRIGGER IF EXISTS messaging_message_fts_delete",
    "DROP TABLE IF EXISTS messaging_message_fts",
    "DROP TABLE IF EXISTS messaging_message_fts_doc",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("messaging", "0003_chat_languages_and_settings"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
