"""The `search` scenario (issue 16): GET /api/v1/search/messages over a large corpus.

The corpus is made with set-based SQL in one transaction (chats, memberships and messages each one
`INSERT ... SELECT generate_series`), like bench.seed.fill_messages, so a million messages load in a
minute or two instead of hours of sends: `chats` group chats of `per_chat` messages each, one
person ("peer") in all of them and the searcher in one chat in ten. Texts are 4-12 words drawn
from a vocabulary with a heavy head (common chat words first, then made-up ones), plus three
planted words at known rates: "dinner" in 1% of messages, "tomorrow" in 3%, "okay" in 10%. Chats
are in English, save one in ten in German and one in ten in Spanish (each message is indexed in
its chat's language). Rows are stored in the order they would have been sent (by time, the chats
interleaved), as on a real server. The GIN index is dropped for the load and built again afterwards with its
own definition, as one would for a bulk load.

Every request goes through the running server as the searcher; the plans are EXPLAIN (ANALYZE,
BUFFERS) of the very statement messaging.search runs.
"""

from __future__ import annotations

import asyncio
import uuid
from argparse import Namespace

from bench import seed
from bench.client import http_client, ms, now, percentile
from bench.report import Figure, Result
from bench.stack import Stack

PLANTED = {"dinner": 0.01, "tomorrow": 0.03, "okay": 0.10}
QUERIES = [
    ("one word", "dinner", (50, 150)),
    ("two words", "dinner tomorrow", (50, 150)),
    ("a common word (10% of messages)", "okay", None),
]
COMMON = (  # noqa: SIM905 - a paragraph of words reads better than a list
    "i you the a to and is it that of in we me my for on have be this what so do are with was not "
    "can but just will your at like get go know all if how its now up out about when see one there "
    "good time think day really want yes no here well lol haha thanks love then come back great today "
    "work home sure maybe right night later call need see soon nice fun still week weekend morning "
    "coffee lunch movie game music party friend family trip train bus car house phone photo video "
    "text message chat meeting class school exam book read write play watch listen eat drink sleep"
).split()
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zu", "bi", "do", "fe"]


def vocabulary(size: int = 5000) -> list[str]:
    """The common words, then made-up ones of letters only (so each is one word to the parser)."""
    words = list(dict.fromkeys(COMMON))
    n = 0
    while len(words) < size:
        k, word = n, ""
        for _ in range(3):
            word += SYLLABLES[k % len(SYLLABLES)]
            k //= len(SYLLABLES)
        words.append(word + SYLLABLES[n % 7])
        n += 1
    return words


def seed_corpus(*, searcher: seed.Person, peer: seed.Person, chats: int, per_chat: int) -> None:
    from django.db import connection, transaction

    from messaging.models import Chat, Message, Participant

    params = {"chats": chats, "per_chat": per_chat, "searcher": searcher.id, "peer": peer.id,
              "vocab": vocabulary(), "vocab_size": len(vocabulary()), **{f"rate_{w}": r for w, r in PLANTED.items()}}
    planted = " || ".join(f"CASE WHEN random() < %(rate_{w})s THEN ' {w}' ELSE '' END" for w in PLANTED)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute("SELECT pg_get_indexdef('messaging_message_search'::regclass)")
        (index_definition,) = cursor.fetchone()
        cursor.execute("DROP INDEX messaging_message_search")
        cursor.execute("CREATE TEMP TABLE bench_search_chats ON COMMIT DROP AS SELECT n, gen_random_uuid() AS id, "
                       "n %% 10 = 0 AS searched FROM generate_series(1, %(chats)s) n", params)
        seed.insert_select(Chat, {"id": "c.id", "kind": "'group'", "name": "'search ' || c.n", "created_at": "now()",
                              "last_seq": "%(per_chat)s", "last_message_at": "now()"},
                       "bench_search_chats c", params)
        member = {"chat_id": "c.id", "joined_at": "now()", "last_read_seq": "%(per_chat)s",
                  "visible_from_seq": "1"}
        seed.insert_select(Participant, {**member, "user_id": "%(peer)s", "role": "'owner'"},
                       "bench_search_chats c", params)
        seed.insert_select(Participant, {**member, "user_id": "%(searcher)s", "role": "'member'"},
                       "bench_search_chats c WHERE c.searched", params)
        text = ("(SELECT string_agg((%(vocab)s::text[])[1 + floor(power(random(), 3) * %(vocab_size)s)::int], ' ') "
                "FROM generate_series(1, 4 + (s.n + c.n) %% 9) AS w(i))")
        seed.insert_select(Message, {
            "id": "gen_random_uuid()", "chat_id": "c.id", "seq": "s.n", "kind": "'text'",
            "sender_id": "CASE WHEN c.searched AND s.n %% 2 = 0 THEN %(searcher)s::uuid ELSE %(peer)s::uuid END",
            "text": f"{text} || {planted}",
            "lang": "CASE c.n %% 10 WHEN 1 THEN 'de' WHEN 2 THEN 'es' ELSE 'en' END",
            "created_at": "now() - ((%(per_chat)s - s.n) * %(chats)s + c.n) * interval '1 second'",
        }, "bench_search_chats c CROSS JOIN generate_series(1, %(per_chat)s) AS s(n) ORDER BY s.n, c.n", params)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys are checked before the index build
        cursor.execute(index_definition)
    seed.vacuum_analyze()


