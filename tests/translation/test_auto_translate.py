"""auto_translate: a send in a chat with such readers queues a job after commit; the job keeps
the translations and sends `message.translated`; message objects carry `translation` for those
readers (history, inbox, events). The job runs here in-process; test_servers.py runs it in the
worker beside two server processes."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from messaging.services.chats import get_or_create_direct_chat
from messaging.services.sending import send_message
from tests.factories import UserFactory, befriend
from tests.messaging.conftest import send, set_language
from tests.realtime import EventListener
from translation.translator import deliver_auto_translations

pytestmark = pytest.mark.django_db


def auto(client, chat_id, on=True):
    assert client.patch(f"/api/v1/chats/{chat_id}/me", {"auto_translate": on}, format="json").status_code == 200


def queued_message_ids():
    jobs = DBTaskResult.objects.filter(task_path="translation.tasks.translate_for_readers")
    return [row.args_kwargs["kwargs"]["message_id"] for row in jobs]


def test_a_send_queues_a_translation_job_only_after_commit_and_only_with_auto_readers(
        api, shahn, shivam, babel, libretranslate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send(api(shivam), babel["id"], "Hallo")
    assert queued_message_ids() == []  # nobody reads with auto_translate yet
    auto(api(shahn), babel["id"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = send(api(shivam), babel["id"], "Hallo Freunde").json()
    assert queued_message_ids() == [message["id"]]
    assert callbacks  # queued in on_commit, not inside the send's transaction


def test_nothing_is_queued_without_a_service_or_text(api, shahn, shivam, babel, settings,
                                                      django_capture_on_commit_callbacks):
    auto(api(shahn), babel["id"])
    settings.TRANSLATION_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        send(api(shivam), babel["id"], "Hallo")
    settings.TRANSLATION_URL = "http://127.0.0.1:9"
    sticker = api(shivam).get("/api/v1/stickers").json()["results"][0]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        api(shivam).post(f"/api/v1/chats/{babel['id']}/messages",
                         {"kind": "sticker", "sticker": sticker, "client_id": str(uuid.uuid4())}, format="json")
    assert queued_message_ids() == []


def test_the_job_sends_each_auto_reader_the_text_in_their_language(api, shahn, shivam, udit, babel,
                                                                   libretranslate, django_capture_on_commit_callbacks):
    auto(api(shahn), babel["id"])
    auto(api(udit), babel["id"])
    message = send(api(shivam), babel["id"], "Guten Morgen").json()
    listener = EventListener(shahn, shivam, udit)
    with django_capture_on_commit_callbacks(execute=True):
        deliver_auto_translations(message_id=uuid.UUID(message["id"]))
    assert listener.events(shahn) == [{"type": "message.translated", "chat_id": babel["id"],
                                       "message_id": message["id"], "seq": message["seq"], "to": "en",
                                       "text": "Good Morning"}]
    assert [e["text"] for e in listener.events(udit)] == ["Buenos Mañana"]
    assert listener.events(shivam) == []  # the writer reads German: nothing to translate
    assert {r["target"] for r in libretranslate.calls()} == {"en", "es"}


def test_history_and_inbox_carry_the_translation_for_auto_readers_only(api, shahn, shivam, udit, babel,
                                                                       libretranslate):
    auto(api(shahn), babel["id"])
    message = send(api(shivam), babel["id"], "Danke").json()
    history = api(shahn).get(f"/api/v1/chats/{babel['id']}/messages").json()["results"]
    assert history[-1]["translation"] is None  # not made yet
    deliver_auto_translations(message_id=uuid.UUID(message["id"]))
    history = api(shahn).get(f"/api/v1/chats/{babel['id']}/messages").json()["results"]
    assert history[-1]["translation"] == {"to": "en", "text": "Thanks"}
    assert history[0]["translation"] is None  # the system message
    inbox = api(shahn).get("/api/v1/chats").json()["results"]
    assert inbox[0]["last_message"]["translation"] == {"to": "en", "text": "Thanks"}
    assert api(shahn).get(f"/api/v1/chats/{babel['id']}").json()["last_message"]["translation"]["text"] == "Thanks"
    # udit reads Spanish without auto_translate, shivam wrote it: neither gets a translation
    for user in (udit, shivam):
        assert api(user).get(f"/api/v1/chats/{babel['id']}/messages").json()["results"][-1]["translation"] is None
        assert api(user).get("/api/v1/chats").json()["results"][0]["last_message"]["translation"] is None


def test_an_edit_queues_a_new_translation_and_hides_the_old(api, shahn, shivam, babel, libretranslate,
                                                            django_capture_on_commit_callbacks):
    auto(api(shahn), babel["id"])
    message = send(api(shivam), babel["id"], "Guten Morgen").json()
    deliver_auto_translations(message_id=uuid.UUID(message["id"]))
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        edited = api(shivam).patch(f"/api/v1/chats/{babel['id']}/messages/{message['id']}",
                                   {"text": "Guten Abend"}, format="json").json()
    assert edited["translation"] is None
    assert queued_message_ids() == [message["id"]]
    assert api(shahn).get(f"/api/v1/chats/{babel['id']}/messages").json()["results"][-1]["translation"] is None
    deliver_auto_translations(message_id=uuid.UUID(message["id"]))
    last = api(shahn).get(f"/api/v1/chats/{babel['id']}/messages").json()["results"][-1]
    assert last["translation"] == {"to": "en", "text": "Good Evening"}


def test_a_translation_finished_after_an_edit_is_not_kept(api, shahn, shivam, babel, libretranslate):
    """The worker read the old text, the sender edited meanwhile: its translation is dropped."""
    from messaging.models import Message
    from translation.translator import translation_of

    message = send(api(shivam), babel["id"], "Guten Morgen").json()
    stale = Message.objects.get(pk=message["id"])
    api(shivam).patch(f"/api/v1/chats/{babel['id']}/messages/{message['id']}", {"text": "Danke"}, format="json")
    text, current = translation_of(stale, "en")
    assert (text, current) == ("Good Morning", False)
    assert api(shahn).get(f"/api/v1/chats/{babel['id']}/messages/{message['id']}/translation").json()["text"] == "Thanks"


def test_a_failing_service_makes_the_job_fail_for_a_retry(api, shahn, shivam, babel, libretranslate):
    from translation.errors import TranslationUnavailable

    auto(api(shahn), babel["id"])
    message = send(api(shivam), babel["id"], "Hallo").json()
    libretranslate.mode = "fail"
    with pytest.raises(TranslationUnavailable):
        deliver_auto_translations(message_id=uuid.UUID(message["id"]))


@pytest.mark.parametrize("n", [1, 50])
def test_history_with_auto_translate_costs_a_constant_number_of_queries(api, shahn, n, libretranslate,
                                                                        django_assert_num_queries):
    friend = UserFactory()
    set_language(friend, "de")
    befriend(shahn, friend)
    chat, _created = get_or_create_direct_chat(actor=shahn, other_id=friend.id)
    client = api(shahn)
    auto(client, chat.id)
    for i in range(n):
        sent, _ = send_message(actor=friend, chat_id=chat.id, client_id=uuid.uuid4(),
                               kind="text", text=f"Hallo {i}")
        with transaction.atomic():
            deliver_auto_translations(message_id=sent.id)
    # the token, the participation, the page, the translations on it, the reactions
    with django_assert_num_queries(5):
        response = client.get(f"/api/v1/chats/{chat.id}/messages")
    assert [m["translation"]["text"] for m in response.json()["results"]][-1] == f"Hello {n - 1}"
    with django_assert_num_queries(6):  # the inbox: 5 as without auto_translate, and the translations
        inbox = client.get("/api/v1/chats")
    assert inbox.json()["results"][0]["last_message"]["translation"]["text"] == f"Hello {n - 1}"
