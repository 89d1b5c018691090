"""Members and their settings in a chat, and the language a message is written in (contract v1.1:
"Members and your settings in a chat", "Languages and translation")."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from messaging.models import Message, Participant
from tests.factories import UserFactory, befriend
from tests.messaging.conftest import send, set_language
from tests.realtime import EventListener

pytestmark = pytest.mark.django_db


def test_members_read_a_new_group_in_their_profile_language_oldest_first(api, shahn, shivam, udit, babel):
    response = api(shivam).get(f"/api/v1/chats/{babel['id']}/members")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["user"]["username"], r["role"], r["language"]) for r in rows] == [
        ("shahn", "owner", "en"), ("shivam", "member", "de"), ("udit", "member", "es")]
    assert set(rows[0]) == {"user", "role", "language", "joined_at"}
    assert set(rows[0]["user"]) == {"id", "username", "display_name", "avatar_url"}


def test_an_added_member_and_a_direct_chat_start_in_the_profile_language(api, shahn, shivam, kai, babel):
    set_language(kai, "es")
    assert api(shahn).post(f"/api/v1/chats/{babel['id']}/members", {"user": str(kai.id)},
                           format="json").status_code == 201
    assert Participant.objects.get(chat_id=babel["id"], user=kai).language == "es"
    direct = api(shahn).post("/api/v1/chats/direct", {"user": str(shivam.id)}, format="json").json()
    assert api(shivam).get(f"/api/v1/chats/{direct['id']}/me").json()["language"] == "de"
    assert api(shahn).get(f"/api/v1/chats/{direct['id']}/me").json()["language"] == "en"


def test_a_direct_chat_that_comes_back_uses_the_profile_language_of_then(api, shahn, shivam, circle):
    direct = api(shahn).post("/api/v1/chats/direct", {"user": str(shivam.id)}, format="json").json()
    assert api(shivam).delete(f"/api/v1/chats/{direct['id']}").status_code == 204
    set_language(shivam, "es")
    assert send(api(shahn), direct["id"]).status_code == 201
    assert api(shivam).get(f"/api/v1/chats/{direct['id']}/me").json()["language"] == "es"


def test_in_a_match_chat_each_reads_in_the_language_they_queued_with(api, shahn, kai):
    set_language(kai, "de")
    assert api(kai).post("/api/v1/match/queue").status_code == 202
    set_language(kai, "es")  # changed while waiting: the queue keeps the language of then
    match = api(shahn).post("/api/v1/match/queue").json()
    assert api(kai).get(f"/api/v1/chats/{match['chat_id']}/me").json()["language"] == "de"
    assert api(shahn).get(f"/api/v1/chats/{match['chat_id']}/me").json()["language"] == "en"


def test_my_settings_start_with_the_defaults_and_are_on_the_chat_object(api, shivam, babel):
    me = api(shivam).get(f"/api/v1/chats/{babel['id']}/me")
    assert me.status_code == 200
    assert me.json() == {"language": "de", "auto_translate": False, "notify": "all", "muted_until": None}
    assert api(shivam).get(f"/api/v1/chats/{babel['id']}").json()["settings"] == me.json()
    inbox = api(shivam).get("/api/v1/chats").json()["results"]
    assert inbox[0]["settings"] == me.json()


def test_patching_my_settings_changes_only_mine(api, shahn, shivam, babel):
    until = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
    body = {"language": "es", "auto_translate": True, "notify": "mentions", "muted_until": until.isoformat()}
    response = api(shivam).patch(f"/api/v1/chats/{babel['id']}/me", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["language"] == "es"
    assert response.json()["auto_translate"] is True
    assert response.json()["notify"] == "mentions"
    assert response.json()["muted_until"].startswith(until.strftime("%Y-%m-%dT%H:%M:%S"))
    assert api(shivam).get(f"/api/v1/chats/{babel['id']}/me").json() == response.json()
    assert api(shahn).get(f"/api/v1/chats/{babel['id']}/me").json()["language"] == "en"
    unmuted = api(shivam).patch(f"/api/v1/chats/{babel['id']}/me", {"muted_until": None}, format="json")
    assert unmuted.json()["muted_until"] is None
    assert unmuted.json()["notify"] == "mentions"


@pytest.mark.parametrize("body, field", [
    ({"language": "fr"}, "language"),
    ({"language": ""}, "language"),
    ({"notify": "sometimes"}, "notify"),
    ({"auto_translate": "perhaps"}, "auto_translate"),
    ({"muted_until": "yesterday"}, "muted_until"),
    ({"muted_until": "2001-01-01T00:00:00Z"}, "muted_until"),
])
def test_bad_settings_are_400_naming_the_field(api, shivam, babel, body, field):
    response = api(shivam).patch(f"/api/v1/chats/{babel['id']}/me", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["fields"]
    assert Participant.objects.get(chat_id=babel["id"], user=shivam).language == "de"


def test_a_chat_you_are_not_in_has_no_members_or_settings_for_you(api, kai, babel):
    for method, path in [("get", "members"), ("get", "me"), ("patch", "me")]:
        response = getattr(api(kai), method)(f"/api/v1/chats/{babel['id']}/{path}", {}, format="json")
        assert response.status_code == 404
    assert api(kai).get(f"/api/v1/chats/{uuid.uuid4()}/me").status_code == 404


def test_a_new_language_sends_chat_updated_to_every_member(api, shahn, shivam, udit, babel,
                                                          django_capture_on_commit_callbacks):
    listener = EventListener(shahn, shivam, udit)
    with django_capture_on_commit_callbacks(execute=True):
        api(shivam).patch(f"/api/v1/chats/{babel['id']}/me", {"language": "en"}, format="json")
    for user in (shahn, shivam, udit):
        events = listener.events(user)
        assert [e["type"] for e in events] == ["chat.updated"]
        assert events[0]["chat"]["id"] == babel["id"]
    assert events[0]["chat"]["settings"]["language"] == "es"  # udit's own settings, as udit sees it


def test_other_settings_go_only_to_my_own_connections(api, shahn, shivam, babel, django_capture_on_commit_callbacks):
    listener = EventListener(shahn, shivam)
    with django_capture_on_commit_callbacks(execute=True):
        api(shivam).patch(f"/api/v1/chats/{babel['id']}/me", {"notify": "none"}, format="json")
    assert listener.types(shahn) == []
    (event,) = listener.events(shivam)
    assert event["type"] == "chat.updated"
    assert event["chat"]["settings"]["notify"] == "none"


def test_a_text_is_written_in_the_senders_chat_language_or_the_lang_given(api, shahn, shivam, babel):
    assert send(api(shivam), babel["id"], "Hallo").json()["lang"] == "de"
    assert send(api(shivam), babel["id"], "Hello", lang="en").json()["lang"] == "en"
    api(shivam).patch(f"/api/v1/chats/{babel['id']}/me", {"language": "es"}, format="json")
    sent = send(api(shivam), babel["id"], "Hola")
    assert sent.json()["lang"] == "es"
    assert Message.objects.get(pk=sent.json()["id"]).lang == "es"
    history = api(shahn).get(f"/api/v1/chats/{babel['id']}/messages").json()["results"]
    assert [(m["text"], m["lang"], m["translation"]) for m in history[1:]] == [
        ("Hallo", "de", None), ("Hello", "en", None), ("Hola", "es", None)]


def test_a_lang_that_is_not_a_site_language_is_400(api, shivam, babel):
    for lang in ("fr", "", "EN"):
        response = send(api(shivam), babel["id"], "Bonjour", lang=lang)
        assert response.status_code == 400
        assert "lang" in response.json()["fields"]
    assert not Message.objects.filter(text="Bonjour").exists()


def test_messages_without_text_have_no_lang_and_an_edit_keeps_it(api, shivam, babel):
    sticker = api(shivam).get("/api/v1/stickers").json()["results"][0]["id"]
    body = {"kind": "sticker", "sticker": sticker, "client_id": str(uuid.uuid4()), "lang": "de"}
    response = api(shivam).post(f"/api/v1/chats/{babel['id']}/messages", body, format="json")
    assert response.json()["lang"] is None
    first = send(api(shivam), babel["id"], "Guten Tag").json()
    api(shivam).patch(f"/api/v1/chats/{babel['id']}/me", {"language": "en"}, format="json")
    edited = api(shivam).patch(f"/api/v1/chats/{babel['id']}/messages/{first['id']}", {"text": "Guten Abend"},
                               format="json")
    assert edited.json()["lang"] == "de"
    system = api(shivam).get(f"/api/v1/chats/{babel['id']}/messages").json()["results"][0]
    assert system["kind"] == "system"
    assert system["lang"] is None


@pytest.mark.parametrize("n", [1, 50])
def test_the_member_list_costs_a_constant_number_of_queries(api, shahn, n, django_assert_num_queries):
    friends = UserFactory.create_batch(n)
    for friend in friends:
        befriend(shahn, friend)
    body = {"name": "Many", "members": [str(f.id) for f in friends]}
    chat = api(shahn).post("/api/v1/chats/groups", body, format="json").json()
    client = api(shahn)
    # the token, the participation, the members with their users
    with django_assert_num_queries(3):
        response = client.get(f"/api/v1/chats/{chat['id']}/members")
    assert len(response.json()["results"]) == n + 1
