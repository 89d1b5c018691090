"""The live site in real browsers: two people in two browser contexts, each with the site's one
websocket, against real server processes on PostgreSQL and Redis."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from accounts.services import issue_token
from messaging.services.chats import create_group, get_or_create_direct_chat
from messaging.services.sending import send_message
from tests.browser.conftest import in_thread, signed_in_page
from tests.factories import befriend
from tests.servers import start_server

pytestmark = [pytest.mark.browser, pytest.mark.servers, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chats(shahn, shivam, udit):
    """shahn and shivam chat directly (two messages so far); the three of them have a group,
    more recent than the direct chat. Made before the browser starts (see in_thread)."""
    befriend(shahn, shivam)
    befriend(shahn, udit)
    befriend(shivam, udit)
    direct, _ = get_or_create_direct_chat(actor=shahn, other_id=shivam.id)
    for sender, text in ((shahn, "Hi Shivam! Lunch today?"), (shivam, "Sure, where?")):
        send_message(actor=sender, chat_id=direct.id, client_id=uuid.uuid4(), kind="text", text=text)
    group = create_group(actor=shahn, name="Weekend", member_ids=[shivam.id, udit.id])
    return {"direct": direct, "group": group}


def open_live(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("html[data-live=open]", timeout=5000)


def texts(page) -> list[str]:
    return page.locator("#messages li.message .text").all_text_contents()


def test_a_message_typed_by_one_appears_for_the_other_with_typing_seen_edits_and_deletes(
        chats, live_servers, chromium, shahn, shivam):
    (server,) = live_servers(1)
    url = server.url(f"/chats/{chats['direct'].id}")
    me, friend = signed_in_page(chromium, server, shahn), signed_in_page(chromium, server, shivam)
    open_live(me, url)
    open_live(friend, url)
    # Neither page may reload: a reload would lose these markers.
    me.evaluate("window.stayed = true")
    friend.evaluate("window.stayed = true")

    friend.locator("#send-text").press_sequentially("On my way", delay=20)
    me.wait_for_selector("#typing:not([hidden])", timeout=3000)
    assert me.text_content("#typing") == "Shivam is typing…"

    friend.click("#send-form .send-button")
    started = time.monotonic()
    me.wait_for_selector("#m-3 .text:has-text('On my way')", timeout=2000)
    assert time.monotonic() - started < 2
    friend.wait_for_selector("#m-3.mine")
    assert texts(me) == texts(friend) == ["Hi Shivam! Lunch today?", "Sure, where?", "On my way"]
    assert friend.input_value("#send-text") == ""  # reset, with a fresh client_id for the next one
    me.wait_for_selector("#typing", state="hidden", timeout=1000)  # the message ends the typing hint

    # Seen: shahn's page shows it, and marks it read; shivam's last message says "Seen".
    friend.wait_for_selector("#m-3 #seen", timeout=3000)
    assert friend.text_content("#seen") == "Seen"

    # And back: sent over the socket too, it arrives once.
    me.fill("#send-text", "See you there")
    me.click("#send-form .send-button")
    friend.wait_for_selector("#m-4 .text:has-text('See you there')", timeout=2000)
    me.wait_for_selector("#m-4.mine")
    assert me.locator("#messages li.message").count() == friend.locator("#messages li.message").count() == 4

    # An edit and a delete (here through the API) are re-rendered in place on both pages.
    token = in_thread(lambda: issue_token(user=shivam))
    api = httpx.Client(base_url=server.url(), headers={"Authorization": f"Token {token}"})
    messages = f"/api/v1/chats/{chats['direct'].id}/messages"
    edited = api.patch(f"{messages}/{friend.get_attribute('#m-3', 'data-message-id')}", json={"text": "On my way!"})
    deleted = api.delete(f"{messages}/{friend.get_attribute('#m-2', 'data-message-id')}")
    assert (edited.status_code, deleted.status_code) == (200, 204), (edited.text, deleted.text)
    for page in (me, friend):
        page.wait_for_selector("#m-3 .text:text-is('On my way!')", timeout=2000)
        page.wait_for_selector("#m-3 .edited", timeout=2000)
        page.wait_for_selector("#m-2.deleted .tombstone", timeout=2000)
        assert page.locator("#messages li.message").count() == 4
    assert me.evaluate("window.stayed") and friend.evaluate("window.stayed")
    assert me.sockets == friend.sockets == [server.ws_url("/ws/")]  # one socket per tab, every module on it
    assert me.errors == [] and friend.errors == []


def test_the_inbox_reorders_and_counts_unread_messages_live(chats, live_servers, chromium, shahn, shivam):
    (server,) = live_servers(1)
    me, friend = signed_in_page(chromium, server, shahn), signed_in_page(chromium, server, shivam)
    direct = f"chat-{chats['direct'].id}"
    open_live(me, server.url("/chats"))
    assert me.get_attribute("#inbox > li:first-child", "id") == f"chat-{chats['group'].id}"
    assert me.text_content(f"#{direct} .badge.unread") == "1"  # "Sure, where?"
    open_live(friend, server.url(f"/chats/{chats['direct'].id}"))

    for n, text in enumerate(["One", "Two"], start=2):
        friend.fill("#send-text", text)
        friend.click("#send-form .send-button")
        me.wait_for_selector(f"#{direct} .badge.unread:text-is('{n}')", timeout=2000)
    assert me.get_attribute("#inbox > li:first-child", "id") == direct  # moved to the top
    assert me.text_content(f"#{direct} .preview").strip().endswith("Two")

    # Reading the chat elsewhere (another tab of shahn's) clears the badge here.
    other_tab = me.context.new_page()
    open_live(other_tab, server.url(f"/chats/{chats['direct'].id}"))
    me.wait_for_selector(f"#{direct} .badge.unread", state="hidden", timeout=3000)
    assert me.errors == [] and friend.errors == []


def test_a_friend_request_shows_up_as_a_toast(live_servers, chromium, shahn, kai):
    (server,) = live_servers(1)
    token = in_thread(lambda: issue_token(user=shahn))
    page = signed_in_page(chromium, server, kai)
    open_live(page, server.url("/chats"))
    response = httpx.post(server.url("/api/v1/friend-requests"), json={"to": str(kai.id), "greeting": "<b>hi</b>"},
                          headers={"Authorization": f"Token {token}"})
    assert response.status_code == 201, response.text
    toast = page.wait_for_selector("#toasts .toast:has-text('sent you a friend request')", timeout=2000)
    assert toast.inner_text().startswith("Shahn sent you a friend request.")
    assert toast.query_selector("a").get_attribute("href") == "/friends"
    assert page.errors == []


def test_after_the_server_restarts_the_page_reconnects_and_catches_up(
        chats, live_servers, chromium, shahn, shivam, tmp_path):
    (server,) = live_servers(1)
    url = server.url(f"/chats/{chats['direct'].id}")
    me = signed_in_page(chromium, server, shahn)
    open_live(me, url)
    me.evaluate("window.stayed = true")

    server.kill()  # a crash: the socket drops, nothing is said
    me.wait_for_selector("html[data-live=closed], html[data-live=connecting]", timeout=5000)
    chat_id = chats["direct"].id
    for text in ("Missed one", "Missed two"):
        in_thread(lambda text=text: send_message(actor=shivam, chat_id=chat_id, client_id=uuid.uuid4(),
                                                 kind="text", text=text))
    again = start_server(tmp_path / "again.log", port=server.port)
    try:
        me.wait_for_selector("#m-4 .text:has-text('Missed two')", timeout=15000)
        assert texts(me) == ["Hi Shivam! Lunch today?", "Sure, where?", "Missed one", "Missed two"]
        # Live again, not just caught up.
        in_thread(lambda: send_message(actor=shivam, chat_id=chat_id, client_id=uuid.uuid4(),
                                       kind="text", text="Back live"))
        me.wait_for_selector("#m-5 .text:has-text('Back live')", timeout=2000)
        assert me.locator("#messages li.message").count() == 5
        assert me.evaluate("window.stayed")
        assert me.errors == []
    finally:
        again.stop()


def test_a_page_whose_session_ends_says_so_and_stops_reconnecting(live_servers, chromium, shahn):
    (server,) = live_servers(1)
    page = signed_in_page(chromium, server, shahn)
    open_live(page, server.url("/chats"))
    other_tab = page.context.new_page()  # the same browser, so the same session cookie
    other_tab.goto(server.url("/friends"))
    other_tab.click("button:has-text('Log out')")

    # Closed with 4401, tried once more a second later (a password change rotates the session
    # and the cookie may be new by then), then given up with a toast linking to the login page.
    toast = page.wait_for_selector("#toasts .toast:has-text('You have been signed out.')", timeout=4000)
    assert toast.query_selector("a").get_attribute("href") == "/login?next=%2Fchats"
    page.wait_for_timeout(1500)
    assert page.get_attribute("html", "data-live") == "closed"
    assert page.errors == []
