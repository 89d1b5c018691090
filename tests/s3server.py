"""A small S3-compatible object store on loopback, for the tests of MEDIA_STORAGE=s3: the object
calls django-storages makes (PUT, HEAD, GET with Range and response-content-* overrides, DELETE),
path-style, objects kept in memory. Signatures are not checked, only required."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

OVERRIDES = {"response-content-type": "Content-Type", "response-content-disposition": "Content-Disposition",
             "response-cache-control": "Cache-Control"}


def _dechunk(body: bytes) -> bytes:
    """The payload of an `aws-chunked` body (chunks `<hex size>;chunk-signature=...\\r\\n<data>\\r\\n`)."""
    out, rest = b"", body
    while rest:
        header, _, rest = rest.partition(b"\r\n")
        size = int(header.split(b";")[0], 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2:]
    return out


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args) -> None:  # quiet
        pass

    def _key(self) -> str:
        return unquote(urlsplit(self.path).path).lstrip("/")

    def _authorized(self) -> bool:
        query = parse_qs(urlsplit(self.path).query)
        return "Authorization" in self.headers or "X-Amz-Signature" in query

    def _error(self, status: int, code: str) -> None:
        body = f"<?xml version='1.0'?><Error><Code>{code}</Code><Message>{code}</Message></Error>".encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if "aws-chunked" in self.headers.get("Content-Encoding", "") or self.headers.get(
                "x-amz-content-sha256", "").startswith("STREAMING-"):
            body = _dechunk(body)
        if not self._authorized():
            self._error(403, "AccessDenied")
            return
        self.server.objects[self._key()] = (body, self.headers.get("Content-Type", "binary/octet-stream"))
        self.send_response(200)
        self.send_header("ETag", f'"{hashlib.md5(body).hexdigest()}"')  # noqa: S324 - S3's ETag
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        if not self._authorized():
            self._error(403, "AccessDenied")
            return
        found = self.server.objects.get(self._key())
        if found is None:
            self._error(404, "NoSuchKey")
            return
        body, content_type = found
        self.server.gets.append(self.path)
        status, start, end = 200, 0, len(body) - 1
        match = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", ""))
        if match and (match.group(1) or match.group(2)):
            first, last = match.groups()
            start, end = (len(body) - int(last), len(body) - 1) if not first else (
                int(first), min(int(last), len(body) - 1) if last else len(body) - 1)
            status = 206
        self.send_response(status)
        headers = {"Content-Type": content_type, "Accept-Ranges": "bytes", "Content-Length": str(end - start + 1),
                   "ETag": f'"{hashlib.md5(body).hexdigest()}"', "Last-Modified": "Thu, 03 Dec 2026 12:00:00 GMT"}  # noqa: S324
        if status == 206:
            headers["Content-Range"] = f"bytes {start}-{end}/{len(body)}"
        for parameter, values in parse_qs(urlsplit(self.path).query).items():
            if parameter in OVERRIDES:
                headers[OVERRIDES[parameter]] = values[0]
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body[start:end + 1])

    def do_DELETE(self) -> None:
        self.server.objects.pop(self._key(), None)
        self.send_response(204)
        self.end_headers()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.objects: dict[str, tuple[bytes, str]] = {}
        self.gets: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def s3_server() -> Iterator[_Server]:
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
