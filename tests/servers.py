"""Real ASGI server processes for tests: uvicorn running `chaat.asgi:application`, as `make run` does.

Use the `live_servers` fixture (import it into your conftest: `from tests.servers import live_servers`)::

    @pytest.mark.servers
    @pytest.mark.django_db(transaction=True)
    def test_it(live_servers, postgres, redis):
        a, b = live_servers(2)                    # two processes sharing the test DB and Redis
        httpx.get(a.url("/healthz"))              # http://127.0.0.1:<port>/healthz
        websockets.connect(b.ws_url("/ws/"), ...)  # ws://127.0.0.1:<port>/ws/
        b.kill()                                  # SIGKILL, as a crash would

How it works:
- Each server gets a listening socket that this process binds on a free loopback port and hands
  over with `--fd`, so there is no race for the port; the server is ready when `/healthz` says 200.
- The children read `tests.settings`, like the suite, with DATABASE_URL naming the *test* database
  that pytest-django created (so the test must be transactional for the children to see its rows)
  and the suite's REDIS_URL (so all processes share one channel layer and one cache). Extra
  environment variables go in as keyword arguments: `live_servers(1, PRESENCE_TTL="3")`.
- Teardown stops every server by its PID (SIGTERM, then SIGKILL after 5 s) before pytest-django
  flushes the database. A server that fails to start raises with the end of its log.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
# The serving flags of `make run`: the 64 KiB websocket frame limit is part of the contract.
UVICORN_ARGS = ["--ws-max-size", "65536", "--no-access-log", "--lifespan", "off"]
START_TIMEOUT = 30.0


@dataclass
class ChildProcess:
    """A process of the app that a test started, with its log."""

    process: subprocess.Popen
    log_path: Path
    stop_timeout = 5.0  # seconds SIGTERM is given before SIGKILL

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        """SIGTERM (the process finishes what it is doing and exits), SIGKILL if it hangs."""
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL: the process dies at once, as in a crash (nothing is cleaned up)."""
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


@dataclass
class Server(ChildProcess):
    """A uvicorn server (uvicorn closes its sockets and finishes on SIGTERM)."""

    port: int = 0

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def ws_url(self, path: str = "/ws/") -> str:
        return f"ws://127.0.0.1:{self.port}{path}"

def child_database_url() -> str:
    """DATABASE_URL of the database this test process is connected to (the test database)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_server(log_path: Path, port: int = 0, **env: str) -> Server:
    """Start one server on a free loopback port (or on `port`, e.g. that of a server that was
    stopped, to restart it where its clients reconnect) and wait until it answers `/healthz`."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(128)
    port = listener.getsockname()[1]
    child_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": child_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONPATH": str(ROOT),
        **env,
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "chaat.asgi:application", "--fd", str(listener.fileno()),
             *UVICORN_ARGS],
            cwd=ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT, pass_fds=[listener.fileno()],
        )
    listener.close()  # the child holds its own copy
    server = Server(port=port, process=process, log_path=log_path)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{server.log()[-3000:]}")
        try:
            if httpx.get(server.url("/healthz"), timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"server did not become healthy in {START_TIMEOUT} s:\n{server.log()[-3000:]}")


@pytest.fixture
def live_servers(transactional_db, postgres, redis, tmp_path) -> Iterator[Callable[..., list[Server]]]:
    """`live_servers(n, **env)` starts n server processes against the test database and the
    suite's Redis, and returns them; all are stopped by PID when the test ends."""
    started: list[Server] = []

    def start(n: int = 1, **env: str) -> list[Server]:
        servers = []
        for _ in range(n):
            server = start_server(tmp_path / f"server-{len(started)}.log", **env)
            started.append(server)
            servers.append(server)
        return servers

    yield start
    for server in started:
        server.stop()


@dataclass
class Worker(ChildProcess):
    """A `python manage.py worker` process (the background jobs), as `make run` starts it; on
    SIGTERM it finishes its job first."""

    stop_timeout = 10.0


def start_worker(log_path: Path, **env: str) -> Worker:
    """Start one worker against the test database (running from the start: it polls the queue)."""
    child_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": child_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--no-startup-delay", "--interval", "0.1", "-v", "2"],
            cwd=ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT,
        )
    return Worker(process=process, log_path=log_path)


@pytest.fixture
def live_workers(transactional_db, postgres, redis, tmp_path) -> Iterator[Callable[..., list[Worker]]]:
    """`live_workers(n, **env)` starts n worker processes against the test database; all are
    stopped by PID when the test ends."""
    started: list[Worker] = []

    def start(n: int = 1, **env: str) -> list[Worker]:
        workers = [start_worker(tmp_path / f"worker-{len(started) + i}.log", **env) for i in range(n)]
        started.extend(workers)
        return workers

    yield start
    for worker in started:
        worker.stop()
