"""Helpers for websocket tests: sockets on the real ASGI application with real credentials."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from accounts.services import issue_token
from chaat.asgi import application
from chaat.live import presence
from tests.factories import direct_chat
from tests.servers import live_servers  # noqa: F401 - the fixture, for tests/live

SITE = "http://localhost"


def run_async(test: Any) -> Any:
    """Run an `async def` test body in an event loop (the suite has no pytest-asyncio)."""

    @functools.wraps(test)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return async_to_sync(test)(*args, **kwargs)

    return wrapper


def session_cookie(user) -> str:
    """The key of a real session of `user`, as the site's login leaves it in the browser."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def socket(*, token: str | None = None, session: str | None = None, origin: str | None = None,
           path: str = "/ws/", host: str = "localhost") -> WebsocketCommunicator:
    headers = [(b"host", host.encode())]
    if token is not None:
        headers.append((b"authorization", f"Token {token}".encode()))
    if session is not None:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode()))
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def opened(communicator: WebsocketCommunicator) -> WebsocketCommunicator:
    """Connect and prove the socket is authenticated and answering (ping → pong)."""
    connected, _ = await communicator.connect(timeout=3)
    assert connected
    await communicator.send_json_to({"type": "ping"})
    assert await next_frame(communicator) == {"type": "pong"}
    return communicator


async def close_code(communicator: WebsocketCommunicator, timeout: float = 1) -> int | None:
    """The code of the close frame the server sends next (skipping other frames)."""
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output.get("code")


async def next_frame(communicator: WebsocketCommunicator, timeout: float = 1,
                     skip: tuple[str, ...] = ("presence",)) -> dict[str, Any]:
    """The next JSON frame, skipping the types in `skip` (presence of friends comes and goes)."""
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] not in skip:
            return frame


async def frames_until_quiet(communicator: WebsocketCommunicator, quiet: float = 0.3,
                             skip: tuple[str, ...] = ("presence",)) -> list[dict[str, Any]]:
    """Every frame that arrives until none has for `quiet` seconds, but the types in `skip`."""
    frames = []
    while not await communicator.receive_nothing(timeout=quiet):
        frames.append(await communicator.receive_json_from())
    return [frame for frame in frames if frame["type"] not in skip]


@pytest.fixture
def cast(shahn, shivam):
    """Two friends with a direct chat and a token each (for tests that talk to server processes)."""
    chat = direct_chat(shahn, shivam)
    return {"chat": str(chat.id), "shahn": issue_token(user=shahn), "shivam": issue_token(user=shivam)}


@pytest.fixture(autouse=True)
def _fresh_presence():
    """The in-memory presence store outlives a test; Redis is flushed by the root conftest."""
    presence._stores.clear()
    yield
    presence._stores.clear()
