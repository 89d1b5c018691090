"""The site as a messenger, in real browsers at desktop (1280x800) and phone (375x740) sizes:
two panes or one, the keys of the composer and of the page, first-unread landing and older history
while scrolling up, presence, the Meet page following the socket, the site without JavaScript,
and axe-core on every page in both themes."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from matching import services as matching
from messaging.models import Message, Participant
from messaging.services.chats import create_group, get_or_create_direct_chat
from messaging.services.editing import edit_message
from tests.browser.conftest import in_thread, signed_in_page
from tests.factories import befriend, say

pytestmark = [pytest.mark.browser, pytest.mark.servers, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


@pytest.fixture
def chats(shahn, shivam, udit):
    """A direct chat of shahn and shivam (two messages) and their group with udit, made before the
    browser starts (see in_thread)."""
    befriend(shahn, shivam)
    befriend(shahn, udit)
    befriend(shivam, udit)
    direct, _ = get_or_create_direct_chat(actor=shahn, other_id=shivam.id)
    say(shahn, direct, "Hi Shivam! Lunch today?")
    say(shivam, direct, "Sure, where?")
    group = create_group(actor=shahn, name="Weekend", member_ids=[shivam.id, udit.id])
    return {"direct": direct, "group": group}


def open_live(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("html[data-live=open]", timeout=5000)


def test_two_people_chat_on_a_desktop_and_a_phone(chats, live_servers, chromium, shahn, shivam):
    [server] = live_servers(1)
    direct, group = chats["direct"], chats["group"]
    me = signed_in_page(chromium, server, shahn, **DESKTOP)
    friend = signed_in_page(chromium, server, shivam, **PHONE)

    # Desktop: the list and the conversation side by side, each chat at its own address.
    open_live(me, server.url("/chats"))
    me.click(f"#chat-{direct.id} .chat-link")
    me.wait_for_url(server.url(f"/chats/{direct.id}"))
    me.wait_for_selector("html[data-live=open]")
    assert me.is_visible("#inbox") and me.is_visible("#send-text")
    assert me.get_attribute(f"#chat-{direct.id} .chat-link", "aria-current") == "page"

    # Phone: one pane at a time, with a back control.
    open_live(friend, server.url("/chats"))
    assert friend.is_visible("#inbox") and not friend.is_visible(".pane-chat")
    friend.click(f"#chat-{direct.id} .chat-link")
    friend.wait_for_selector("html[data-live=open]")
    assert not friend.is_visible("#inbox") and friend.is_visible(".back")

    # Enter sends, Shift+Enter adds a line; the two messages of shivam form one group.
    friend.focus("#send-text")
    friend.keyboard.type("Pizza?")
    friend.keyboard.press("Shift+Enter")
    friend.keyboard.type("At one")
    friend.keyboard.press("Enter")
    me.wait_for_selector("#m-3 .text:has-text('At one')", timeout=3000)
    assert me.inner_html("#m-3 .text") == "Pizza?<br>At one"
    assert "continues" in me.get_attribute("#m-3", "class")  # after "Sure, where?"
    me.wait_for_timeout(500)  # the list's row is fetched again; read here, it keeps no badge
    assert me.is_hidden(f"#chat-{direct.id} .badge.unread") and not me.title().startswith("(")
    friend.wait_for_function("document.getElementById('send-text').value === ''")

    # An input method composing: Enter chooses the characters, it does not send.
    friend.fill("#send-text", "にほん")
    friend.dispatch_event("#send-text", "keydown", {"key": "Enter", "isComposing": True})
    friend.wait_for_timeout(300)
    assert friend.input_value("#send-text") == "にほん" and friend.locator("#m-4").count() == 0

    # ↑ in the empty composer edits the last message; Esc gives the composer back.
    friend.fill("#send-text", "")
    friend.keyboard.press("ArrowUp")
    assert friend.input_value("#send-text") == "Pizza?\nAt one"
    friend.keyboard.press("Escape")
    assert friend.input_value("#send-text") == "" and friend.locator(".replying").count() == 0
    friend.keyboard.press("ArrowUp")
    friend.fill("#send-text", "Pizza at one?")
    friend.keyboard.press("Enter")
    me.wait_for_selector("#m-3 .text:text-is('Pizza at one?')", timeout=3000)
    me.wait_for_selector("#m-3 .edited")

    # The action menu opens on focus/click; Reply puts a quote over the composer, Esc cancels it.
    me.click("#m-3 .message-menu summary")
    me.click("#m-3 .js-reply")
    me.wait_for_selector("#send-form .replying:has-text('Pizza at one?')")
    me.keyboard.press("Escape")
    assert me.locator("#send-form .replying").count() == 0

    # Elsewhere on the desktop, a new message counts in the list and in the title, live.
    me.click(f"#chat-{group.id} .chat-link")
    me.wait_for_selector("html[data-live=open]")
    friend.fill("#send-text", "Still on?")
    friend.keyboard.press("Enter")
    me.wait_for_selector(f"#chat-{direct.id} .badge.unread:text-is('1')", timeout=3000)
    assert me.title().startswith("(1) ")
    assert me.get_attribute("#inbox > li:first-child", "id") == f"chat-{direct.id}"

    # On the phone a long press on a bubble opens its menu.
    friend.eval_on_selector("#m-2 .bubble", "b => b.dispatchEvent(new Event('touchstart', {bubbles: true}))")
    friend.wait_for_selector("#m-2 details.message-menu[open] .js-reply", timeout=2000)
    friend.keyboard.press("Escape")
    friend.wait_for_selector("#m-2 details.message-menu[open]", state="detached")

    # The phone's back control and the browser's history.
    friend.click(".back")
    friend.wait_for_url(server.url("/chats"))
    assert friend.is_visible("#inbox")
    friend.go_back()
    friend.wait_for_selector("#send-text")
    assert friend.url == server.url(f"/chats/{direct.id}")
    assert me.errors == [] and friend.errors == []


def test_first_unread_older_history_keys_drafts_presence_and_meet(chats, live_servers, chromium, shahn, shivam, kai):
    direct = chats["direct"]

    def history():
        for n in range(80):
            say(shivam, direct, f"Message {n + 3}")
        Participant.objects.filter(chat=direct, user=shahn).update(last_read_seq=72)  # 10 unread

    in_thread(history)
    [server] = live_servers(1)
    page = signed_in_page(chromium, server, shahn, **DESKTOP)
    open_live(page, server.url(f"/chats/{direct.id}"))

    # The page opens at the first unread message, under a "New messages" divider.
    assert page.get_attribute("#unread + li.message", "id") == "m-73"
    assert page.locator("#unread").is_visible() and page.is_visible("#m-73")

    # Scrolling up loads older messages, and what was in view stays where it was.
    first = page.get_attribute("#messages > li.message", "id")
    top = lambda: page.eval_on_selector(f"#{first}", "e => e.getBoundingClientRect().top")  # noqa: E731
    page.eval_on_selector("#history", "e => { e.scrollTop = 0; }")
    page.wait_for_timeout(50)
    before = top()
    page.wait_for_selector("#m-1", state="attached", timeout=3000)
    assert abs(top() - before) < 2
    assert page.locator("#load-older").count() == 0  # the beginning of the chat

    # Read further up, a new message does not pull the view down: a button says it came.
    in_thread(lambda: say(shivam, direct, "Are you there?"))
    page.wait_for_selector("#to-latest", timeout=3000)
    assert abs(top() - before) < 2
    page.click("#to-latest")
    page.wait_for_selector("#to-latest", state="hidden")
    assert page.is_visible("#m-83")

    # A draft stays with its chat; Ctrl+K jumps to a chat by name; ? lists the shortcuts.
    page.fill("#send-text", "half-written")
    page.keyboard.press("Control+k")
    page.wait_for_selector("#switcher[open]")
    page.keyboard.press("Escape")
    page.wait_for_selector("#switcher", state="hidden")
    page.keyboard.press("Control+k")
    page.keyboard.type("week")
    page.keyboard.press("Enter")
    page.wait_for_url(server.url(f"/chats/{chats['group'].id}"))
    assert page.input_value("#send-text") == ""
    page.click("#history")
    page.keyboard.press("?")
    page.wait_for_selector("#shortcuts[open]")
    page.keyboard.press("Escape")
    page.go_back()
    page.wait_for_selector(f"#conversation[data-chat-id='{direct.id}']")
    assert page.input_value("#send-text") == "half-written"

    # The theme menu overrides the system's choice at once, and for the next pages.
    page.select_option("#theme-select", "dark")
    page.wait_for_selector("html[data-theme=dark]", state="attached")
    page.reload()
    page.wait_for_selector("html[data-theme=dark]", state="attached")
    assert page.errors == []

    # Presence dots follow shivam's socket, on a phone.
    me = signed_in_page(chromium, server, shahn, **PHONE)
    open_live(me, server.url("/chats"))
    dot = f"#chat-{chats['direct'].id} .presence[data-user-id='{shivam.id}']"
    assert me.get_attribute(dot, "data-online") == "0"
    friend = signed_in_page(chromium, server, shivam, **PHONE)
    open_live(friend, server.url("/chats"))
    me.wait_for_selector(f"{dot}[data-online='1']", state="attached", timeout=3000)
    friend.close()
    me.wait_for_selector(f"{dot}[data-online='0']", state="attached", timeout=3000)

    # Meet: waiting, then matched by the match.found event; the page never polls.
    asked = []
    me.on("request", lambda request: asked.append(request.url) if "/api/v1/match" in request.url else None)
    open_live(me, server.url("/meet"))
    me.click("main form button:has-text('Meet someone new')")
    me.wait_for_selector("[data-meet][data-state=waiting]")
    me.wait_for_selector("html[data-live=open]")
    time.sleep(0.3)
    in_thread(lambda: matching.join_queue(actor=kai))
    me.wait_for_selector("[data-meet][data-state=match]", timeout=3000)
    assert "Kai" in me.text_content("#match-h")
    assert len(asked) <= 3  # one look each time the socket opens, no polling
    assert me.errors == []


def test_axe_finds_nothing_on_any_page_in_either_theme_and_the_site_works_without_javascript(chats, live_servers, chromium, shahn, shivam, udit):
    direct, group = chats["direct"], chats["group"]

    def content():
        first = Message.objects.get(chat=direct, seq=1)
        edit_message(actor=shahn, chat_id=direct.id, message_id=first.id, text="Hi Shivam! Lunch?")
        for n in range(3):
            say(shivam, direct, f"Later {n}")
        Message.objects.filter(chat=direct, seq__lte=2).update(created_at=timezone.now() - timedelta(days=2))
        Participant.objects.filter(chat=direct, user=shahn).update(last_read_seq=3)
        return first

    first = in_thread(content)
    [server] = live_servers(1)
    client = Client()
    in_thread(lambda: client.force_login(shahn))
    session = {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
               "url": server.url()}
    signed_in = [
        "/chats", f"/chats/{direct.id}", f"/chats/{group.id}", f"/chats/{group.id}/settings",
        f"/chats/{direct.id}/settings", "/chats/new", f"/chats/{direct.id}/messages/{first.id}/edit",
        f"/chats/{direct.id}/messages/{first.id}/edits", "/friends", "/meet", "/profile", "/search?q=later",
    ]
    visits = [(DESKTOP, True, signed_in), (PHONE, True, ["/chats", f"/chats/{direct.id}"]),
              (DESKTOP, False, ["/", "/login", "/signup"])]
    found = {}
    for size, with_session, paths in visits:
        context = chromium.new_context(viewport=size)
        context.add_init_script(path=str(AXE))  # injected outside the site's script policy
        if with_session:
            context.add_cookies([session])
        page = context.new_page()
        for path in paths:
            page.goto(server.url(path))
            # Every rule in the light theme; the dark one changes only colours, so contrast there.
            page.emulate_media(color_scheme="light")
            found.update(axe(page, f"light {size['width']} {path}"))
            page.emulate_media(color_scheme="dark")
            found.update(axe(page, f"dark {size['width']} {path}", only=["color-contrast"]))
        context.close()
    assert found == {}

    # Without JavaScript, on a phone: the menu, a reply, sending and the back control.
    context = chromium.new_context(java_script_enabled=False, viewport=PHONE)
    context.add_cookies([session])
    page = context.new_page()
    page.goto(server.url("/chats"))
    page.click(f"#chat-{direct.id} .chat-link")
    page.click("#m-4 .message-menu summary")  # <details>: the menu needs no JavaScript
    page.click("#m-4 a:has-text('Reply')")
    page.fill("#send-text", "Noodles")
    page.click("#send-form .send-button")
    page.wait_for_selector("#m-6 blockquote.quote")
    assert page.text_content("#m-6 .text") == "Noodles"
    page.click(".back")
    page.wait_for_url(server.url("/chats"))
    assert page.is_visible("#inbox")
    context.close()


def axe(page, label: str, only: list[str] | None = None) -> dict[str, list]:
    if page.locator("details.message-menu").count():  # an open menu is checked too
        page.locator("details.message-menu").last.evaluate("menu => { menu.open = true; }")
    options = {"resultTypes": ["violations"], **({"runOnly": {"type": "rule", "values": only}} if only else {})}
    result = page.evaluate("options => axe.run(document, options)", options)
    return {f"{label} {v['id']}": [n["target"] for n in v["nodes"]] for v in result["violations"]}
