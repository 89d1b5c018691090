"""The Redis cache with one client (and connection pool) per process.

Under ASGI, Django builds a new cache object for every request (caches are context-local), and
django.core.cache.backends.redis.RedisCache gives each one a client with a pool of its own: every
request then opened and dropped a Redis connection. Measured with bench/ (docs/PERFORMANCE.md)."""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property

_clients: dict[tuple, Any] = {}
_lock = threading.Lock()


class _OneRedisPerPool(RedisCacheClient):
    """Django builds a redis-py `Redis` for every cache call, copying its table of response callbacks
    each time (a fiftieth of the CPU of GET /api/v1/me, py-spy); one per pool serves all threads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._redis_by_pool: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._redis_by_pool.get(id(pool))
        if client is None:
            client = self._redis_by_pool[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _OneRedisPerPool

    @cached_property
    def _cache(self) -> Any:
        key = (tuple(self._servers), repr(sorted(self._options.items())))
        with _lock:
            if key not in _clients:
                _clients[key] = self._class(self._servers, **self._options)
            return _clients[key]
