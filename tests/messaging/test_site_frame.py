"""The messenger frame of the site without JavaScript: the chat list beside every conversation,
paged beyond one page, the first unread message, older history by fragments, the theme menu."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging import views
from messaging.models import Participant
from messaging.services.chats import create_group
from tests.factories import direct_chat, say

pytestmark = pytest.mark.django_db


@pytest.fixture
def direct(shahn, shivam, circle):
    return direct_chat(shahn, shivam)


def groups(owner, members, n):
    return [create_group(actor=owner, name=f"g{i}", member_ids=[m.id for m in members]) for i in range(n)]


def test_it_shows_the_chat_list_beside_the_conversation_with_the_open_chat_marked(client, shahn, shivam, direct):
    say(shivam, direct, "hello")
    client.force_login(shahn)
    page = client.get(f"/chats/{direct.id}").content.decode()
    assert 'id="inbox"' in page and 'id="conversation"' in page
    assert f'<a class="chat-link" href="/chats/{direct.id}" aria-current="page">' in page
    assert '<a class="back" href="/chats">' in page


def test_it_pages_the_chat_list_on_by_cursor(client, shahn, shivam, udit, circle, monkeypatch):
    monkeypatch.setattr(views, "INBOX_PAGE", 2)
    made = groups(shahn, [shivam, udit], 3)
    client.force_login(shahn)
    first = client.get("/chats").content.decode()
    assert re.findall(r'id="chat-([0-9a-f-]+)"', first) == [str(made[2].id), str(made[1].id)]
    more = re.search(r'<a id="more-chats" href="([^"]+)">', first).group(1)
    second = client.get(more).content.decode()
    assert re.findall(r'id="chat-([0-9a-f-]+)"', second) == [str(made[0].id)]
    assert 'id="more-chats"' not in second
    assert client.get("/chats?cursor=forged").status_code == 400


def test_the_chat_list_takes_the_same_queries_for_one_chat_and_for_thirty(client, shahn, shivam, udit, circle):
    client.force_login(shahn)
    groups(shahn, [shivam, udit], 1)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/chats").status_code == 200
        return len(queries)

    one = count()
    groups(shahn, [shivam, udit], 29)
    assert count() == one


def test_opening_a_chat_lands_on_the_first_unread_message(client, shahn, shivam, direct):
    for n in range(5):
        say(shahn if n < 2 else shivam, direct, f"m{n}")
    Participant.objects.filter(chat=direct, user=shahn).update(last_read_seq=2)
    client.force_login(shahn)
    page = client.get(f"/chats/{direct.id}").content.decode()
    assert re.search(r'<li class="unread-divider" id="unread">.*?</li>\s*<li class="message[^"]*" id="m-3"', page, re.S)
    assert client.get(f"/chats/{direct.id}").content.decode().count('id="unread"') == 0  # read now


def test_grouped_bubbles_and_a_day_separator(client, shahn, shivam, direct):
    for text in ("one", "two"):
        say(shivam, direct, text)
    say(shahn, direct, "three")
    client.force_login(shahn)
    page = client.get(f"/chats/{direct.id}").content.decode()
    assert page.count('<li class="day-divider"') == 1 and "Today" in page
    assert re.findall(r'<li class="message([^"]*)" id="m-\d"', page) == ["", " continues", " mine"]


def test_fragments_before_a_seq_give_older_messages_and_say_if_more_remain(client, shahn, shivam, direct):
    for n in range(55):
        say(shivam, direct, f"m{n}")
    client.force_login(shahn)
    response = client.get(f"/chats/{direct.id}/fragments?before=53")
    assert re.findall(r'id="m-(\d+)"', response.content.decode()) == [str(n) for n in range(3, 53)]
    assert response["X-Has-More"] == "1"
    assert client.get(f"/chats/{direct.id}/fragments?before=3")["X-Has-More"] == "0"
    assert client.get(f"/chats/{direct.id}/fragments?before=x").status_code == 404


def test_the_theme_menu_keeps_light_or_dark_in_a_cookie_and_system_forgets_it(client, shahn):
    client.force_login(shahn)
    response = client.post("/theme", {"theme": "dark", "next": "/chats"})
    assert response.status_code == 302 and response["Location"] == "/chats"
    assert client.cookies["theme"].value == "dark"
    assert '<html lang="en" data-theme="dark">' in client.get("/chats").content.decode()
    client.post("/theme", {"theme": "system", "next": "/chats"})
    assert client.cookies["theme"].value == ""
    assert '<html lang="en">' in client.get("/chats").content.decode()
    client.cookies["theme"] = '"><script>'
    assert '<html lang="en">' in client.get("/chats").content.decode()


def test_with_more_unread_than_a_page_the_chat_opens_just_before_the_first_unread(client, shahn, shivam, direct):
    for n in range(120):
        say(shahn if n < 20 else shivam, direct, f"m{n}")  # 100 unread, under the send limit
    Participant.objects.filter(chat=direct, user=shahn).update(last_read_seq=20)
    client.force_login(shahn)
    page = client.get(f"/chats/{direct.id}").content.decode()
    assert re.findall(r'<li class="message[^"]*" id="m-(\d+)"', page) == [str(n) for n in range(16, 116)]
    assert re.search(r'<li class="unread-divider" id="unread">.*?</li>\s*<li class="message[^"]*" id="m-21"', page, re.S)
    assert 'data-last-seq="115"' in page and 'data-chat-last-seq="120"' in page  # the script fetches the rest
    assert '<a id="load-older" href="?before=16">' in page
    assert Participant.objects.get(chat=direct, user=shahn).last_read_seq == 115
