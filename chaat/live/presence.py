"""Presence: a user is online while at least one of their sockets is open, in any server process.

With Redis, each user has a sorted set of their open connections scored by the time each entry
expires (`<prefix>:presence:conns:<user>`), and one sorted set holds the online users, scored
likewise (`<prefix>:presence:online`). Every socket refreshes its entry each PRESENCE_HEARTBEAT
seconds; the entries of a killed process are not refreshed and stop counting after PRESENCE_TTL.
The scripts below change both sets atomically and report whether the user joined or left the
online set, so exactly one caller learns of each change and announces it: online on the first
socket, offline on the last one, or by `reap()` when only expired entries remain.

Without REDIS_URL the same bookkeeping lives in this process's memory (one process only).
"""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.conf import settings

MAX_SOCKETS_PER_USER = 10

# KEYS: conns, online. ARGV: conn, now, expires, limit, user, ttl.
# Returns -1 when the user already has `limit` live sockets, else 1 if the user just came online.
_CONNECT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return -1 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[6])
return redis.call('ZADD', KEYS[2], ARGV[3], ARGV[5])
"""

# KEYS: conns, online. ARGV: conn, expires, user, ttl. Returns 1 if the user came back online
# (a stalled process whose users had been reaped in the meantime).
_HEARTBEAT = """
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
"""

# KEYS: conns, online. ARGV: conn (or ''), now, user. Returns 1 if the user just went offline.
_LEAVE = """
if ARGV[1] ~= '' then redis.call('ZREM', KEYS[1], ARGV[1]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
return redis.call('ZREM', KEYS[2], ARGV[3])
"""


class TooManySockets(Exception):
    """The user already has MAX_SOCKETS_PER_USER open sockets."""


def _key(*parts: str) -> str:
    return ":".join([settings.CHANNEL_PREFIX, "presence", *parts])


class _RedisStore:
    """Presence in Redis, shared by every process. One asyncio client per event loop (a client's
    connections belong to the loop that made them); one blocking client for selectors."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._async: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[Any, ...]] = (
            weakref.WeakKeyDictionary()
        )
        self._sync: Any = None

    def _scripts(self) -> tuple[Any, ...]:
        import redis.asyncio

        loop = asyncio.get_running_loop()
        if loop not in self._async:
            # A pool that makes callers wait for a free connection: redis-py's default fails at once
            # past 100, and 5,000 sockets closing together (`python -m bench connections`) lost
            # most of their presence updates that way.
            pool = redis.asyncio.BlockingConnectionPool.from_url(
                self.url, max_connections=100, timeout=5, socket_connect_timeout=2, socket_timeout=2)
            client = redis.asyncio.Redis(connection_pool=pool)
            self._async[loop] = (client, client.register_script(_CONNECT),
                                 client.register_script(_HEARTBEAT), client.register_script(_LEAVE))
        return self._async[loop]

    async def connect(self, user: str, conn: str, now: float, ttl: int, limit: int) -> int:
        _client, connect, _heartbeat, _leave = self._scripts()
        return int(await connect(keys=[_key("conns", user), _key("online")],
                                 args=[conn, now, now + ttl, limit, user, ttl]))

    async def heartbeat(self, user: str, conn: str, now: float, ttl: int) -> bool:
        _client, _connect, heartbeat, _leave = self._scripts()
        return bool(await heartbeat(keys=[_key("conns", user), _key("online")],
                                    args=[conn, now + ttl, user, ttl]))

    async def leave(self, user: str, conn: str, now: float) -> bool:
        _client, _connect, _heartbeat, leave = self._scripts()
        return bool(await leave(keys=[_key("conns", user), _key("online")], args=[conn, now, user]))

    async def stale(self, now: float, limit: int) -> list[str]:
        client = self._scripts()[0]
        users = await client.zrangebyscore(_key("online"), "-inf", now, start=0, num=limit)
        return [u.decode() for u in users]

    def online(self, users: list[str], now: float) -> set[str]:
        if self._sync is None:
            import redis

            self._sync = redis.Redis.from_url(self.url, socket_connect_timeout=2, socket_timeout=2)
        scores = self._sync.zmscore(_key("online"), users) if users else []
        return {user for user, score in zip(users, scores, strict=True) if score is not None and score > now}


