"""The site's message search: the box in the top bar, the results page, "search in this chat"."""

from __future__ import annotations

import pytest

from messaging.services.chats import get_or_create_direct_chat
from tests.factories import direct_chat, say

pytestmark = pytest.mark.django_db


@pytest.fixture
def direct(shahn, shivam, circle):
    return direct_chat(shahn, shivam)


@pytest.fixture
def signed_in(client, shahn):
    client.force_login(shahn)
    return client


def test_every_page_has_the_search_box_in_its_header(signed_in):
    html = signed_in.get("/chats").content.decode()
    assert 'role="search" class="header-search"' in html
    assert 'action="/search"' in html


def test_the_results_show_the_chat_the_sender_and_the_escaped_highlight(signed_in, direct, shivam):
    message = say(shivam, direct.id, "<script>x</script> meet at the noodle bar")
    html = signed_in.get("/search", {"q": "noodles"}).content.decode()
    assert "&lt;script&gt;x&lt;/script&gt; meet at the <mark>noodle</mark> bar" in html
    assert "<script>x" not in html
    assert 'class="search-chat">Shivam<' in html
    assert 'class="search-sender muted">Shivam<' in html
    assert f'href="/chats/{direct.id}#m-{message.seq}"' in html


def test_an_old_result_opens_the_history_around_it(signed_in, direct, shahn):
    needle = say(shahn, direct.id, "the needle")
    for i in range(30):
        say(shahn, direct.id, f"hay {i}")
    html = signed_in.get("/search", {"q": "needle"}).content.decode()
    around = f"/chats/{direct.id}?before={needle.seq + 25}#m-{needle.seq}"
    assert f'href="{around}"' in html
    page = signed_in.get(around.split("#")[0]).content.decode()
    assert f'id="m-{needle.seq}"' in page and f'id="m-{needle.seq + 24}"' in page


def test_nothing_found_and_no_query_yet(signed_in, direct):
    assert "No messages found." in signed_in.get("/search", {"q": "nothing"}).content.decode()
    response = signed_in.get("/search")
    assert response.status_code == 200 and "No messages found." not in response.content.decode()


def test_a_too_long_query_is_400_with_the_reason(signed_in):
    response = signed_in.get("/search", {"q": "x" * 201})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_search_in_this_chat(signed_in, direct, shahn, udit):
    other = get_or_create_direct_chat(actor=shahn, other_id=udit.id)[0]
    say(shahn, direct.id, "pizza here")
    say(shahn, other.id, "pizza there")
    chat_page = signed_in.get(f"/chats/{direct.id}").content.decode()
    assert f'href="/search?chat={direct.id}"' in chat_page
    html = signed_in.get("/search", {"q": "pizza", "chat": str(direct.id)}).content.decode()
    assert "<mark>pizza</mark> here" in html and "</mark> there" not in html
    assert "Search in Shivam" in html


def test_a_chat_that_is_not_yours_is_404(client, kai, direct):
    client.force_login(kai)
    assert client.get("/search", {"q": "x", "chat": str(direct.id)}).status_code == 404
    assert client.get("/search", {"q": "x", "chat": "nope"}).status_code == 404


def test_the_results_pages_go_on_with_older_results(signed_in, direct, shahn):
    for i in range(25):
        say(shahn, direct.id, f"round {i}")
    html = signed_in.get("/search", {"q": "round"}).content.decode()
    assert html.count('class="search-result"') == 20
    next_url = html.split('class="search-more"><a class="button secondary" href="')[1].split('"')[0]
    older = signed_in.get(next_url.replace("&amp;", "&")).content.decode()
    assert older.count('class="search-result"') == 5 and "<mark>round</mark> 0" in older
    assert signed_in.get("/search", {"q": "round", "cursor": "forged"}).status_code == 400


def test_it_needs_signing_in(client):
    assert client.get("/search", {"q": "x"}).status_code == 302


@pytest.mark.parametrize(("language", "nothing"), [("de", "Keine Nachrichten gefunden."),
                                                   ("es", "No se encontraron mensajes.")])
def test_the_page_speaks_the_users_language(client, shahn, language, nothing):
    shahn.language = language
    shahn.save(update_fields=["language"])
    client.force_login(shahn)
    assert nothing in client.get("/search", {"q": "x"}).content.decode()
