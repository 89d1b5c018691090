"""Reactions and mentions on the site without JavaScript: small forms, the picker page, marks."""

from __future__ import annotations

import uuid

import pytest

from messaging.models import Reaction
from messaging.services.chats import create_group
from messaging.services.editing import add_reaction
from messaging.services.sending import send_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def posted(shahn, shivam, udit, circle):
    group = create_group(actor=shahn, name="Lunch", member_ids=[shivam.id, udit.id])
    message, _ = send_message(actor=shahn, chat_id=group.id, client_id=uuid.uuid4(), kind="text",
                              text="@shivam pizza?")
    return message


def react_url(message):
    return f"/chats/{message.chat_id}/messages/{message.id}/react"


def test_the_small_form_adds_and_removes_a_reaction(client, shivam, posted):
    client.force_login(shivam)
    response = client.post(react_url(posted), {"emoji": "👍", "action": "add"})
    assert response.status_code == 302 and response["Location"].endswith(f"#m-{posted.seq}")
    assert Reaction.objects.filter(message=posted, user=shivam, emoji="👍").exists()
    page = client.get(f"/chats/{posted.chat_id}").content.decode()
    assert 'class="reaction me"' in page and 'title="You"' in page
    client.post(react_url(posted), {"emoji": "👍", "action": "remove"})
    assert not Reaction.objects.exists()


def test_others_see_who_reacted_in_the_tooltip(client, shahn, shivam, udit, posted):
    for user in (shivam, udit):
        add_reaction(actor=user, chat_id=posted.chat_id, message_id=posted.id, emoji="🎉")
    client.force_login(shahn)
    page = client.get(f"/chats/{posted.chat_id}").content.decode()
    assert 'title="Shivam, Udit"' in page and 'aria-pressed="false"' in page


def test_the_picker_page_offers_a_few_dozen_emoji(client, shivam, posted):
    client.force_login(shivam)
    page = client.get(react_url(posted)).content.decode()
    assert page.count('name="emoji"') >= 36
    response = client.post(react_url(posted), {"emoji": "🚀", "action": "add"})
    assert response.status_code == 302
    assert Reaction.objects.get().emoji == "🚀"


def test_a_bad_emoji_is_explained_not_a_500(client, shivam, posted):
    client.force_login(shivam)
    response = client.post(react_url(posted), {"emoji": "<b>", "action": "add"}, follow=True)
    assert response.status_code == 200
    assert "exactly one emoji" in response.content.decode()


def test_someone_outside_the_chat_gets_404(client, kai, posted):
    client.force_login(kai)
    assert client.post(react_url(posted), {"emoji": "👍"}).status_code == 404
    assert client.get(react_url(posted)).status_code == 404


def test_a_mention_of_you_is_marked_and_the_list_shows_an_at_badge(client, shivam, udit, posted):
    client.force_login(shivam)
    inbox = client.get("/chats").content.decode()
    assert 'class="badge mentioned"' in inbox and 'class="badge mentioned" title="You were mentioned" aria-label="You were mentioned" hidden' not in inbox
    page = client.get(f"/chats/{posted.chat_id}").content.decode()
    assert '<span class="mention mention-me">@shivam</span>' in page
    assert "mentions-me" in page
    client.force_login(udit)
    page = client.get(f"/chats/{posted.chat_id}").content.decode()
    assert '<span class="mention">@shivam</span>' in page and "mentions-me" not in page


@pytest.mark.parametrize(("language", "more", "mentioned"), [
    ("de", "Weitere Reaktionen", "Du wurdest erwähnt"),
    ("es", "Más reacciones", "Te han mencionado"),
])
def test_the_strings_are_translated(client, shivam, posted, language, more, mentioned):
    shivam.language = language
    shivam.save(update_fields=["language"])
    add_reaction(actor=shivam, chat_id=posted.chat_id, message_id=posted.id, emoji="👍")
    client.force_login(shivam)
    page = client.get(f"/chats/{posted.chat_id}").content.decode()
    assert more in page and mentioned in page
    assert "👍 1 " + ("Reaktion" if language == "de" else "reacción") in page
