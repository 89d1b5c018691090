"""The API's history and inbox pages are read in plain SQL (messaging/pages.py); they must equal
what the selectors and serializers make of the same rows, for every feature of a message and a chat."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from chaat.errors import Invalid
from messaging import pages, selectors
from messaging.models import Chat, Message, Participant, Sticker
from messaging.serializers import ChatOut, MessageOut
from messaging.services.chats import leave_chat
from messaging.services.editing import add_reaction, delete_message, edit_message
from tests.factories import UserFactory, direct_chat, group_chat, say
from translation.models import MessageTranslation, text_hash

pytestmark = pytest.mark.django_db


def plain(data):
    return json.loads(json.dumps(data))


def put(chat: Chat, sender, **fields) -> Message:
    """A message written as it is stored (images and files without their bytes)."""
    Chat.objects.filter(pk=chat.pk).update(last_seq=F("last_seq") + 1, last_message_at=timezone.now())
    chat.refresh_from_db()
    return Message.objects.create(chat=chat, seq=chat.last_seq, sender=sender, **fields)


def translate(message: Message, target: str, text: str) -> None:
    MessageTranslation.objects.create(message=message, source_hash=text_hash(message.text),
                                      source_lang=message.lang, target_lang=target, text=text)


@pytest.fixture
def everything(shahn, shivam, udit):
    """A group with every kind of message shahn may see, read by shahn with auto_translate on."""
    udit.avatar = "avatars/udit.png"
    udit.save()
    chat = group_chat(shahn, shivam, udit, name="Everything")
    Participant.objects.filter(chat=chat, user=shahn).update(auto_translate=True, language="en",
                                                             muted_until=datetime(2031, 1, 2, 3, 4, 5, 6, tzinfo=UTC))
    hallo = say(shivam, chat, f"Hallo @{shahn.username}", lang="de")
    translate(hallo, "en", "Hello")
    say(shivam, chat, "Noch nicht übersetzt", lang="de")  # auto-translated, but not yet: null
    say(udit, chat, "hola", lang="es")
    for user, emoji in ((shahn, "👍"), (udit, "👍"), (udit, "🎉")):
        add_reaction(actor=user, chat_id=chat.id, message_id=hallo.id, emoji=emoji)
    sticker, _ = Sticker.objects.get_or_create(id="pages-wave", defaults={"pack": "pages", "name": "wave"})
    put(chat, shivam, kind="sticker", sticker=sticker)
    put(chat, udit, kind="image", text="a caption", image="chat-images/photo.png", thumbnail="chat-images/t.png",
        image_width=10, image_height=20, lang="es")
    put(chat, udit, kind="file", text="notes", file="chat-files/0a1b", file_name="notes.pdf", file_size=12,
        file_content_type="application/pdf", lang="en")
    put(chat, shivam, kind="voice", file="chat-files/0a1c", file_name="memo.ogg", file_size=900,
        file_content_type="audio/ogg", file_duration_s=4.2)
    reply = say(shahn, chat, "replying", reply_to=hallo.id)
    edit_message(actor=shahn, chat_id=chat.id, message_id=reply.id, text="replying, edited")
    gone = say(shivam, chat, "to be deleted", lang="de")
    add_reaction(actor=shahn, chat_id=chat.id, message_id=gone.id, emoji="👍")
    delete_message(actor=shivam, chat_id=chat.id, message_id=gone.id)
    put(chat, None, kind="text", text="from an account that is gone", created_at=datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC))
    return chat


def orm_history(user, chat_id, **kwargs):
    participant = selectors.access_participant(user=user, chat_id=chat_id)
    messages, more = selectors.list_messages(participant=participant, **kwargs)
    return plain({"results": MessageOut(messages, many=True, context={"viewer_id": user.id}).data, "has_more": more})


def test_a_history_page_is_what_the_serializer_makes_of_every_kind_of_message(api, shahn, everything):
    response = api(shahn).get(f"/api/v1/chats/{everything.id}/messages")
    assert response.status_code == 200
    assert response.json() == orm_history(shahn, everything.id)
    by_text = {m["text"]: m for m in response.json()["results"]}
    assert by_text[f"Hallo @{shahn.username}"]["translation"] == {"to": "en", "text": "Hello"}
    assert by_text[f"Hallo @{shahn.username}"]["reactions"] == [{"emoji": "👍", "count": 2, "me": True},
                                                                {"emoji": "🎉", "count": 1, "me": False}]
    assert by_text["Noch nicht übersetzt"]["translation"] is None
    kinds = {m["kind"] for m in response.json()["results"]}
    assert kinds == {"system", "text", "sticker", "image", "file", "voice"}
    assert any(m["deleted"] for m in response.json()["results"])
    assert any(m["sender"] and m["sender"]["avatar_url"] for m in response.json()["results"])


@pytest.mark.parametrize("query", [{"limit": 3}, {"limit": 3, "before": 6}, {"limit": 4, "after": 2},
                                   {"after": 0}, {"before": 1}, {"limit": 100, "after": 11}])
def test_each_page_of_history_and_has_more_are_the_selectors(shahn, shivam, everything, query):
    participant = selectors.access_participant(user=shivam, chat_id=everything.id)
    results, more = pages.history(participant=participant, viewer_id=shivam.id,
                                  **{"limit": selectors.HISTORY_DEFAULT_LIMIT} | query)
    assert plain({"results": results, "has_more": more}) == orm_history(
        shivam, everything.id, **{"limit": selectors.HISTORY_DEFAULT_LIMIT} | query)


def test_history_starts_where_the_member_may_see(api, shahn, udit, everything):
    Participant.objects.filter(chat=everything, user=udit).update(visible_from_seq=5)
    results = api(udit).get(f"/api/v1/chats/{everything.id}/messages").json()["results"]
    assert results[0]["seq"] == 5
    assert {"results": results, "has_more": False} == orm_history(udit, everything.id)


def orm_inbox(user, **kwargs):
    entries, after = selectors.list_chats(user=user, **kwargs)
    return plain(ChatOut(entries, many=True).data), after


@pytest.fixture
def inbox(shahn, shivam, udit, kai, everything):
    """shahn's chats: the group of every message, a direct chat shivam deleted, one whose last
    message shahn may not see, one muted and empty, one with kai in German."""
    left = direct_chat(shahn, shivam)
    say(shivam, left, f"bye @{shahn.username}")
    leave_chat(actor=shivam, chat_id=left.id)
    hidden = direct_chat(shahn, udit)
    say(udit, hidden, "before your time")
    Participant.objects.filter(chat=hidden, user=shahn).update(visible_from_seq=2)
    quiet = group_chat(shahn, udit, name="Quiet")
    Participant.objects.filter(chat=quiet, user=shahn).update(notify="none", last_read_seq=1)
    german = direct_chat(shahn, kai)
    Participant.objects.filter(chat=german, user=shahn).update(auto_translate=True)
    translate(say(kai, german, "Guten Morgen", lang="de"), "en", "Good morning")
    return everything


def test_an_inbox_page_is_what_the_serializer_makes_of_every_kind_of_chat(api, shahn, inbox):
    response = api(shahn).get("/api/v1/chats")
    assert response.status_code == 200
    results, after = orm_inbox(shahn)
    assert after is None
    assert response.json() == {"results": results, "next": after}
    assert len(results) == 5
    assert {c["last_message"]["translation"]["text"] for c in results
            if c["last_message"] and c["last_message"]["translation"]} == {"Good morning"}
    assert any(c["last_message"] is None for c in results)
    assert any(c["kind"] == "direct" and len(c["members"]) == 2 and c["unread_mentions"] == 1 for c in results)


def test_every_page_of_the_inbox_and_its_cursor_are_the_selectors(shahn, inbox):
    Chat.objects.update(last_message_at=None, created_at=datetime(2026, 12, 1, tzinfo=UTC))  # ties on activity
    Chat.objects.filter(name="Quiet").update(created_at=datetime(2026, 12, 1, tzinfo=UTC) + timedelta(seconds=1))
    cursor, seen = None, []
    while True:
        results, after = pages.inbox(user=shahn, cursor=cursor, limit=2)
        assert (plain(results), after) == orm_inbox(shahn, cursor=cursor, limit=2)
        seen += [c["id"] for c in results]
        if after is None:
            break
        cursor = after
    assert len(seen) == len(set(seen)) == 5


def test_the_inbox_refuses_a_cursor_it_did_not_make(shahn, inbox):
    with pytest.raises(Invalid):
        pages.inbox(user=shahn, cursor="forged")
    with pytest.raises(Invalid):
        pages.inbox(user=shahn, cursor=selectors.CHAT_PAGES.sign(["not a time", str(uuid.uuid4())]))


def test_an_empty_inbox(shahn):
    assert pages.inbox(user=UserFactory()) == ([], None)
