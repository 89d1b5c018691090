"""`make soak`: N chat clients against 2 server processes for M minutes, then the figures.

Each client holds a websocket and is in one direct chat and one 10-member group; it sends one
message every 10 seconds on average (500 clients: 50 messages a second, half of them to
groups). At the end every client's view is compared with the database. Reports messages sent,
deliveries, lost (must be 0), doubled (must be 0), p99 send-to-delivery latency per minute and the
servers' RSS at start and end. Exit status 1 when anything was lost or doubled.

    DATABASE_URL=postgres://.../chaat_soak REDIS_URL=redis://127.0.0.1:6379/9 \\
        python -m bench.soak --clients 500 --minutes 10

The database is migrated and gets fresh users (named after the run) each time; use a scratch one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.services import issue_token  # noqa: E402
from bench.chatload import ChatClient, Ledger, compare_with_database, run_traffic  # noqa: E402
from friends.services import befriend_pair  # noqa: E402
from messaging.services.chats import create_group, get_or_create_direct_chat  # noqa: E402
from tests.servers import start_server  # noqa: E402

GROUP_SIZE = 10


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def build_cast(n: int, run: str) -> tuple[list[User], dict[int, list[str]]]:
    """n users: pairs with a direct chat, and groups of GROUP_SIZE (the first is the owner)."""
    users = [User(username=f"s{run}{i}", display_name=f"Soak {i}") for i in range(n)]
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users)
    chats: dict[int, list[str]] = {i: [] for i in range(n)}
    for i in range(0, n - 1, 2):
        befriend_pair(a=users[i], b=users[i + 1])
        chat, _ = get_or_create_direct_chat(actor=users[i], other_id=users[i + 1].id)
        chats[i].append(str(chat.id))
        chats[i + 1].append(str(chat.id))
    for start in range(0, n - GROUP_SIZE + 1, GROUP_SIZE):
        owner, members = users[start], users[start + 1:start + GROUP_SIZE]
        for member in members:
            befriend_pair(a=owner, b=member)
        group = create_group(actor=owner, name=f"soak group {start // GROUP_SIZE}",
                             member_ids=[m.id for m in members])
        for i in range(start, start + GROUP_SIZE):
            chats[i].append(str(group.id))
    return users, chats


def p99(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=int(os.environ.get("SOAK_CLIENTS", 500)))
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("SOAK_MINUTES", 10)))
    parser.add_argument("--interval", type=float, default=10.0, help="mean seconds between a client's sends")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        print("make soak needs DATABASE_URL (PostgreSQL, a scratch database) and REDIS_URL", file=sys.stderr)
        return 2

    call_command("migrate", verbosity=0)
    run = time.strftime("%H%M%S")
    print(f"soak {run}: {args.clients} clients, 2 servers, {args.minutes} min, one send per client "
          f"every {args.interval:.0f} s")
    users, chats = build_cast(args.clients, run)
    logs = Path(tempfile.mkdtemp(prefix="chaat-soak-"))
    # A connection pool per server, as in production: PostgreSQL is shared, and per-thread
    # connections under ASGI ran it out of connections at this many clients ("too many clients").
    # (The test settings this process loads turn the pool off for the suite; the servers need it on.)
    servers = [start_server(logs / f"server-{i}.log", CHANNEL_PREFIX=f"soak{run}", DATABASE_POOL="1",
                            DATABASE_POOL_SIZE=os.environ.get("DATABASE_POOL_SIZE", "8")) for i in range(2)]
    try:
        urls = [s.url("").rstrip("/") for s in servers]
        ledger = Ledger()
        clients = [ChatClient(name=u.username, token=issue_token(user=u), chats=chats[i],
                              servers=urls[i % 2:] + urls[:i % 2], ledger=ledger)
                   for i, u in enumerate(users) if chats[i]]
        rss_start: list[int] = []

        def measure_start() -> None:
            rss_start.extend(rss_kib(s.pid) for s in servers)

        started = time.monotonic()
        asyncio.run(run_traffic(clients, seconds=args.minutes * 60, interval=args.interval,
                                at=[(5, measure_start)], settle=5, ramp=0.02))
        rss_end = [rss_kib(s.pid) for s in servers]
        result = compare_with_database(clients, ledger)
    finally:
        for server in servers:
            server.stop()

    per_minute: dict[int, list[float]] = {}
    for when, latency in ledger.latencies:
        per_minute.setdefault(int((when - started) // 60), []).append(latency)
    report = {
        "clients": len(clients), "servers": 2, "minutes": args.minutes,
        "sent": result["acked"], "stored": result["stored"], "deliveries": result["deliveries"],
        "lost": result["lost"], "doubled": result["doubled"], "live_duplicates": result["live_duplicates"],
        "server_errors": ledger.server_errors, "gave_up": ledger.gave_up, "send_retries": ledger.send_failures,
        "reconnects": sum(c.reconnects for c in clients), "gap_fetches": sum(c.gap_fetches for c in clients),
        "latency_median_ms": round(statistics.median(x for _, x in ledger.latencies) * 1000, 1)
        if ledger.latencies else None,
        "p99_ms_per_minute": {m: round(p99(v) * 1000, 1) for m, v in sorted(per_minute.items())},
        "rss_kib_start": rss_start, "rss_kib_end": rss_end,
        "rss_growth_percent": [round((e - s) * 100 / s, 1) for s, e in zip(rss_start, rss_end, strict=True)]
        if rss_start else None,
        "server_logs": str(logs),
    }
    out = Path("var") / f"soak-{run}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    print(f"written to {out}")
    return 0 if report["lost"] == 0 and report["doubled"] == 0 and report["gave_up"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
