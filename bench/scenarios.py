"""The scenarios of issue 7. Each one seeds what it needs (synchronously, through bench.seed), then
drives the running server with asyncio and returns its figures; none of them asserts timings."""

from __future__ import annotations

import asyncio
import time
import uuid
from argparse import Namespace
from collections.abc import Callable
from typing import Any

from bench import search, seed
from bench.client import (
    LiveSocket,
    close_sockets,
    http_client,
    http_send,
    ms,
    now,
    open_sockets,
    percentile,
)
from bench.report import Figure, Result
from bench.stack import Stack

KIB = 1024
# A send whose ack has not come by then is counted as unanswered, and the sender goes on.
ACK_TIMEOUT = 10.0


class Unavailable(Exception):
    """The server lacks what the scenario needs (an API not merged yet): skipped, not failed."""


def _tag() -> str:
    """A short, fresh username prefix, so scenarios can share one database."""
    return uuid.uuid4().hex[:6]


def _pairs(stack: Stack, count: int, name: str) -> tuple[list[tuple[seed.Person, seed.Person]], list[str]]:
    """`count` pairs of friends, each with their direct chat."""
    seed.setup_django(stack)
    people = seed.users(2 * count, f"{name}{_tag()}_")
    pairs = list(zip(people[::2], people[1::2], strict=True))
    seed.befriend(pairs)
    return pairs, [str(seed.direct_chat(a, b)) for a, b in pairs]


def _latency_figures(label: str, samples: list[float], target_p99: float | None = None) -> list[Figure]:
    p99 = ms(percentile(samples, 99))
    return [
        Figure(f"{label} p50", ms(percentile(samples, 50)), "ms"),
        Figure(f"{label} p95", ms(percentile(samples, 95)), "ms"),
        Figure(f"{label} p99", p99, "ms", *((f"≤ {target_p99:g} ms", p99 <= target_p99) if target_p99 else ())),
    ]


# --- latency -------------------------------------------------------------------------------------


def latency(stack: Stack, args: Namespace) -> Result:
    pairs, chats = _pairs(stack, args.pairs, "lat")
    cpu: dict[str, float] = {}

    async def measure() -> dict[str, list[float]]:
        people = [p for pair in pairs for p in pair]
        sockets = await open_sockets(stack.ws_url, people)
        by_person = {s.person.id: s for s in sockets}
        clients = {p.id: http_client(stack.base_url, p, connections=1) for p in people}
        samples: dict[str, list[float]] = {"socket": [], "http": []}
        try:
            for transport in ("socket", "http"):
                for i in range(args.warmup + args.messages):
                    if i == args.warmup:
                        cpu[transport] = stack.cpu_seconds()
                    a, b = pairs[i % len(pairs)]
                    sender, receiver = (a, b) if i % 2 == 0 else (b, a)
                    client_id = str(uuid.uuid4())
                    delivered = by_person[receiver.id].expect("message.created", client_id)
                    started = now()
                    if transport == "socket":
                        acked = by_person[sender.id].expect("message.ack", client_id)
                        await by_person[sender.id].send_message(chats[i % len(pairs)], f"ping {i}", client_id)
                        await acked
                    else:
                        await http_send(clients[sender.id], chats[i % len(pairs)], f"ping {i}", client_id)
                    arrived = await asyncio.wait_for(delivered, 10)
                    if i >= args.warmup:
                        samples[transport].append(arrived - started)
                cpu[transport] = (stack.cpu_seconds() - cpu[transport]) / args.messages
        finally:
            await close_sockets(sockets)
            await asyncio.gather(*(c.aclose() for c in clients.values()))
        return samples

    with stack.measuring("latency"):
        samples = asyncio.run(measure())
    return Result(
        "latency",
        f"{args.messages:,} messages per transport, one in flight, {args.pairs} direct chats",
        _latency_figures("socket send → delivery", samples["socket"], 30)
        + _latency_figures("HTTP send → delivery", samples["http"], 30)
        + [Figure("server CPU per message sent over the socket", ms(cpu["socket"]), "ms"),
           Figure("server CPU per message sent over HTTP", ms(cpu["http"]), "ms")],
    )


# --- throughput ----------------------------------------------------------------------------------


