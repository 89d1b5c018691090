"""Bodies over their limit are refused before Django reads them (chaat/bodylimit.py), on a real
server process: declared too large, or sent chunked past the limit."""

from __future__ import annotations

import socket
import uuid

import httpx
import pytest

from accounts.services import issue_token
from chaat.bodylimit import body_limit
from tests.factories import UserFactory
from tests.servers import live_servers  # noqa: F401 - the fixture

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]

MIB = 1024 * 1024


def test_the_limit_is_raised_for_the_two_file_sends_only(settings):
    chat = uuid.uuid4()
    assert body_limit("POST", f"/api/v1/chats/{chat}/messages") == 33 * MIB
    assert body_limit("POST", f"/chats/{chat}/send") == 33 * MIB
    assert body_limit("POST", "/api/v1/me/avatar") == body_limit("PATCH", f"/api/v1/chats/{chat}") == 18 * MIB


def raw_post(port: int, path: str, headers: dict[str, str], body_chunks: list[bytes]) -> bytes:
    """A POST written by hand (so nothing in between buffers or checks it); the server's answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        conn.sendall(head.encode() + b"\r\n")
        try:
            for chunk in body_chunks:
                conn.sendall(chunk)
        except OSError:
            pass  # the server answered and closed before the end of the body
        answer = b""
        while data := conn.recv(65536):
            answer += data
            if b"too_large" in answer:
                break
        return answer


def test_a_body_declared_or_streamed_over_the_limit_is_413_at_once(live_servers):  # noqa: F811
    shahn = UserFactory(username="shahn")
    token = issue_token(user=shahn)
    (server,) = live_servers(1)
    path = f"/api/v1/chats/{uuid.uuid4()}/messages"
    declared = raw_post(server.port, path, {"Authorization": f"Token {token}", "Content-Length": str(40 * MIB),
                                            "Content-Type": "multipart/form-data; boundary=x"}, [])
    assert declared.startswith(b"HTTP/1.1 413") and b'"code":"too_large"' in declared
    chunk = b"x" * MIB
    hexed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    answer = raw_post(server.port, path, {"Authorization": f"Token {token}", "Transfer-Encoding": "chunked",
                                          "Content-Type": "multipart/form-data; boundary=x"}, [hexed] * 40)
    assert answer.startswith(b"HTTP/1.1 413") and b"too_large" in answer
    assert httpx.get(server.url("/healthz")).status_code == 200
    assert "Traceback" not in server.log() and "returned without" not in server.log()