def _visible_matches(searcher: seed.Person, q: str) -> int:
    from messaging import search

    sql, params = search.postgres_query(user_id=searcher.id, q=q, limit=10_000_000)
    return seed.run_sql(f"SELECT count(*) FROM ({sql}) AS hits", params)[0][0]  # noqa: S608


def plan(searcher: seed.Person, q: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the first page, as the server runs it."""
    from messaging import search

    sql, params = search.postgres_query(user_id=searcher.id, q=q)
    return "\n".join(row[0] for row in seed.run_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql, params))


def search_messages(stack: Stack, args: Namespace) -> Result:
    seed.setup_django(stack)
    tag = uuid.uuid4().hex[:6]
    searcher, peer = seed.users(2, f"sea{tag}_")
    started = now()
    seed_corpus(searcher=searcher, peer=peer, chats=args.chats, per_chat=args.per_chat)
    load_seconds = now() - started
    total = args.chats * args.per_chat

    async def measure() -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        async with http_client(stack.base_url, searcher, connections=1) as client:
            for label, q, _target in QUERIES:
                samples = []
                for i in range(args.warmup + args.requests):
                    started = now()
                    response = await client.get("/api/v1/search/messages", params={"q": q, "limit": 20})
                    elapsed = now() - started
                    if response.status_code != 200:
                        raise RuntimeError(f"search {q!r}: HTTP {response.status_code}")
                    if i >= args.warmup:
                        samples.append(elapsed)
                out[label] = samples
        return out

    with stack.measuring("search"):
        out = asyncio.run(measure())
    figures, notes = [], [f"corpus of {total:,} messages loaded in {load_seconds:.0f} s (index built after the load)"]
    for label, q, target in QUERIES:
        p50, p99 = ms(percentile(out[label], 50)), ms(percentile(out[label], 99))
        figures.append(Figure(f"{label} ({q!r}), p50", p50, "ms", *((f"≤ {target[0]} ms", p50 <= target[0])
                                                                      if target else ())))
        figures.append(Figure(f"{label} ({q!r}), p99", p99, "ms", *((f"≤ {target[1]} ms", p99 <= target[1])
                                                                      if target else ())))
        notes.append(f"{q!r} matches {_visible_matches(searcher, q):,} messages the searcher can see")
    for _label, q, _target in QUERIES:
        text = plan(searcher, q)
        notes.append(f"plan of {q!r}:\n{text}")
    return Result("search", f"GET /api/v1/search/messages?q=…&limit=20, {total:,} messages in {args.chats:,} chats, "
                  f"the searcher in {args.chats // 10:,} of them; {args.requests} sequential requests per query",
                  figures, notes)
