"""Settings that keep sockets up: found by the soak, where idle sockets were dropped."""

from __future__ import annotations

import pytest
from channels_redis.core import RedisChannelLayer
from django.conf import settings

LIST_LAYER = "chaat.layers.BoundedRedisChannelLayer"


def test_the_layer_reads_redis_longer_than_its_blocking_pop_waits(redis):
    """A read timeout at or below BZPOPMIN's wait makes an idle socket's receive fail (the
    list-based layer, CHANNEL_LAYER=core)."""
    if settings.CHANNEL_LAYERS["default"]["BACKEND"] != LIST_LAYER:
        pytest.skip("the pub/sub layer does not poll with BZPOPMIN")
    hosts = settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"]
    assert hosts
    for host in hosts:
        assert isinstance(host, dict), "give each host its timeouts"
        assert host["socket_timeout"] > RedisChannelLayer.brpop_timeout
        assert host["max_connections"] >= 1000, "redis-py caps pools at 100 and fails beyond"


@pytest.mark.parametrize("name", ["socket_connect_timeout"])
def test_connecting_to_the_layer_fails_fast(name, redis):
    if settings.CHANNEL_LAYERS["default"]["BACKEND"] != LIST_LAYER:
        pytest.skip("the pub/sub layer takes URLs")
    for host in settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"]:
        assert host[name] <= 2


def test_calls_other_than_receiving_give_up_within_a_second(redis):
    """F2: while Redis hangs, a publish must not hold its request for the read timeout."""
    if settings.CHANNEL_LAYERS["default"]["BACKEND"] != LIST_LAYER:
        pytest.skip("the pub/sub layer takes URLs")
    assert settings.CHANNEL_LAYERS["default"]["CONFIG"]["call_timeout"] <= 1