def throughput(stack: Stack, args: Namespace) -> Result:
    pairs, chats = _pairs(stack, args.pairs, "thr")

    async def measure() -> dict[str, Any]:
        people = [p for pair in pairs for p in pair]
        sockets = await open_sockets(stack.ws_url, people)
        by_person = {s.person.id: s for s in sockets}
        sent_at: dict[str, float] = {}
        delays: list[float] = []
        counts = {"acked": 0, "delivered": 0, "errors": 0, "unanswered": 0}
        unanswered: list[str] = []
        measuring = {"on": False}

        def receiver_of(socket: LiveSocket) -> Callable[[dict[str, Any], float], None]:
            def on_frame(frame: dict[str, Any], arrived: float) -> None:
                if frame.get("type") != "message.created":
                    return
                message = frame["message"]
                if (message.get("sender") or {}).get("id") == str(socket.person.id):
                    return  # the sender's own copy is not a delivery
                started = sent_at.pop(message["client_id"], None)
                if started is not None and measuring["on"]:
                    counts["delivered"] += 1
                    delays.append(arrived - started)

            return on_frame

        for socket in sockets:
            socket.on_frame = receiver_of(socket)

        async def sender(socket: LiveSocket, chat_id: str, deadline: float) -> None:
            n = 0
            while now() < deadline:
                client_id = str(uuid.uuid4())
                acked = socket.expect("message.ack", client_id)
                sent_at[client_id] = now()
                await socket.send_message(chat_id, f"load {n}", client_id)
                try:
                    await asyncio.wait_for(acked, ACK_TIMEOUT)
                except TimeoutError:
                    counts["unanswered"] += 1
                    unanswered.append(client_id)
                    sent_at.pop(client_id, None)
                    continue
                except Exception:
                    counts["errors"] += 1
                    sent_at.pop(client_id, None)
                    await asyncio.sleep(0.05)
                    continue
                if measuring["on"]:
                    counts["acked"] += 1
                n += 1

        warmup_end = now() + args.warmup
        deadline = warmup_end + args.duration
        tasks = []
        for (a, b), chat_id in zip(pairs, chats, strict=True):
            tasks.append(asyncio.create_task(sender(by_person[a.id], chat_id, deadline)))
            tasks.append(asyncio.create_task(sender(by_person[b.id], chat_id, deadline)))
        await asyncio.sleep(max(0.0, warmup_end - now()))
        measuring["on"] = True
        started, cpu_before, own_cpu_before = now(), stack.cpu_seconds(), time.process_time()
        await asyncio.gather(*tasks)
        elapsed, cpu = now() - started, stack.cpu_seconds() - cpu_before
        own_cpu = time.process_time() - own_cpu_before
        await asyncio.sleep(1)  # deliveries of the last sends
        measuring["on"] = False
        await close_sockets(sockets)
        return {"elapsed": elapsed, "delays": delays, "cpu": cpu, "own_cpu": own_cpu, "unanswered_ids": unanswered,
                **counts}

    before = _stored_messages(chats)
    with stack.measuring("throughput"):
        out = asyncio.run(measure())
    persisted = _stored_messages(chats) - before
    elapsed = out["elapsed"] + args.warmup
    acked_rate = out["acked"] / out["elapsed"]
    figures = [
        Figure("acked (persisted) messages/s", acked_rate, "msg/s", "≥ 2,000 msg/s", acked_rate >= 2000),
        Figure("delivered messages/s (at receivers)", out["delivered"] / out["elapsed"], "msg/s"),
        Figure("messages stored during the run (incl. warm-up) /s", persisted / elapsed, "msg/s"),
        *_latency_figures("delivery", out["delays"])[::2],
        Figure("server CPU per acked message", ms(out["cpu"] / max(1, out["acked"])), "ms"),
        Figure("load generator CPU per acked message", ms(out["own_cpu"] / max(1, out["acked"])), "ms"),
    ]
    notes = [f"{out['errors']} sends answered with an error frame"] if out["errors"] else []
    if out["unanswered"]:
        notes.append(f"{out['unanswered']} sends not answered within {ACK_TIMEOUT:g} s "
                     f"({_stored_messages_with(out['unanswered_ids'])} of them stored)")
    return Result(
        "throughput",
        f"{2 * args.pairs} users in {args.pairs} pairs, one unacked message per user, "
        f"{args.duration:g} s after {args.warmup:g} s warm-up, {stack.config.workers} worker(s)",
        figures, notes,
    )


def _stored_messages_with(client_ids: list[str]) -> int:
    from messaging.models import Message

    return Message.objects.filter(client_id__in=client_ids).count()


def _stored_messages(chat_ids: list[str]) -> int:
    from messaging.models import Message

    return Message.objects.filter(chat_id__in=chat_ids).count()


# --- fanout --------------------------------------------------------------------------------------


