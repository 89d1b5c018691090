"""Reactions, mentions and replies in real browsers, as two people in a group."""

from __future__ import annotations

import uuid

import pytest

from messaging.services.chats import create_group, get_or_create_direct_chat
from messaging.services.sending import send_message
from tests.browser.conftest import shot, signed_in_page
from tests.factories import befriend

pytestmark = [pytest.mark.browser, pytest.mark.servers, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def group(shahn, shivam, udit):
    for a, b in ((shahn, shivam), (shahn, udit), (shivam, udit)):
        befriend(a, b)
    group = create_group(actor=shahn, name="Weekend", member_ids=[shivam.id, udit.id])
    send_message(actor=shahn, chat_id=group.id, client_id=uuid.uuid4(), kind="text",
                 text="Climbing on Saturday?")
    direct, _ = get_or_create_direct_chat(actor=shahn, other_id=shivam.id)
    return {"group": group, "direct": direct}


def test_two_people_react_mention_and_reply(group, live_servers, chromium, shahn, shivam):
    [server] = live_servers(1)
    chat_url = server.url(f"/chats/{group['group'].id}")
    me = signed_in_page(chromium, server, shahn, width=1200, height=760)
    friend = signed_in_page(chromium, server, shivam, width=1200, height=760)
    for page in (me, friend):
        page.goto(chat_url)
        page.wait_for_selector("html[data-live=open]", timeout=10000)

    # Shivam reacts from the bar that hovering shows; Shahn sees the count and who it was.
    message = friend.locator("li.message[data-kind=text]").last
    message.hover()
    message.locator(".react-bar button[value='👍']").click()
    friend.wait_for_selector("li.message[data-kind=text] .reaction.me >> text=1")
    chip = me.locator("li.message[data-kind=text] .reaction").first
    chip.wait_for()
    assert "Shivam" in chip.get_attribute("title")
    assert chip.get_attribute("aria-pressed") == "false"

    # The picker, by keyboard: "+" opens it, the arrows move, Enter picks the second emoji (❤️).
    message.hover()
    message.locator(".react-more").focus()
    friend.keyboard.press("Enter")
    friend.wait_for_selector("#reaction-picker:not([hidden])")
    shot(friend, "picker")
    friend.keyboard.press("ArrowRight")
    friend.keyboard.press("Enter")
    me.wait_for_selector("li.message[data-kind=text] .reaction >> text=❤️")
    assert friend.locator("#reaction-picker").is_hidden()

    # Shahn mentions Shivam with the @ list; the message stands out for Shivam, in the group
    # and, while Shivam looks at another chat, as an @ in the chat list.
    friend.goto(server.url(f"/chats/{group['direct'].id}"))
    friend.wait_for_selector("html[data-live=open]", timeout=5000)
    me.locator("#send-text").click()
    me.keyboard.type("@shi")
    me.wait_for_selector("#mention-list li >> text=Shivam")
    shot(me, "mention-list")
    me.keyboard.press("Enter")
    assert me.locator("#send-text").input_value() == "@shivam "
    me.keyboard.type("bring the rope")
    me.keyboard.press("Enter")
    badge = friend.locator(f"#chat-{group['group'].id} .badge.mentioned")
    badge.wait_for(state="visible", timeout=5000)
    shot(friend, "mention-badge")
    friend.goto(chat_url)
    friend.wait_for_selector("li.message.mentions-me .mention.mention-me >> text=@shivam")

    # Shivam replies: the quote above the composer, then in the bubble; a click on it scrolls back.
    last = friend.locator("li.message.mentions-me")
    last.hover()
    last.locator("summary").click()
    last.locator(".js-reply").click()
    friend.wait_for_selector("#send-form .replying")
    friend.locator("#send-text").fill("Got it!")
    friend.keyboard.press("Enter")
    reply = me.locator("li.message blockquote.quote").last
    reply.wait_for()
    assert "bring the rope" in reply.inner_text()
    shot(me, "sender-view")
    shot(friend, "friend-view")

    # Taking a reaction back: a click on your own count.
    friend.locator("li.message .reaction.me >> text=👍").click()
    me.wait_for_function("() => ![...document.querySelectorAll('.reaction')].some(e => e.textContent.includes('👍'))")
    assert not me.errors and not friend.errors
