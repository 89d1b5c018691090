"""Two people chatting in a real browser (Chromium through Playwright), without the live socket."""

from __future__ import annotations

import pytest

from tests.browser.conftest import signed_in
from tests.factories import direct_chat
from tests.messaging.conftest import circle  # noqa: F401 - the fixture: shahn's friends

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.fixture
def direct(shahn, shivam, udit, circle):  # noqa: F811 - the imported fixture
    """Made before the browser starts: Playwright's event loop would keep its events from going out."""
    return direct_chat(shahn, shivam)


def test_two_friends_chat_in_a_direct_and_a_group_chat(direct, chromium, live_server, shahn, shivam):
    me, friend = signed_in(chromium, live_server, shahn), signed_in(chromium, live_server, shivam)

    me.goto(f"{live_server.url}/chats/{direct.id}")
    me.fill("#send-text", "Hi <b>Shivam</b>\nsecond line")
    me.click("#send-form .send-button")
    me.wait_for_selector("#m-1")
    assert me.inner_html("#m-1 .text") == "Hi &lt;b&gt;Shivam&lt;/b&gt;<br>second line"

    friend.goto(f"{live_server.url}/chats")
    assert friend.text_content(f"#chat-{direct.id} .badge.unread") == "1"
    friend.click(f"#chat-{direct.id} .chat-link")
    friend.click("#m-1 .message-menu summary")  # the action menu
    friend.click("#m-1 a:has-text('Reply')")
    friend.fill("#send-text", "Hello!")
    friend.click("#send-form .send-button")
    friend.wait_for_selector("#m-2 blockquote.quote")

    me.goto(f"{live_server.url}/chats/new")
    me.fill("input[name=name]", "Weekend")
    me.check("label:has-text('Shivam')")
    me.check("label:has-text('Udit')")
    me.click("main form button[type=submit]")
    me.wait_for_selector("#conversation[data-kind=group]")
    group_url = me.url.split("#")[0]
    friend.goto(group_url)
    friend.fill("#send-text", "I'm in")
    friend.click("#send-form .send-button")
    friend.wait_for_selector("#m-2.mine")
    me.goto(group_url)
    assert me.text_content("#m-2 .text") == "I'm in"
    assert "created the group" in me.text_content("#m-1")
    assert me.errors == [] and friend.errors == []
