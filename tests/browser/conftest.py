"""Browser tests: real Chromium (Debian's, through Playwright's sync API) against real uvicorn
processes (tests/servers.py) on the test database and the suite's Redis, so the site's websocket
is the real one."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.conftest import installed
from tests.factories import PASSWORD
from tests.servers import Server, live_servers, live_workers  # noqa: F401 - the fixtures, for tests/browser

# Set CHAAT_SCREENSHOTS=<dir> to keep what the people in the browser tests saw (`shot`).
SCREENSHOTS = os.environ.get("CHAAT_SCREENSHOTS")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 # A fake microphone (a beeping tone) that needs no permission prompt: voice messages.
                 "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest.fixture
def chromium(monkeypatch) -> Iterator[Any]:
    """A headless Chromium. Skipped where it is not installed, unless CI requires it."""
    installed(CHROMIUM, "Debian's chromium: apt-get install chromium")
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
    # still plain synchronous code (Playwright's documented setting for Django tests).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    from playwright.sync_api import sync_playwright

    # Django keeps a connection per thread *and* asyncio context, and Playwright's loop is a new
    # context: close the connection on both sides, or one is left open and the test database
    # cannot be dropped at the end of the run.
    connection.close()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
        connection.close()


def in_thread(work: Callable[[], Any]) -> Any:
    """Run ORM or service code in a thread of its own. Services publish their live events with
    async_to_sync, which refuses to run in a thread with an event loop (Playwright's)."""

    def run() -> Any:
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def signed_in_page(browser, server: Server, user, *, width: int = 1200, height: int = 800):
    """A page in a browser context of its own, signed in as `user` with a real session cookie.
    Uncaught JavaScript errors are collected in `page.errors`, the websockets it opens in `page.sockets`."""
    client = Client()
    in_thread(lambda: client.force_login(user))
    context = browser.new_context(viewport={"width": width, "height": height})
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": server.url()}])
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(error))
    page.sockets = []
    page.on("websocket", lambda socket: page.sockets.append(socket.url))
    return page


def shot(page, name: str) -> None:
    """Keep a screenshot of the page as <CHAAT_SCREENSHOTS>/<name>.png, when that is set."""
    if SCREENSHOTS:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"))


def signed_in(chromium, live_server, user):
    """A page signed in through the login form of pytest-django's `live_server` (no websocket:
    that server speaks only HTTP). Uncaught JavaScript errors are collected in `page.errors`."""
    page = chromium.new_context().new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/chats")
    page.errors = errors
    return page
