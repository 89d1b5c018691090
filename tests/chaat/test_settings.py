from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from chaat.settings import env_bool, env_list, parse_rates

ROOT = Path(__file__).resolve().parents[2]


def run_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL"}}
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='chaat.settings'; django.setup(); " \
           "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], " \
           "s.CHANNEL_LAYERS['default']['BACKEND'], s.DEBUG)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean | env,
                          capture_output=True, text=True, timeout=60)


def test_without_a_secret_key_and_debug_off_it_refuses_to_start():
    result = run_settings()
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_with_nothing_set_but_debug_it_uses_sqlite_and_the_in_memory_layer():
    result = run_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "channels.layers.InMemoryChannelLayer", "True"]


def test_database_and_redis_urls_switch_to_postgresql_and_redis_pubsub():
    result = run_settings(SECRET_KEY="x" * 50, DATABASE_URL="postgres://u:p@db:5432/chaat",
                          REDIS_URL="redis://cache:6379/1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql",
                                     "chaat.live.layers.BoundedRedisPubSubChannelLayer", "False"]


def test_channel_layer_core_selects_the_list_based_layer():
    result = run_settings(SECRET_KEY="x" * 50, DATABASE_URL="postgres://u:p@db:5432/chaat",
                          REDIS_URL="redis://cache:6379/1", CHANNEL_LAYER="core")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "chaat.live.layers.BoundedRedisChannelLayer"


def test_env_helpers_parse_booleans_and_lists():
    os.environ["CHAAT_T_BOOL"] = "0"
    assert env_bool("CHAAT_T_BOOL", True) is False
    os.environ["CHAAT_T_BOOL"] = "maybe"
    with pytest.raises(ImproperlyConfigured):
        env_bool("CHAAT_T_BOOL", True)
    os.environ["CHAAT_T_LIST"] = " a.example , b.example ,"
    assert env_list("CHAAT_T_LIST", "") == ["a.example", "b.example"]


def test_throttle_rates_parse_and_reject_nonsense():
    assert parse_rates("register=1000/hour, send=100000/minute") == {
        "register": "1000/hour", "send": "100000/minute"}
    with pytest.raises(ImproperlyConfigured):
        parse_rates("send=lots")
