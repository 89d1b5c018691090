"""Settings that keep sockets up: found by the soak, where idle sockets were dropped."""

from __future__ import annotations

from channels_redis.core import RedisChannelLayer
from django.conf import settings


def test_the_layer_reads_redis_longer_than_the_list_based_layer_blocks_and_connects_fast():
    """A read timeout at or below BZPOPMIN's wait makes an idle socket's receive fail (the
    list-based layer, CHANNEL_LAYER=core); both layers take the same hosts."""
    assert settings.CHANNEL_HOSTS
    for host in settings.CHANNEL_HOSTS:
        assert host["socket_timeout"] > RedisChannelLayer.brpop_timeout
        assert host["socket_connect_timeout"] <= 2
        assert host["max_connections"] >= 1000, "redis-py caps pools at 100 and fails beyond"


def test_calls_other_than_receiving_give_up_within_a_second():
    """F2: while Redis hangs, a publish must not hold its request for the read timeout."""
    assert settings.CHANNEL_CALL_TIMEOUT <= 1
