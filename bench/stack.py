"""The production stack for one benchmark run: a fresh PostgreSQL database, migrated, and uvicorn
serving chaat.asgi:application with N worker processes (DEBUG=0) on Redis.

Everything started here is stopped here, by PID, also on Ctrl-C or a failure (use it as a context
manager). The database is dropped at the end unless `keep_db` is set.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent

# Request limits raised far above any load the benchmark makes: it measures the server, not them.
BENCH_THROTTLE_RATES = ("register=1000000/hour,send=10000000/minute,user=10000000/minute,login=1000000/hour,"
                        "search=10000000/minute")
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
# A Redis database of its own; keys are namespaced by a per-run prefix, so nothing is flushed.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/6"


@dataclass
class StackConfig:
    workers: int = 2
    port: int = 8160
    db_name: str = "chaat_bench"
    postgres_url: str = field(default_factory=lambda: os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    redis_url: str = field(default_factory=lambda: os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    loop: str = "uvloop"
    http: str = "httptools"
    # Off as in production (Makefile, docs/DEPLOY.md): deflate cost ~40 KiB per idle socket.
    ws_deflate: bool = False
    keep_db: bool = False
    quiet: bool = False
    profile: bool = False  # sample the workers with py-spy while scenarios measure
    # Extra environment for the server processes (e.g. CHANNEL_LAYER for an experiment).
    env: dict[str, str] = field(default_factory=dict)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


class Stack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.prefix = f"bench{uuid.uuid4().hex[:8]}"
        self.process: subprocess.Popen | None = None
        self.base_url = f"http://127.0.0.1:{config.port}"
        self.ws_url = f"ws://127.0.0.1:{config.port}/ws/"
        self.database_url = with_database(config.postgres_url, config.db_name)

    # --- environment -------------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        """The production settings: DEBUG=0, a secret, PostgreSQL and Redis from the config."""
        # Production costs and settings: nothing inherited from a test run or the seeding process.
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("ARGON2_", "DJANGO_", "THROTTLE_", "CHAAT_", "DATABASE_", "CHANNEL_"))}
        env.update(
            DEBUG="0",
            SECRET_KEY=f"bench-{uuid.uuid4().hex}-{uuid.uuid4().hex}",
            DATABASE_URL=self.database_url,
            REDIS_URL=self.config.redis_url,
            CHANNEL_PREFIX=self.prefix,
            ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
            THROTTLE_RATES=BENCH_THROTTLE_RATES,
            # Plain HTTP on the loopback: no TLS redirect, no Secure-only cookies.
            SECURE_COOKIES="0",
            # The benchmark never renders pages, so no collectstatic manifest is needed.
            STATIC_MANIFEST="0",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.config.env)
        return env

    # --- database ----------------------------------------------------------------------------

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(self.config.postgres_url, autocommit=True)

    def create_database(self) -> None:
        name = sql.Identifier(self.config.db_name)
        with self._admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                       cwd=ROOT, env=self.env(), check=True)

    def drop_database(self) -> None:
        with self._admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(self.config.db_name)))

    # --- server ------------------------------------------------------------------------------

    def start_server(self) -> None:
        (ROOT / "var" / "staticfiles").mkdir(parents=True, exist_ok=True)  # whitenoise warns without it
        command = [
            sys.executable, "-m", "uvicorn", "chaat.asgi:application",
            "--host", "127.0.0.1", "--port", str(self.config.port),
            "--workers", str(self.config.workers),
            "--loop", self.config.loop, "--http", self.config.http,
            "--ws-max-size", "65536", "--ws-per-message-deflate", str(self.config.ws_deflate).lower(),
            "--no-access-log", "--log-level", "warning",
        ]
        output = subprocess.DEVNULL if self.config.quiet else None
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env(), stdout=output, stderr=output)
        self.wait_healthy()

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode} before it was healthy")
            try:
                healthy = httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200
                # Every worker must be up, not only the first one to answer.
                if healthy and len(self.worker_pids()) >= self.config.workers:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.base_url}/healthz did not answer 200 within {timeout:.0f}s")

    def worker_pids(self) -> list[int]:
        """The processes serving requests: uvicorn's workers, or uvicorn itself with one worker."""
        if self.process is None:
            return []
        if self.config.workers == 1:
            return [self.process.pid]
        return [pid for pid in _children(self.process.pid) if _is_worker(pid)]

    def rss_bytes(self) -> int:
        """Resident memory of all serving processes together."""
        total = 0
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        return total

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by all serving processes: unlike wall-clock figures,
        it hardly moves when other programs compete for the cores."""
        total = 0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return total / os.sysconf("SC_CLK_TCK")

    def stop_server(self) -> None:
        if self.process is None:
            return
        started = [self.process.pid, *self.worker_pids()]
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        for pid in started[1:]:  # workers that outlived their supervisor
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process = None

    @contextmanager
    def measuring(self, name: str) -> Iterator[None]:
        """Wraps a scenario's measured part: with `profile`, py-spy samples every worker meanwhile."""
        if not self.config.profile:
            yield
            return
        from bench.profile import RESULTS, py_spy, summary

        with py_spy(self.worker_pids(), name) as outputs:
            yield
        text = summary(outputs)
        (RESULTS / f"profile-{name}.summary.txt").write_text(text + "\n")
        print(f"\n-- profile of the server during {name} (bench/results/profile-{name}.summary.txt)\n{text}")

    # --- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> Stack:
        self.create_database()
        try:
            self.start_server()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.stop_server()
        finally:
            if not self.config.keep_db:
                _close_django_connections()
                self.drop_database()


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _is_worker(pid: int) -> bool:
    """uvicorn's workers, not the resource tracker that multiprocessing starts beside them."""
    try:
        return b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _close_django_connections() -> None:
    """The seeding code may hold a connection to the database about to be dropped."""
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()


def install_sigterm_handler() -> None:
    """Turn SIGTERM into SystemExit so the context managers stop what they started."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
