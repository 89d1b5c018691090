"""A small LibreTranslate-compatible HTTP server on loopback for tests: `POST /translate` with JSON
`{"q","source","target","format","api_key"?}` answers `{"translatedText"}`, translating word by
word from a fixed word list (unknown words stay as they are). It can also fail (500), hang (accept
and never answer) or demand an API key, and it records every request it got."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LANGS = ("en", "de", "es")
WORDS = [  # en, de, es
    ("hello", "hallo", "hola"),
    ("friends", "freunde", "amigos"),
    ("good", "gut", "bueno"),
    ("good", "guten", "buenos"),
    ("morning", "morgen", "mañana"),
    ("house", "haus", "casa"),
    ("the", "das", "la"),
    ("red", "rot", "roja"),
    ("cat", "katze", "gato"),
    ("sleeps", "schläft", "duerme"),
    ("thanks", "danke", "gracias"),
    ("evening", "abend", "tarde"),
]


def translate_words(text: str, source: str, target: str) -> str:
    table = {row[LANGS.index(source)]: row[LANGS.index(target)] for row in WORDS}

    def one(match: re.Match) -> str:
        word = match.group(0)
        translated = table.get(word.lower(), word)
        return translated.capitalize() if word[:1].isupper() else translated

    return re.sub(r"\w+", one, text)


class FakeLibreTranslate:
    def __init__(self) -> None:
        self.mode = "ok"  # "ok", "fail" (500) or "hang" (never answers)
        self.api_key: str | None = None  # when set, requests must carry it
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def calls(self, **match: Any) -> list[dict[str, Any]]:
        with self.lock:
            return [r for r in self.requests if all(r.get(k) == v for k, v in match.items())]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length))
                except ValueError:
                    return self._answer(400, {"error": "bad json"})
                with fake.lock:
                    fake.requests.append(body)
                if self.path != "/translate":
                    return self._answer(404, {"error": "not found"})
                if fake.mode == "hang":
                    time.sleep(60)
                    return None
                if fake.mode == "fail":
                    return self._answer(500, {"error": "the model is not loaded"})
                if fake.api_key is not None and body.get("api_key") != fake.api_key:
                    return self._answer(403, {"error": "Invalid API key"})
                if body.get("source") not in LANGS or body.get("target") not in LANGS or body.get("format") != "text":
                    return self._answer(400, {"error": "bad languages"})
                return self._answer(200, {"translatedText": translate_words(body["q"], body["source"], body["target"])})

            def _answer(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


@contextmanager
def running() -> Iterator[FakeLibreTranslate]:
    fake = FakeLibreTranslate()
    fake.thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()


def dead_url() -> str:
    """The URL of a loopback port nobody listens on (connections are refused at once)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
