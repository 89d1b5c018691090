"""GET /api/v1/search/messages (contract "Search"), through a real HTTP client, on the database
the suite runs on: PostgreSQL full-text search in CI, the FTS5 index on the SQLite default."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils.html import escape

from messaging.models import Message
from messaging.services.chats import leave_chat
from tests.messaging.conftest import send

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/messages"


def say(client, chat_id, text, lang="en"):
    """Send a text message and give it `lang` (what the send path records as the text's language)."""
    response = send(client, chat_id, text)
    assert response.status_code == 201, response.content
    Message.objects.filter(pk=response.json()["id"]).update(lang=lang)
    return response.json()


def found(client, q, **params):
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200, response.content
    return [hit["message"]["text"] for hit in response.json()["results"]]


@pytest.fixture
def direct(api, shahn, shivam, circle):
    response = api(shahn).post("/api/v1/chats/direct", {"user": str(shivam.id)}, format="json")
    return response.json()["id"]


def test_it_finds_a_message_by_a_word_in_another_form(api, shahn, direct):
    say(api(shahn), direct, "I run every morning")
    assert found(api(shahn), "running") == ["I run every morning"]


def test_it_matches_words_ignoring_case(api, shahn, direct):
    say(api(shahn), direct, "Lunch at the NOODLE bar?")
    assert found(api(shahn), "noodle") == ["Lunch at the NOODLE bar?"]
    assert found(api(shahn), "Noodle BAR") == ["Lunch at the NOODLE bar?"]


def test_german_and_spanish_words_match_in_their_own_language(api, shahn, direct, postgres):
    say(api(shahn), direct, "Das Haus am See ist verkauft", lang="de")
    say(api(shahn), direct, "Esa canción me encanta", lang="es")
    assert found(api(shahn), "Häuser") == ["Das Haus am See ist verkauft"]
    assert found(api(shahn), "canciones") == ["Esa canción me encanta"]


def test_each_message_is_matched_in_its_own_language_only(api, shahn, direct, postgres):
    # In German "Häuser" is a form of "Haus"; in an English text it is not.
    say(api(shahn), direct, "Ein Haus am See", lang="de")
    say(api(shahn), direct, "Haus is German for house", lang="en")
    assert found(api(shahn), "Häuser") == ["Ein Haus am See"]


def test_all_words_must_match(api, shahn, direct):
    say(api(shahn), direct, "the red car")
    say(api(shahn), direct, "a red apple")
    assert found(api(shahn), "red apple") == ["a red apple"]
    assert found(api(shahn), "red") == ["a red apple", "the red car"]


def test_a_phrase_in_quotes_matches_as_a_phrase(api, shahn, direct):
    say(api(shahn), direct, "pie with apple on top")
    say(api(shahn), direct, "I love apple pie")
    assert found(api(shahn), '"apple pie"') == ["I love apple pie"]
    assert found(api(shahn), "apple pie") == ["I love apple pie", "pie with apple on top"]


def test_or_and_excluded_words(api, shahn, direct):
    say(api(shahn), direct, "tea in the morning")
    say(api(shahn), direct, "coffee in the morning")
    say(api(shahn), direct, "coffee at night")
    assert found(api(shahn), "tea or night") == ["coffee at night", "tea in the morning"]
    assert found(api(shahn), "coffee -night") == ["coffee in the morning"]


def test_the_highlight_is_the_escaped_text_with_the_words_marked(api, shahn, direct):
    text = '<script>alert("pwned")</script> cake & tea\'s time'
    say(api(shahn), direct, text)
    body = api(shahn).get(URL, {"q": "cake"}).json()
    [hit] = body["results"]
    assert hit["highlight"] == escape(text).replace("cake", "<mark>cake</mark>")
    assert "<script" not in hit["highlight"]
    assert hit["chat_id"] == direct
    assert hit["message"]["text"] == text


def test_the_highlight_marks_every_form_of_the_words(api, shahn, direct):
    say(api(shahn), direct, "Running late, run ahead")
    [hit] = api(shahn).get(URL, {"q": "run"}).json()["results"]
    assert hit["highlight"] == "<mark>Running</mark> late, <mark>run</mark> ahead"


def test_someone_elses_chat_is_never_searched(api, shahn, shivam, udit, direct):
    say(api(shahn), direct, "secret plans")
    assert found(api(udit), "secret") == []
    assert found(api(shivam), "secret") == ["secret plans"]


def test_messages_before_you_returned_and_chats_you_deleted_are_not_found(api, shahn, shivam, direct):
    say(api(shivam), direct, "old news")
    leave_chat(actor=shahn, chat_id=uuid.UUID(direct))
    assert found(api(shahn), "news") == []  # the chat is deleted for shahn
    say(api(shivam), direct, "fresh news")  # the chat comes back for shahn from here on
    assert found(api(shahn), "news") == ["fresh news"]
    assert found(api(shivam), "news") == ["fresh news", "old news"]


def test_deleted_messages_are_not_found(api, shahn, direct):
    message = say(api(shahn), direct, "delete me soon")
    assert api(shahn).delete(f"/api/v1/chats/{direct}/messages/{message['id']}").status_code == 204
    assert found(api(shahn), "delete") == []


def test_an_edited_message_is_found_by_its_new_text_only(api, shahn, direct):
    message = say(api(shahn), direct, "meet at the station")
    response = api(shahn).patch(f"/api/v1/chats/{direct}/messages/{message['id']}",
                                {"text": "meet at the harbour"}, format="json")
    assert response.status_code == 200
    assert found(api(shahn), "harbour") == ["meet at the harbour"]
    assert found(api(shahn), "station") == []


def test_system_messages_are_not_found(api, shahn, group):
    assert found(api(shahn), "Lunch") == []
    assert found(api(shahn), "created") == []


def test_chat_and_sender_narrow_the_search(api, shahn, shivam, direct, group):
    say(api(shahn), direct, "pizza tonight")
    say(api(shivam), group["id"], "pizza for everyone")
    say(api(shahn), group["id"], "pizza again")
    assert found(api(shahn), "pizza", chat=group["id"]) == ["pizza again", "pizza for everyone"]
    assert found(api(shahn), "pizza", sender=str(shivam.id)) == ["pizza for everyone"]
    assert found(api(shahn), "pizza", chat=group["id"], sender=str(shahn.id)) == ["pizza again"]


@pytest.mark.parametrize("field", ["chat", "sender"])
def test_an_unknown_chat_or_sender_is_400(api, shahn, direct, field):
    response = api(shahn).get(URL, {"q": "x", field: str(uuid.uuid4())})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and field in response.json()["fields"]
    assert api(shahn).get(URL, {"q": "x", field: "nope"}).status_code == 400


def test_a_chat_that_is_not_yours_is_400(api, udit, kai, shahn, direct):
    say(api(shahn), direct, "private")
    response = api(udit).get(URL, {"q": "private", "chat": direct})
    assert response.status_code == 400
    assert "chat" in response.json()["fields"]


@pytest.mark.parametrize("q", ["", "   ", "x" * 201, " " + "x" * 201])
def test_an_empty_or_too_long_query_is_400(api, shahn, q):
    response = api(shahn).get(URL, {"q": q})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "q" in response.json()["fields"]


def test_a_missing_query_is_400_and_a_long_one_with_spaces_around_is_fine(api, shahn):
    assert api(shahn).get(URL).status_code == 400
    assert api(shahn).get(URL, {"q": "  " + "x" * 200 + "  "}).status_code == 200


@pytest.mark.parametrize("q", ['"', "-", "or", "AND OR NOT", "*", "a:b", '"unclosed phrase', "^x", "NEAR(a b)", "(", "!!", "&|"])
def test_operators_of_the_database_are_only_words(api, shahn, direct, q):
    say(api(shahn), direct, "a b unclosed phrase x NEAR")
    assert api(shahn).get(URL, {"q": q}).status_code == 200


@pytest.mark.parametrize("limit", ["0", "51", "x"])
def test_a_limit_outside_1_to_50_is_400(api, shahn, limit):
    assert api(shahn).get(URL, {"q": "x", "limit": limit}).status_code == 400


def test_pages_go_newest_first_with_a_cursor(api, shahn, direct):
    for i in range(5):
        say(api(shahn), direct, f"round {i}")
    client = api(shahn)
    body = client.get(URL, {"q": "round", "limit": 2}).json()
    texts = [hit["message"]["text"] for hit in body["results"]]
    while body["next"]:
        body = client.get(body["next"]).json()
        texts += [hit["message"]["text"] for hit in body["results"]]
    assert texts == [f"round {i}" for i in (4, 3, 2, 1, 0)]


def test_a_cursor_the_server_did_not_make_is_400(api, shahn, direct):
    for i in range(3):
        say(api(shahn), direct, f"round {i}")
    client = api(shahn)
    cursor = parse_qs(urlsplit(client.get(URL, {"q": "round", "limit": 1}).json()["next"]).query)["cursor"][0]
    assert client.get(URL, {"q": "round", "cursor": cursor}).status_code == 200
    for forged in ["abc", cursor[:-2] + "xx", "WyIyMDI2LTAxLTAxIiwgIngiXQ"]:
        response = client.get(URL, {"q": "round", "cursor": forged})
        assert response.status_code == 400
        assert "cursor" in response.json()["fields"]


def test_search_has_its_own_request_limit(api, shahn, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "search": "2/minute"}
    client = api(shahn)
    assert [client.get(URL, {"q": "x"}).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(URL, {"q": "x"}).has_header("Retry-After")


def test_it_needs_authentication(anon):
    assert anon.get(URL, {"q": "x"}).status_code == 401


@pytest.mark.parametrize("n", [1, 50])
def test_a_page_of_results_costs_a_constant_number_of_queries(api, shahn, direct, n, django_assert_num_queries):
    client = api(shahn)
    for i in range(n):
        say(client, direct, f"needle {i}")
    # the token, then the search and the page's messages with their senders and stickers, their reactions
    with django_assert_num_queries(4):
        response = client.get(URL, {"q": "needle", "limit": 50})
    assert len(response.json()["results"]) == n


def test_the_schema_describes_the_search(anon):
    schema = anon.get("/api/v1/schema", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/search/messages"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "chat", "sender", "limit", "cursor"}

