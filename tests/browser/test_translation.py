"""Translation in real browsers: shahn reads English with auto-translate, shivam writes German and
translates shahn's English by hand; one server process and the worker, a LibreTranslate-compatible
server on loopback."""

from __future__ import annotations

import pytest

from accounts.models import User
from tests.browser.conftest import signed_in_page
from tests.factories import direct_chat
from tests.translation.libretranslate import running

pytestmark = [pytest.mark.browser, pytest.mark.servers, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def direct(shahn, shivam):
    User.objects.filter(pk=shivam.pk).update(language="de")
    shivam.refresh_from_db()
    return direct_chat(shahn, shivam)


def test_two_people_read_each_other_in_their_own_language(direct, live_servers, live_workers, chromium,
                                                          shahn, shivam):
    with running() as translator:
        env = {"TRANSLATION_URL": translator.url}
        (server,) = live_servers(1, **env)
        live_workers(1, **env)
        url = server.url(f"/chats/{direct.id}")
        me, friend = signed_in_page(chromium, server, shahn), signed_in_page(chromium, server, shivam)
        for page in (me, friend):
            page.goto(url)
            page.wait_for_selector("html[data-live=open]", timeout=5000)
        # The header's language menu: auto-translate on for shahn.
        me.click(".chat-language > summary")
        me.check("#auto-translate")
        with me.expect_navigation():
            me.click(".chat-language-form button[type=submit]")
        me.wait_for_selector("html[data-live=open]", timeout=5000)
        assert me.text_content(".chat-language > summary").strip().startswith("EN")

        friend.fill("#send-text", "Guten Morgen, Freunde!")
        friend.press("#send-text", "Enter")
        translated = me.wait_for_selector("#messages .text.translated", timeout=15000)  # live, by the worker
        assert translated.text_content() == "Good Morning, Friends!"
        assert "Translated from German" in me.text_content("#messages .translation-note")
        me.click("#messages .translation-note")
        assert me.locator("#messages details.original[open] p.text").text_content() == "Guten Morgen, Freunde!"

        me.fill("#send-text", "Thanks friends")
        me.press("#send-text", "Enter")
        item = friend.locator("li.message", has_text="Thanks friends")
        item.wait_for(timeout=5000)
        item.hover()
        item.locator(".message-menu > summary").click()
        item.locator("a.js-translate").click()  # the site speaks German to shivam
        friend.wait_for_selector("#messages .text.translated", timeout=5000)
        assert item.locator(".text.translated").text_content() == "Danke freunde"
        assert "Übersetzt aus: Englisch" in item.locator(".translation-note").text_content()
        assert me.errors == [] and friend.errors == []
