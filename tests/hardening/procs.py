"""Processes the fault tests start and stop themselves: a private Redis on its own port.

Never the machine's shared Redis or PostgreSQL: those are used by everyone on the machine.
"""

from __future__ import annotations

import socket
import subprocess
import time

PRIVATE_REDIS_PORTS = range(6390, 6400)


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while port_is_free(port):
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing listens on port {port} after {timeout} s")
        time.sleep(0.05)


class PrivateRedis:
    """A throwaway `redis-server` (no persistence) that a test may stop and start again."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or next(p for p in PRIVATE_REDIS_PORTS if port_is_free(p))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
