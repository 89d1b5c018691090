"""A Web Push service on loopback for the tests: it takes pushes (RFC 8030) as a push service
does, and the test decrypts them with the subscription's keys, as the browser would (http-ece)."""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece


@dataclass
class Push:
    path: str
    headers: dict[str, str]
    body: bytes

    def decrypt(self, browser_keys) -> dict[str, Any]:
        plain = http_ece.decrypt(self.body, private_key=browser_keys.private_key,
                                 auth_secret=browser_keys.auth_secret, version="aes128gcm")
        return json.loads(plain)

    def vapid_claims(self) -> dict[str, Any]:
        scheme, _, params = self.headers["authorization"].partition(" ")
        assert scheme == "vapid"
        values = dict(part.strip().split("=", 1) for part in params.split(","))
        jwt = values["t"].split(".")[1]
        return {"k": values["k"], **json.loads(base64.urlsafe_b64decode(jwt + "=" * (-len(jwt) % 4)))}


@dataclass
class PushService:
    """Answers each push with `status_for(path)` (201 unless the test says otherwise)."""

    received: list[Push] = field(default_factory=list)
    statuses: dict[str, list[int]] = field(default_factory=dict)
    server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def answer(self, path: str, *statuses: int) -> None:
        """Answer the next pushes to `path` with these statuses, in order."""
        self.statuses[path] = list(statuses)

    def status_for(self, path: str) -> int:
        queued = self.statuses.get(path)
        return queued.pop(0) if queued else 201

    def wait(self, count: int, timeout: float = 15) -> list[Push]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received

    def start(self) -> PushService:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = service.status_for(self.path)
                if status < 300:
                    service.received.append(Push(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
