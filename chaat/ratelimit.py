"""Request limits kept in the shared cache (Redis in production), so all processes count together.

Each limit is a fixed window counter. On Redis one script does INCRBY and EXPIRE, so the
count is atomic however many requests arrive at once: exactly N calls pass and call N+1 is
refused. DRF's own throttles read-modify-write a list and are not atomic (its docs say not to rely
on them for security), so Chaat does not use them.

What happens while the shared cache is down is decided per scope (Signal's `failOpen`):
scopes in FAIL_OPEN let calls through (losing a message is worse than a burst); every other scope
counts in this process instead, so login and register stay limited per process.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from chaat.errors import RateLimited

logger = logging.getLogger(__name__)

# Scopes that stay open while the shared cache is down; the others fall back to this process.
FAIL_OPEN = {"send", "user", "anon", "ws_frame"}

_local_cache = LocMemCache("chaat-ratelimit-fallback", {"MAX_ENTRIES": 100_000})
_local_lock = threading.Lock()


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, period = rate.partition("/")
    return int(count), settings.PERIODS[period]


def rate_for(scope: str) -> tuple[int, int]:
    return parse_rate(settings.THROTTLE_RATES[scope])


def _count_in_store(store: Any, key: str, period: int, delta: int) -> int:
    """Add `delta` to a counter in a Django cache that has no atomic create-or-increment."""
    with _local_lock:
        store.add(key, 0, timeout=period + 1)
        try:
            return store.incr(key, delta)
        except ValueError:  # expired between add and incr
            store.set(key, delta, timeout=period + 1)
            return delta


# INCRBY and EXPIRE in one atomic step and one round trip. (A MULTI/EXEC pipeline does the same,
# but building a redis-py pipeline cost more CPU than the rest of a send: docs/PERFORMANCE.md.)
_INCR_EXPIRE = "local n = redis.call('INCRBY', KEYS[1], ARGV[1]) redis.call('EXPIRE', KEYS[1], ARGV[2]) return n"


def _count_shared(key: str, period: int, delta: int) -> int:
    """Add `delta` to the shared counter `key` and return the new count (raises when down)."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        full_key = backend.make_and_validate_key(key)
        # Django's RedisCache.incr checks existence first (two round trips, not atomic with the
        # create), so talk to its redis-py client directly.
        client = backend._cache.get_client(full_key, write=True)
        return int(client.eval(_INCR_EXPIRE, 1, full_key, delta, period + 1))
    return _count_in_store(backend, key, period, delta)


def _count(scope: str, key: str, period: int, delta: int) -> int | None:
    """The new count, or None when the shared cache is down and `scope` fails open."""
    try:
        return _count_shared(key, period, delta)
    except Exception:
        if scope in FAIL_OPEN:
            logger.warning("rate limit %s not enforced: shared cache unreachable", scope)
            return None
        logger.warning("rate limit %s counted in this process: shared cache unreachable", scope)
        return _count_in_store(_local_cache, key, period, delta)


def counter_key(scope: str, ident: str, window: int) -> str:
    """The cache key of one counter. The ident (a username, an IP) is hashed: keys stay short
    and safe whatever a client sends, and Redis holds no names or addresses."""
    digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"rl:{scope}:{digest}:{window}"


def _window(scope: str, ident: str, multiplier: int, now: float | None) -> tuple[str, int, int, float]:
    limit, period = rate_for(scope)
    now = time.time() if now is None else now
    window = int(now // period)
    return counter_key(scope, ident, window), limit * multiplier, period, (window + 1) * period - now


def hit(scope: str, ident: str, *, multiplier: int = 1, now: float | None = None) -> None:
    """Count one call of `ident` in `scope`; raise RateLimited (with the seconds until the window
    ends) when it is past the scope's limit. `now` is for tests of window boundaries."""
    key, limit, period, remaining = _window(scope, ident, multiplier, now)
    count = _count(scope, key, period, 1)
    if count is not None and count > limit:
        raise RateLimited(retry_after=math.ceil(remaining))


def refund(scope: str, ident: str, *, now: float | None = None) -> None:
    """Give back one call counted by `hit` (a login that turned out to be right)."""
    key, _limit, period, _remaining = _window(scope, ident, 1, now)
    _count(scope, key, period, -1)


def peek(scope: str, ident: str, *, multiplier: int = 1) -> None:
    """Raise RateLimited if `ident` is already at its limit, without counting a call."""
    key, limit, _period, remaining = _window(scope, ident, multiplier, None)
    try:
        count = int(cache.get(key, 0) or 0)
    except Exception:
        if scope in FAIL_OPEN:
            return
        count = int(_local_cache.get(key, 0) or 0)
    if count >= limit:
        raise RateLimited(retry_after=math.ceil(remaining))


def client_ip(request: Any) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


# --- limits the apps call (each scope is in settings.THROTTLE_RATES) ------------------------------


def limit_upload(*, user_id: UUID) -> None:
    """An avatar or image upload by this user (`upload`)."""
    hit("upload", str(user_id))


def limit_queue_join(*, user_id: UUID) -> None:
    """A matchmaking queue join by this user (`queue`)."""
    hit("queue", str(user_id))


def limit_ws_frame(*, user_id: UUID) -> None:
    """One frame a user's websocket sent us (`ws_frame`, all their connections together). The
    consumer answers RateLimited with an `error` frame `rate_limited` and keeps the socket."""
    hit("ws_frame", str(user_id))


def limit_export(*, user_id: UUID) -> None:
    """A data export by this user (`export`): it reads everything they have, so it is rationed."""
    hit("export", str(user_id))


def limit_search(*, user_id: UUID) -> None:
    """A message search by this user (`search`), on the API and the site alike."""
    hit("search", str(user_id))


class DefaultThrottle(BaseThrottle):
    """`user` per authenticated user, `anon` per client IP, for every API call."""

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.user and request.user.is_authenticated:
            hit("user", str(request.user.pk))
        else:
            hit("anon", client_ip(request))
        return True
