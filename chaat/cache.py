"""The Redis cache with one client (and connection pool) per process.

Under ASGI, Django builds a new cache object for every request (caches are context-local), and
django.core.cache.backends.redis.RedisCache gives each one a client with a pool of its own: every
request then opened and dropped a Redis connection. Measured with bench/ (docs/PERFORMANCE.md)."""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache
from django.utils.functional import cached_property

_clients: dict[tuple, Any] = {}
_lock = threading.Lock()


class SharedRedisCache(RedisCache):
    @cached_property
    def _cache(self) -> Any:
        key = (tuple(self._servers), repr(sorted(self._options.items())))
        with _lock:
            if key not in _clients:
                _clients[key] = self._class(self._servers, **self._options)
            return _clients[key]
