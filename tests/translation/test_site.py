"""The site: the language menu in the chat header, members' languages, "Translate", translated
messages with their original."""

from __future__ import annotations

import uuid

import pytest

from messaging.models import Participant
from tests.messaging.conftest import send
from translation.translator import deliver_auto_translations

pytestmark = pytest.mark.django_db


def test_the_header_menu_sets_my_language_and_auto_translate(client, api, shahn, babel, libretranslate):
    client.force_login(shahn)
    page = client.get(f"/chats/{babel['id']}").content.decode()
    assert 'name="language"' in page and 'name="auto_translate"' in page
    response = client.post(f"/chats/{babel['id']}/language",
                           {"language": "es", "auto_translate": "on", "auto_translate_shown": "1"})
    assert response.status_code == 302
    me = Participant.objects.get(chat_id=babel["id"], user=shahn)
    assert (me.language, me.auto_translate) == ("es", True)
    client.post(f"/chats/{babel['id']}/language", {"language": "fr", "auto_translate_shown": "1"})
    me.refresh_from_db()
    assert (me.language, me.auto_translate) == ("es", True)  # refused, nothing changed
    client.post(f"/chats/{babel['id']}/language", {"language": "en", "auto_translate_shown": "1"})
    me.refresh_from_db()
    assert (me.language, me.auto_translate) == ("en", False)


def test_without_a_service_the_site_offers_no_translation(client, api, shahn, shivam, babel, settings):
    settings.TRANSLATION_URL = ""
    send(api(shivam), babel["id"], "Hallo")
    client.force_login(shahn)
    page = client.get(f"/chats/{babel['id']}").content.decode()
    assert 'name="language"' in page
    assert 'name="auto_translate"' not in page
    assert "js-translate" not in page


def test_a_message_in_another_language_offers_translate_and_the_page_shows_it(client, api, shahn, shivam, babel,
                                                                             libretranslate):
    mine = send(api(shahn), babel["id"], "Hello").json()
    theirs = send(api(shivam), babel["id"], "Guten Morgen").json()
    client.force_login(shahn)
    page = client.get(f"/chats/{babel['id']}").content.decode()
    assert f"/messages/{theirs['id']}/translation" in page
    assert f"/messages/{mine['id']}/translation" not in page  # my own language
    translated = client.get(f"/chats/{babel['id']}/messages/{theirs['id']}/translation").content.decode()
    assert "Good Morning" in translated and "Translated from German" in translated
    libretranslate.mode = "fail"
    other = send(api(shivam), babel["id"], "Danke").json()
    failed = client.get(f"/chats/{babel['id']}/messages/{other['id']}/translation")
    assert failed.status_code == 503
    assert client.get(f"/chats/{babel['id']}/messages/{uuid.uuid4()}/translation").status_code == 404


def test_auto_translated_messages_show_the_translation_and_the_original(client, api, shahn, shivam, babel,
                                                                        libretranslate):
    api(shahn).patch(f"/api/v1/chats/{babel['id']}/me", {"auto_translate": True}, format="json")
    message = send(api(shivam), babel["id"], "Guten Morgen").json()
    deliver_auto_translations(message_id=uuid.UUID(message["id"]))
    client.force_login(shahn)
    for url in (f"/chats/{babel['id']}", f"/chats/{babel['id']}/fragments?seq={message['seq']}"):
        page = client.get(url).content.decode()
        assert "Good Morning" in page
        assert "Translated from German" in page and "Show original" in page
        assert "Guten Morgen" in page


def test_the_member_list_shows_each_members_language(client, shahn, babel):
    client.force_login(shahn)
    page = client.get(f"/chats/{babel['id']}/settings").content.decode()
    assert page.count("member-language") == 3
    assert "Deutsch" in page and "Español" in page and "English" in page


def test_the_site_speaks_german_here_too(client, api, shahn, shivam, babel, libretranslate):
    from accounts.models import User

    User.objects.filter(pk=shahn.pk).update(language="de")
    api(shahn).patch(f"/api/v1/chats/{babel['id']}/me", {"auto_translate": True, "language": "en"}, format="json")
    message = send(api(shivam), babel["id"], "Hola amigos", lang="es").json()
    deliver_auto_translations(message_id=uuid.UUID(message["id"]))
    client.force_login(shahn)
    page = client.get(f"/chats/{babel['id']}").content.decode()
    assert "Übersetzt aus: Spanisch" in page
    assert "Original anzeigen" in page
