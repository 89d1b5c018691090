from __future__ import annotations

import pytest

from tests.hardening.procs import PrivateRedis


@pytest.fixture
def private_redis():
    """A private Redis on a port of 6390-6399, stopped at the end whatever the test did."""
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def cache_on_private_redis(settings, private_redis):
    """Point the shared cache (the limiter's store) at the private Redis, so the test may stop it."""
    original = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield private_redis
    settings.CACHES = original  # before the private Redis goes: the suite's teardown clears the cache


from tests.servers import live_servers  # noqa: E402, F401 - the fixture, for the fault tests and the soak
