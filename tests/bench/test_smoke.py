"""`python -m bench smoke`: every benchmark scenario at toy sizes against a real production stack
(uvicorn workers, PostgreSQL, Redis). It checks the benchmark works; it judges no timing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ["login", "me", "history", "inbox", "search", "latency", "fanout", "connections", "throughput"]

pytestmark = pytest.mark.servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_benchmark_smoke_run_measures_every_scenario(postgres, redis):
    database = settings.DATABASES["default"]
    parts = urlsplit(os.environ["DATABASE_URL"])
    admin_url = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    result = subprocess.run(
        [sys.executable, "-m", "bench", "smoke", "--port", str(free_port()),
         "--db-name", f"{database['NAME'].removeprefix('test_')}_bench_smoke", "--quiet-server"],
        cwd=ROOT, capture_output=True, text=True, timeout=110,
        env=os.environ | {"BENCH_POSTGRES_URL": admin_url, "BENCH_REDIS_URL": settings.REDIS_URL},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for scenario in SCENARIOS:
        # Measured, or skipped because this server lacks its API yet (fanout needs groups).
        assert f"== {scenario}:" in result.stdout or f"{scenario} (skipped: " in result.stdout
    assert "n/a" not in result.stdout  # every figure was measured
