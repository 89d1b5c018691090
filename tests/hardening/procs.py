"""Processes the fault tests start and stop themselves: a private Redis on its own port.

Never the machine's shared Redis or PostgreSQL: those are used by everyone on the machine.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import threading
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


class TcpProxy:
    """A TCP proxy on 127.0.0.1:`port` to `target_port`, run by asyncio in a thread, that a test
    can cut (every open connection reset, new ones closed at once, as while PostgreSQL restarts)
    and restore. Put between the app processes and PostgreSQL, it fakes a database outage
    without touching the machine's shared server.

    It can also slow the traffic down (`delay(seconds)`: every chunk waits that long, each way)
    or blackhole it (`blackhole()`: connections are accepted and stay open, but nothing is
    forwarded, as when a server hangs or the network drops packets), until `restore()`."""

    def __init__(self, target_port: int, port: int) -> None:
        self.target_port, self.port = target_port, port
        self.open = True
        self.delay_seconds = 0.0
        self.blackholed = False
        self._writers: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.AbstractServer | None = None

    def start(self) -> None:
        self._thread.start()
        self._call(self._start())

    def cut(self) -> None:
        self.open = False
        self._call(self._reset_all())

    def delay(self, seconds: float) -> None:
        self.delay_seconds = seconds

    def blackhole(self) -> None:
        self.blackholed = True

    def restore(self) -> None:
        self.open, self.delay_seconds, self.blackholed = True, 0.0, False

    def stop(self) -> None:
        self._call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _call(self, coroutine) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)

    async def _stop(self) -> None:
        await self._reset_all()
        if self._server is not None:
            self._server.close()

    async def _reset_all(self) -> None:
        for writer in list(self._writers):
            writer.transport.abort()  # RST: the client's next read or write fails at once
        self._writers.clear()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.open:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update({writer, up_writer})

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    if self.delay_seconds:
                        await asyncio.sleep(self.delay_seconds)
                    if self.blackholed:
                        continue  # dropped: the peer waits for an answer that never comes
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.transport.abort()
                self._writers.discard(dst)

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