def fanout(stack: Stack, args: Namespace) -> Result:
    seed.setup_django(stack)
    people = seed.users(args.members, f"fan{_tag()}_")
    owner, others = people[0], people[1:]
    seed.befriend([(owner, other) for other in others])

    async def measure() -> dict[str, list[float]]:
        async with http_client(stack.base_url, owner) as client:
            response = await client.post("/api/v1/chats/groups",
                                         json={"name": "fanout", "members": [str(p.id) for p in others]})
            if response.status_code == 404:
                raise Unavailable("this server has no POST /api/v1/chats/groups yet")
            if response.status_code != 201:
                raise RuntimeError(f"creating the group: HTTP {response.status_code} {response.text[:200]}")
            chat_id = response.json()["id"]
        sockets = await open_sockets(stack.ws_url, people)
        last, first = [], []
        try:
            for i in range(args.warmup + args.messages):
                if i == args.warmup:
                    cpu_before = stack.cpu_seconds()
                # Senders take turns (a socket may send 10 frames a second); the sender's socket
                # has the message at its ack, every other member's at message.created.
                sender = sockets[i % len(sockets)]
                client_id = str(uuid.uuid4())
                arrivals = [sender.expect("message.ack", client_id)]
                arrivals += [s.expect("message.created", client_id) for s in sockets if s is not sender]
                started = now()
                await sender.send_message(chat_id, f"to everyone {i}", client_id)
                times = await asyncio.wait_for(asyncio.gather(*arrivals), 30)
                if i >= args.warmup:
                    last.append(max(times) - started)
                    first.append(min(times[1:]) - started)
            cpu = (stack.cpu_seconds() - cpu_before) / args.messages
        finally:
            await close_sockets(sockets)
        return {"last": last, "first": first, "cpu": cpu}

    with stack.measuring("fanout"):
        out = asyncio.run(measure())
    p99 = ms(percentile(out["last"], 99))
    return Result(
        "fanout",
        f"{args.messages} messages, one at a time, to a {args.members}-member group, each member with one socket",
        [
            Figure("first member has it, p50", ms(percentile(out["first"], 50)), "ms"),
            Figure("all members have it, p50", ms(percentile(out["last"], 50)), "ms"),
            Figure("all members have it, p99", p99, "ms", "≤ 100 ms", p99 <= 100),
            Figure("server CPU per message", ms(out["cpu"]), "ms"),
            Figure("server CPU per message and member", ms(out["cpu"]) / args.members, "ms"),
        ],
    )


# --- history -------------------------------------------------------------------------------------


