"""chaat.handler: a request's synchronous work runs in one call on a thread that outlives it, and a
streamed response is closed after its body is sent."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import path

from chaat.asgi import application
from tests.live.conftest import run_async

events: list[tuple[str, str]] = []


def _thread() -> str:
    return threading.current_thread().name


def plain(request: HttpRequest) -> HttpResponse:
    events.append(("view", _thread()))
    return HttpResponse(b"plain")


def streamed(request: HttpRequest) -> StreamingHttpResponse:
    async def parts() -> Any:
        yield b"one "
        yield b"two"

    events.append(("view", _thread()))
    return StreamingHttpResponse(parts())


urlpatterns = [path("plain", plain), path("streamed", streamed)]


@pytest.fixture
def recorded(settings):
    settings.ROOT_URLCONF = __name__

    def started(**kwargs: Any) -> None:
        events.append(("started", _thread()))

    def finished(**kwargs: Any) -> None:
        events.append(("finished", _thread()))

    events.clear()
    request_started.connect(started)
    request_finished.connect(finished)
    yield events
    request_started.disconnect(started)
    request_finished.disconnect(finished)


async def get(path: str) -> bytes:
    body = b""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b""}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal body
        if message["type"] == "http.response.body":
            body += message.get("body", b"")
            if not message.get("more_body"):
                events.append(("sent", _thread()))

    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "scheme": "http", "http_version": "1.1", "headers": [(b"host", b"localhost")],
             "client": ("127.0.0.1", 1234), "server": ("localhost", 80)}
    await application(scope, receive, send)
    return body


@run_async
async def test_requests_run_start_to_finish_on_one_thread_that_serves_the_next_request_too(recorded):
    for _ in range(3):
        assert await get("/plain") == b"plain"
    threads = {thread for event, thread in recorded if event != "sent"}
    assert [event for event, _thread in recorded] == ["started", "view", "finished", "sent"] * 3
    assert len(threads) == 1  # no new thread per request
    assert threads.pop().startswith("http")


@run_async
async def test_a_streamed_response_is_closed_after_its_body_is_sent_on_the_requests_thread(recorded):
    assert await get("/streamed") == b"one two"
    assert [event for event, _thread in recorded] == ["started", "view", "sent", "finished"]
    assert len({thread for event, thread in recorded if event != "sent"}) == 1
