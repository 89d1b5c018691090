"""GET /api/v1/chats/{id}/messages/{message_id}/translation against a LibreTranslate-compatible
server on loopback, and the translations kept once per message text and language."""

from __future__ import annotations

import time
import uuid

import pytest

from tests.messaging.conftest import send
from tests.translation.libretranslate import dead_url
from translation.models import MessageTranslation

pytestmark = pytest.mark.django_db


def translation(client, chat_id, message_id, **params):
    return client.get(f"/api/v1/chats/{chat_id}/messages/{message_id}/translation", params)


def test_it_translates_into_my_language_in_the_chat_by_default(api, shahn, shivam, babel, libretranslate):
    message = send(api(shivam), babel["id"], "Guten Morgen, Freunde!").json()
    response = translation(api(shahn), babel["id"], message["id"])
    assert response.status_code == 200, response.content
    assert response.json() == {"message_id": message["id"], "lang": "de", "to": "en",
                               "text": "Good Morning, Friends!"}
    (request,) = libretranslate.calls()
    assert request == {"q": "Guten Morgen, Freunde!", "source": "de", "target": "en", "format": "text"}


def test_to_picks_another_language_and_its_own_language_gives_the_text(api, shahn, shivam, babel, libretranslate):
    message = send(api(shivam), babel["id"], "Hallo Freunde").json()
    assert translation(api(shahn), babel["id"], message["id"], to="es").json()["text"] == "Hola Amigos"
    same = translation(api(shahn), babel["id"], message["id"], to="de")
    assert same.json() == {"message_id": message["id"], "lang": "de", "to": "de", "text": "Hallo Freunde"}
    assert len(libretranslate.calls()) == 1


def test_each_text_and_language_is_asked_once_then_kept(api, shahn, udit, shivam, babel, libretranslate):
    message = send(api(shivam), babel["id"], "Hallo").json()
    for client in (api(shahn), api(shahn), api(udit)):
        translation(client, babel["id"], message["id"], to="en")
    assert len(libretranslate.calls(target="en")) == 1
    assert MessageTranslation.objects.filter(message_id=message["id"]).count() == 1


def test_an_edit_makes_the_old_translations_obsolete(api, shahn, shivam, babel, libretranslate):
    message = send(api(shivam), babel["id"], "Guten Morgen").json()
    assert translation(api(shahn), babel["id"], message["id"]).json()["text"] == "Good Morning"
    api(shivam).patch(f"/api/v1/chats/{babel['id']}/messages/{message['id']}", {"text": "Guten Abend"}, format="json")
    assert not MessageTranslation.objects.filter(message_id=message["id"]).exists()
    assert translation(api(shahn), babel["id"], message["id"]).json()["text"] == "Good Evening"
    assert len(libretranslate.calls()) == 2


def test_deleting_the_message_erases_its_translations_and_then_it_is_409(api, shahn, shivam, babel, libretranslate):
    message = send(api(shivam), babel["id"], "Danke").json()
    translation(api(shahn), babel["id"], message["id"])
    assert MessageTranslation.objects.filter(message_id=message["id"]).exists()
    assert api(shivam).delete(f"/api/v1/chats/{babel['id']}/messages/{message['id']}").status_code == 204
    assert not MessageTranslation.objects.filter(message_id=message["id"]).exists()
    response = translation(api(shahn), babel["id"], message["id"])
    assert response.status_code == 409
    assert response.json()["code"] == "message_deleted"


def test_bad_requests_answer_with_the_contract_codes(api, shahn, shivam, kai, babel, libretranslate):
    text = send(api(shivam), babel["id"], "Hallo").json()
    sticker_id = api(shivam).get("/api/v1/stickers").json()["results"][0]["id"]
    sticker = api(shivam).post(f"/api/v1/chats/{babel['id']}/messages",
                               {"kind": "sticker", "sticker": sticker_id, "client_id": str(uuid.uuid4())},
                               format="json").json()
    system = api(shahn).get(f"/api/v1/chats/{babel['id']}/messages").json()["results"][0]
    bad_to = translation(api(shahn), babel["id"], text["id"], to="fr")
    assert (bad_to.status_code, bad_to.json()["code"], list(bad_to.json()["fields"])) == (400, "invalid", ["to"])
    for message in (sticker, system):
        response = translation(api(shahn), babel["id"], message["id"])
        assert (response.status_code, response.json()["code"]) == (400, "not_translatable")
    assert translation(api(kai), babel["id"], text["id"]).status_code == 404  # not a member
    assert translation(api(shahn), babel["id"], uuid.uuid4()).status_code == 404
    assert libretranslate.calls() == []


def test_the_api_key_is_sent_when_configured(api, shahn, shivam, babel, libretranslate, settings):
    libretranslate.api_key = "s3cret"
    message = send(api(shivam), babel["id"], "Hallo").json()
    assert translation(api(shahn), babel["id"], message["id"]).status_code == 503  # no key: refused
    settings.TRANSLATION_API_KEY = "s3cret"
    assert translation(api(shahn), babel["id"], message["id"]).json()["text"] == "Hello"
    assert libretranslate.calls()[-1]["api_key"] == "s3cret"


def assert_unavailable(response):
    assert response.status_code == 503
    assert response.json()["code"] == "translation_unavailable"
    assert int(response["Retry-After"]) > 0


def test_no_service_configured_is_503(api, shahn, shivam, babel, settings):
    settings.TRANSLATION_URL = ""
    message = send(api(shivam), babel["id"], "Hallo").json()
    assert_unavailable(translation(api(shahn), babel["id"], message["id"]))


def test_a_dead_service_is_503_at_once(api, shahn, shivam, babel, settings):
    settings.TRANSLATION_URL = dead_url()
    message = send(api(shivam), babel["id"], "Hallo").json()
    started = time.monotonic()
    assert_unavailable(translation(api(shahn), babel["id"], message["id"]))
    assert time.monotonic() - started < 1


def test_a_failing_service_is_503_and_nothing_is_kept(api, shahn, shivam, babel, libretranslate):
    libretranslate.mode = "fail"
    message = send(api(shivam), babel["id"], "Hallo").json()
    assert_unavailable(translation(api(shahn), babel["id"], message["id"]))
    assert not MessageTranslation.objects.exists()


def test_a_hanging_service_is_503_within_5_seconds_and_sending_stays_fast(api, shahn, shivam, babel,
                                                                         libretranslate):
    libretranslate.mode = "hang"
    api(shahn).patch(f"/api/v1/chats/{babel['id']}/me", {"auto_translate": True}, format="json")
    started = time.monotonic()
    message = send(api(shivam), babel["id"], "Hallo")
    assert message.status_code == 201
    assert time.monotonic() - started < 0.5  # the send never waits for the service
    started = time.monotonic()
    assert_unavailable(translation(api(shahn), babel["id"], message.json()["id"]))
    assert 3 <= time.monotonic() - started < 5


def test_translations_are_limited_per_user(api, shahn, shivam, udit, babel, libretranslate, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "translate": "2/minute"}
    message = send(api(shivam), babel["id"], "Hallo").json()
    client = api(shahn)
    assert [translation(client, babel["id"], message["id"]).status_code for _ in range(3)] == [200, 200, 429]
    assert translation(api(udit), babel["id"], message["id"], to="en").status_code == 200  # per user