def history(stack: Stack, args: Namespace) -> Result:
    pairs, chats = _pairs(stack, len(args.sizes), "his")
    for (a, b), chat_id, size in zip(pairs, chats, args.sizes, strict=True):
        seed.fill_messages(uuid.UUID(chat_id), [a, b], size)
    seed.vacuum_analyze()

    async def measure() -> dict[int, dict[str, list[float]]]:
        out: dict[int, dict[str, list[float]]] = {}
        for (a, _b), chat_id, size in zip(pairs, chats, args.sizes, strict=True):
            out[size] = {}
            async with http_client(stack.base_url, a, connections=1) as client:
                pages = (("latest", "", min(50, size)), ("middle", f"?before={size // 2}", min(50, size // 2 - 1)))
                for label, query, expected in pages:
                    url = f"/api/v1/chats/{chat_id}/messages{query}"
                    samples = []
                    for i in range(args.warmup + args.requests):
                        if i == args.warmup:
                            cpu = stack.cpu_seconds()
                        started = now()
                        response = await client.get(url)
                        elapsed = now() - started
                        if response.status_code != 200 or len(response.json()["results"]) != expected:
                            raise RuntimeError(f"history page: HTTP {response.status_code}")
                        if i >= args.warmup:
                            samples.append(elapsed)
                    out[size][label] = samples
                    out[size][f"{label} cpu"] = [(stack.cpu_seconds() - cpu) / args.requests]
        return out

    with stack.measuring("history"):
        out = asyncio.run(measure())
    figures = []
    for size in args.sizes:
        p50 = ms(percentile(out[size]["latest"], 50))
        figures.append(Figure(f"latest 50 of {size:,}, p50", p50, "ms", "≤ 10 ms", p50 <= 10))
        figures.append(Figure(f"latest 50 of {size:,}, server CPU per request", ms(out[size]["latest cpu"][0]), "ms"))
        figures.append(Figure(f"50 before seq {size // 2:,} of {size:,}, p50",
                              ms(percentile(out[size]["middle"], 50)), "ms"))
    low, high = min(args.sizes), max(args.sizes)
    ratio = percentile(out[high]["latest"], 50) / percentile(out[low]["latest"], 50)
    figures.append(Figure(f"p50 at {high:,} / p50 at {low:,}", ratio, "times", "≤ 2 times", ratio <= 2))
    return Result("history", f"GET /api/v1/chats/{{id}}/messages, {args.requests} sequential requests per page",
                  figures)


# --- inbox ---------------------------------------------------------------------------------------


def inbox(stack: Stack, args: Namespace) -> Result:
    seed.setup_django(stack)
    tag = _tag()
    others = seed.users(max(args.sizes), f"inb{tag}_")
    hubs = seed.users(len(args.sizes), f"hub{tag}_")
    for hub, size in zip(hubs, args.sizes, strict=True):
        seed.befriend([(hub, other) for other in others[:size]])
        for other in others[:size]:
            chat_id = seed.direct_chat(hub, other)
            seed.fill_messages(chat_id, [other, hub, other], args.messages_per_chat)
    seed.vacuum_analyze()
    queries = {size: _count_queries(hub) for hub, size in zip(hubs, args.sizes, strict=True)}
    cpu: dict[int, float] = {}

    async def measure() -> dict[int, list[float]]:
        out = {}
        for hub, size in zip(hubs, args.sizes, strict=True):
            async with http_client(stack.base_url, hub, connections=1) as client:
                samples = []
                for i in range(args.warmup + args.requests):
                    if i == args.warmup:
                        cpu[size] = stack.cpu_seconds()
                    started = now()
                    response = await client.get("/api/v1/chats")
                    elapsed = now() - started
                    if response.status_code != 200 or len(response.json()["results"]) != min(size, 50):
                        raise RuntimeError(f"inbox: HTTP {response.status_code}")
                    if i >= args.warmup:
                        samples.append(elapsed)
                out[size] = samples
                cpu[size] = (stack.cpu_seconds() - cpu[size]) / args.requests
        return out

    with stack.measuring("inbox"):
        out = asyncio.run(measure())
    figures = []
    for size in args.sizes:
        p50 = ms(percentile(out[size], 50))
        target = ("≤ 25 ms", p50 <= 25) if size == max(args.sizes) else ()
        figures.append(Figure(f"{size:,} chats, p50", p50, "ms", *target))
        figures.append(Figure(f"{size:,} chats, server CPU per request", ms(cpu[size]), "ms"))
        figures.append(Figure(f"{size:,} chats, queries per request", queries[size], "queries",
                              f"= {queries[min(args.sizes)]} (as at {min(args.sizes)})",
                              queries[size] == queries[min(args.sizes)]))
    return Result("inbox", f"GET /api/v1/chats (first page of 50), {args.messages_per_chat} messages per chat, "
                  f"{args.requests} sequential requests", figures)


def _count_queries(person: seed.Person) -> int:
    """Database queries of one GET /api/v1/chats, counted by running the real view in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers=person.headers)
    client.get("/api/v1/chats")  # settle the connection first
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/chats")
    if response.status_code != 200:
        raise RuntimeError(f"inbox in-process: HTTP {response.status_code}")
    return len(captured)


# --- connections ---------------------------------------------------------------------------------


def connections(stack: Stack, args: Namespace) -> Result:
    seed.setup_django(stack)
    tag = _tag()
    people = seed.users(args.sockets, f"con{tag}_")
    (sender,) = seed.users(1, f"snd{tag}_")
    target = people[len(people) // 2]
    seed.befriend([(sender, target)])
    chat_id = str(seed.direct_chat(sender, target))

    async def measure() -> dict[str, Any]:
        async with http_client(stack.base_url, sender, connections=1) as client:
            await client.get("/api/v1/chats")  # every worker warm before the baseline
            baseline = stack.rss_bytes()
            opened_at = now()
            sockets = await open_sockets(stack.ws_url, people, concurrency=args.concurrency)
            opened = now() - opened_at
            await asyncio.sleep(2)
            loaded = stack.rss_bytes()
            receiver = sockets[len(people) // 2]
            samples = []
            try:
                for i in range(args.warmup + args.messages):
                    client_id = str(uuid.uuid4())
                    delivered = receiver.expect("message.created", client_id)
                    started = now()
                    await http_send(client, chat_id, f"hello {i}", client_id)
                    arrived = await asyncio.wait_for(delivered, 10)
                    if i >= args.warmup:
                        samples.append(arrived - started)
                still_open = sum(1 for s in sockets if not s.reader.done())
            finally:
                await close_sockets(sockets)
        return {"baseline": baseline, "loaded": loaded, "opened": opened, "samples": samples,
                "still_open": still_open}

    with stack.measuring("connections"):
        out = asyncio.run(measure())
    per_socket = (out["loaded"] - out["baseline"]) / args.sockets / KIB
    return Result(
        "connections",
        f"{args.sockets:,} idle authenticated sockets ({stack.config.workers} worker(s)), "
        f"then {args.messages} HTTP sends to one of them",
        [
            Figure("server RSS per idle socket", per_socket, "KiB", "≤ 64 KiB", per_socket <= 64),
            Figure(f"server RSS, all workers, with the sockets (before: {out['baseline'] / KIB / KIB:.0f} MiB)",
                   out["loaded"] / KIB / KIB, "MiB"),
            Figure("time to open all sockets", out["opened"], "s"),
            Figure("sockets still open at the end", out["still_open"], "sockets"),
            *_latency_figures("delivery to one of them", out["samples"])[::2],
        ],
    )


# --- me ------------------------------------------------------------------------------------------


def me(stack: Stack, args: Namespace) -> Result:
    """The request floor: an authenticated GET of /api/v1/me does one token lookup, the rate limit
    and the middleware and DRF around a trivial view, so its CPU is what every API call pays."""
    seed.setup_django(stack)
    people = seed.users(args.clients, f"me{_tag()}_")
    per_client = args.requests // args.clients
    cpu: dict[str, float] = {}

    async def measure() -> list[float]:
        clients = [http_client(stack.base_url, person, connections=1) for person in people]
        samples: list[float] = []

        async def get(client: Any, count: int, out: list[float] | None) -> None:
            for _ in range(count):
                started = now()
                response = await client.get("/api/v1/me")
                elapsed = now() - started
                if response.status_code != 200:
                    raise RuntimeError(f"me: HTTP {response.status_code} {response.text[:200]}")
                if out is not None:
                    out.append(elapsed)

        try:
            await asyncio.gather(*(get(c, args.warmup, None) for c in clients))
            cpu["before"] = stack.cpu_seconds()
            await asyncio.gather(*(get(c, per_client, samples) for c in clients))
            cpu["per request"] = (stack.cpu_seconds() - cpu["before"]) / (per_client * len(clients))
        finally:
            await asyncio.gather(*(c.aclose() for c in clients))
        return samples

    with stack.measuring("me"):
        samples = asyncio.run(measure())
    cpu_ms = ms(cpu["per request"])
    return Result(
        "me",
        f"GET /api/v1/me, {per_client * args.clients:,} requests from {args.clients} concurrent clients "
        f"(one connection and user each, one request in flight per client)",
        [*_latency_figures("GET /api/v1/me", samples)[::2],
         Figure("server CPU per request", cpu_ms, "ms", "≤ 1.5 ms", cpu_ms <= 1.5)],
    )


# --- login ---------------------------------------------------------------------------------------


def login(stack: Stack, args: Namespace) -> Result:
    seed.setup_django(stack)
    username, password = f"login{_tag()}", seed.PASSWORD

    async def measure() -> list[float]:
        async with http_client(stack.base_url, connections=1) as client:
            response = await client.post("/api/v1/auth/register", json={"username": username, "password": password})
            if response.status_code != 201:
                raise RuntimeError(f"register: HTTP {response.status_code} {response.text[:200]}")
            samples = []
            for i in range(args.warmup + args.count):
                started = now()
                response = await client.post("/api/v1/auth/login", json={"username": username, "password": password})
                elapsed = now() - started
                if response.status_code != 200:
                    raise RuntimeError(f"login: HTTP {response.status_code}")
                if i >= args.warmup:
                    samples.append(elapsed)
            return samples

    with stack.measuring("login"):
        samples = asyncio.run(measure())
    return Result("login", f"{args.count} sequential logins of a user registered through the server",
                  [Figure("login p50", ms(percentile(samples, 50)), "ms"),
                   Figure("login p95", ms(percentile(samples, 95)), "ms")],
                  [f"Argon2id costs of the server's hash: {_argon2_costs(username)}"])


def _argon2_costs(username: str) -> str:
    """The costs recorded in the hash the server made (its production settings, not the seeding ones)."""
    from accounts.models import User

    return User.objects.get(username=username).password.split("$")[3]  # argon2$argon2id$v=19$<costs>$...


SCENARIOS: dict[str, Callable[[Stack, Namespace], Result]] = {
    "latency": latency,
    "throughput": throughput,
    "fanout": fanout,
    "history": history,
    "inbox": inbox,
    "connections": connections,
    "login": login,
    "me": me,
    "search": search.search_messages,
}