class _MemoryStore:
    """The same bookkeeping for one process (the in-memory channel layer)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.conns: dict[str, dict[str, float]] = {}
        self.online_until: dict[str, float] = {}

    def _prune(self, user: str, now: float) -> dict[str, float]:
        conns = {c: t for c, t in self.conns.get(user, {}).items() if t > now}
        self.conns[user] = conns
        return conns

    async def connect(self, user: str, conn: str, now: float, ttl: int, limit: int) -> int:
        with self.lock:
            conns = self._prune(user, now)
            if len(conns) >= limit:
                return -1
            conns[conn] = now + ttl
            came_online = user not in self.online_until
            self.online_until[user] = now + ttl
            return int(came_online)

    async def heartbeat(self, user: str, conn: str, now: float, ttl: int) -> bool:
        with self.lock:
            self.conns.setdefault(user, {})[conn] = now + ttl
            came_online = user not in self.online_until
            self.online_until[user] = now + ttl
            return came_online

    async def leave(self, user: str, conn: str, now: float) -> bool:
        with self.lock:
            self.conns.get(user, {}).pop(conn, None)
            if self._prune(user, now):
                return False
            del self.conns[user]
            return self.online_until.pop(user, None) is not None

    async def stale(self, now: float, limit: int) -> list[str]:
        with self.lock:
            return [user for user, until in self.online_until.items() if until <= now][:limit]

    def online(self, users: list[str], now: float) -> set[str]:
        with self.lock:
            return {user for user in users if self.online_until.get(user, 0) > now}


_stores: dict[str, _RedisStore | _MemoryStore] = {}
_last_reap = 0.0


def _store() -> _RedisStore | _MemoryStore:
    """One store per configuration (tests switch REDIS_URL between runs of the suite only)."""
    url = settings.REDIS_URL
    if url not in _stores:
        _stores[url] = _RedisStore(url) if url else _MemoryStore()
    return _stores[url]


async def connect(user_id: UUID | str, conn: str) -> bool:
    """Count a new socket of the user; True when the user just came online.
    Raises TooManySockets when the user already has MAX_SOCKETS_PER_USER live sockets."""
    result = await _store().connect(str(user_id), conn, time.time(), settings.PRESENCE_TTL,
                                    MAX_SOCKETS_PER_USER)
    if result < 0:
        raise TooManySockets()
    return result == 1


async def heartbeat(user_id: UUID | str, conn: str) -> bool:
    """Keep the socket's entry alive; True if the user had been reaped meanwhile (online again)."""
    return await _store().heartbeat(str(user_id), conn, time.time(), settings.PRESENCE_TTL)


async def disconnect(user_id: UUID | str, conn: str) -> bool:
    """Forget a closed socket; True when it was the user's last one (the user went offline)."""
    return await _store().leave(str(user_id), conn, time.time())


async def reap(batch: int = 500) -> list[str]:
    """The users whose sockets all expired (their process died), now taken offline: the caller
    announces them. Runs at most once per heartbeat interval per process; every process may run
    it, and the atomic leave script lets only one of them report each user."""
    global _last_reap  # a per-process throttle
    now = time.time()
    if now - _last_reap < settings.PRESENCE_HEARTBEAT:
        return []
    _last_reap = now
    store = _store()
    return [user for user in await store.stale(now, batch) if await store.leave(user, "", now)]


def online_ids(user_ids: Iterable[UUID | str]) -> set[str]:
    """The ids (as strings) of those users who are online now."""
    users = list(dict.fromkeys(str(u) for u in user_ids))
    return _store().online(users, time.time())


def is_online(user_id: UUID | str) -> bool:
    return str(user_id) in online_ids([user_id])
