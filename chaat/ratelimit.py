"""Request limits kept in the shared cache (Redis in production), so all processes count together.

Each limit is a fixed window counter: `cache.add` creates it with the window's lifetime and
`cache.incr` bumps it atomically (Redis INCR), so exactly N calls pass and call N+1 is refused,
however many arrive at once. DRF's own throttles read-modify-write a list and are not atomic.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from chaat.errors import RateLimited

logger = logging.getLogger(__name__)

# Scopes that stay open while the shared cache is down (losing a message is worse than a burst);
# every other scope falls back to a counter in this process.
FAIL_OPEN = {"send", "user", "anon"}

_local_cache = LocMemCache("chaat-ratelimit-fallback", {"MAX_ENTRIES": 100_000})
_local_lock = threading.Lock()


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, period = rate.partition("/")
    return int(count), settings.PERIODS[period]


def rate_for(scope: str) -> tuple[int, int]:
    return parse_rate(settings.THROTTLE_RATES[scope])


def _bump(store: Any, key: str, period: int) -> int:
    store.add(key, 0, timeout=period + 1)
    try:
        return store.incr(key)
    except ValueError:  # expired between add and incr
        store.add(key, 1, timeout=period + 1)
        return 1


def hit(scope: str, ident: str, *, multiplier: int = 1) -> None:
    """Count one call of `ident` in `scope`; raise RateLimited past the scope's limit."""
    limit, period = rate_for(scope)
    limit *= multiplier
    now = time.time()
    window = int(now // period)
    key = f"rl:{scope}:{ident}:{window}"
    try:
        count = _bump(cache, key, period)
    except Exception:
        if scope in FAIL_OPEN:
            logger.warning("rate limit %s not enforced: shared cache unreachable", scope)
            return
        with _local_lock:
            count = _bump(_local_cache, key, period)
    if count > limit:
        raise RateLimited(retry_after=int((window + 1) * period - now) + 1)


def peek(scope: str, ident: str, *, multiplier: int = 1) -> None:
    """Raise RateLimited if `ident` is already over the limit, without counting a call."""
    limit, period = rate_for(scope)
    limit *= multiplier
    now = time.time()
    window = int(now // period)
    key = f"rl:{scope}:{ident}:{window}"
    try:
        count = cache.get(key, 0)
    except Exception:
        with _local_lock:
            count = _local_cache.get(key, 0)
    if count >= limit:
        raise RateLimited(retry_after=int((window + 1) * period - now) + 1)


def client_ip(request: Any) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


class DefaultThrottle(BaseThrottle):
    """`user` per authenticated user, `anon` per client IP, for every API call."""

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.user and request.user.is_authenticated:
            hit("user", str(request.user.pk))
        else:
            hit("anon", client_ip(request))
        return True
