"""Searching from the top bar in a real browser and opening a result (Chromium through Playwright)."""

from __future__ import annotations

import uuid

import pytest

from messaging.services.chats import get_or_create_direct_chat
from messaging.services.sending import send_message
from tests.browser.conftest import signed_in
from tests.messaging.conftest import circle  # noqa: F401 - the fixture: shahn's friends

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def history(shahn, shivam, circle):  # noqa: F811 - the imported fixture
    """60 messages, the one to find early on (made before the browser starts)."""
    chat = get_or_create_direct_chat(actor=shahn, other_id=shivam.id)[0]
    for i in range(60):
        text = "Shall we try the <b>noodle</b> place?" if i == 9 else f"filler {i}"
        send_message(actor=shivam, chat_id=chat.id, client_id=uuid.uuid4(), kind="text", text=text)
    return chat


def test_a_search_from_the_top_bar_opens_the_conversation_at_the_message(history, chromium, live_server, shahn):
    page = signed_in(chromium, live_server, shahn)
    page.fill("#header-search-q", "noodles")
    page.press("#header-search-q", "Enter")
    page.wait_for_selector(".search-result")
    assert page.inner_html(".search-result .search-text") == "Shall we try the &lt;b&gt;<mark>noodle</mark>&lt;/b&gt; place?"
    page.click(".search-result a")
    page.wait_for_selector("#m-10.search-target")
    assert page.url.endswith(f"/chats/{history.id}?before=35#m-10")
    history_box, target = page.locator("#history").bounding_box(), page.locator("#m-10").bounding_box()
    assert history_box["y"] <= target["y"] and target["y"] + target["height"] <= history_box["y"] + history_box["height"]
    assert page.errors == []
