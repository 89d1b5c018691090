"""chaat.cache: one Redis client and pool per process, whatever the request or the call."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from chaat.cache import SharedRedisCache


def test_every_cache_call_uses_the_same_redis_client():
    cache = caches["default"]
    if not isinstance(cache, SharedRedisCache):
        pytest.skip("the cache is not Redis (REDIS_URL unset)")
    cache.set("same-client", 1)
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
    assert cache._cache.get_client() is cache._cache.get_client(write=True)  # one server: one pool
