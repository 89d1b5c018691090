"""The chat pages of the site, without JavaScript: forms, redirects and the DOM contract's hooks."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from messaging.models import Chat, Message, Participant
from messaging.services.chats import create_group
from tests.factories import direct_chat, say
from tests.images import png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def direct(shahn, shivam, circle):
    return direct_chat(shahn, shivam)



def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_inbox_shows_previews_and_unread_badges(client, shahn, shivam, direct):
    say(shivam, direct, "see <you> soon")
    page = signed_in(client, shahn).get("/chats").content.decode()
    assert f'<li class="chat-row" id="chat-{direct.id}" data-chat-id="{direct.id}" data-last-seq="1">' in page
    assert '<span class="badge unread" title="Unread messages">1</span>' in page
    assert '<span class="preview">see &lt;you&gt; soon</span>' in page
    row = client.get(f"/chats/{direct.id}/row").content.decode()
    assert row.strip().startswith('<li class="chat-row"') and row.count("<li") == 1


def test_opening_a_chat_reads_it_and_renders_the_dom_contract(client, shahn, shivam, direct):
    say(shivam, direct, "one")
    page = signed_in(client, shahn).get(f"/chats/{direct.id}").content.decode()
    assert (f'<section id="conversation" class="conversation pane-chat" aria-labelledby="chat-title" '
            f'data-chat-id="{direct.id}" data-kind="direct" data-last-seq="1" data-last-read-seq="1" '
            f'data-others-read-seq="1" data-me="{shahn.id}"') in page
    message = Message.objects.get()
    assert (f'<li class="message" id="m-1" data-seq="1" data-message-id="{message.id}" '
            f'data-sender-id="{shivam.id}" data-day=') in page
    assert '<p id="typing" class="typing" aria-live="polite" hidden></p>' in page
    assert f'action="{reverse("chat-send", args=[direct.id])}"' in page and 'id="send-text"' in page
    assert Participant.objects.get(chat=direct, user=shahn).last_read_seq == 1
    assert client.get("/chats").content.decode().count('<span class="badge unread" title="Unread messages" hidden>0</span>') == 1


def test_message_text_is_escaped_with_line_breaks_and_safe_links(client, shahn, direct):
    say(shahn, direct, '<script>alert(1)</script>\nsee https://example.com/a?b=1&c=2 "x"')
    page = signed_in(client, shahn).get(f"/chats/{direct.id}").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>see " in page
    assert '<a href="https://example.com/a?b=1&amp;c=2" rel="noopener nofollow ugc">' in page


def test_sending_without_javascript_posts_and_redirects(client, shahn, shivam, direct):
    signed_in(client, shahn)
    form = {"text": "hello there", "kind": "text", "client_id": str(uuid.uuid4())}
    response = client.post(reverse("chat-send", args=[direct.id]), form)
    assert response.status_code == 302 and response["Location"] == f"/chats/{direct.id}#m-1"
    again = client.post(reverse("chat-send", args=[direct.id]), form)  # a double submit
    assert again.status_code == 302 and Message.objects.count() == 1
    sticker = client.post(reverse("chat-send", args=[direct.id]),
                          {"text": "", "kind": "text", "sticker": "chaat-star", "client_id": str(uuid.uuid4())})
    assert sticker.status_code == 302 and Message.objects.get(seq=2).sticker_id == "chaat-star"
    image = client.post(reverse("chat-send", args=[direct.id]),
                        {"text": "look", "kind": "text", "client_id": str(uuid.uuid4()),
                         "image": upload("p.png", png_bytes())})
    assert image.status_code == 302 and Message.objects.get(seq=3).kind == "image"
    page = client.get(f"/chats/{direct.id}").content.decode()
    assert f'src="/media/chats/{direct.id}/{Message.objects.get(seq=3).id}?size=thumb"' in page


def test_an_empty_message_shows_the_error_and_keeps_the_page(client, shahn, direct):
    signed_in(client, shahn)
    response = client.post(reverse("chat-send", args=[direct.id]), {"text": "  ", "client_id": str(uuid.uuid4())})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()


def test_load_older_pages_back_by_seq(client, shahn, direct):
    for n in range(55):
        say(shahn, direct, f"m{n}")
    page = signed_in(client, shahn).get(f"/chats/{direct.id}").content.decode()
    assert '<a id="load-older" href="?before=6">' in page and 'id="m-5"' not in page
    older = client.get(f"/chats/{direct.id}?before=6").content.decode()
    assert re.findall(r'id="m-(\d+)"', older) == [str(n) for n in range(1, 6)]


def test_fragments_give_new_messages_or_one_and_404_to_others(client, shahn, shivam, udit, direct):
    for n in range(3):
        say(shivam, direct, f"m{n}")
    signed_in(client, shahn)
    after = client.get(f"/chats/{direct.id}/fragments?after=1").content.decode()
    assert re.findall(r'<li class="message[^"]*" id="m-(\d+)"', after) == ["2", "3"]
    one = client.get(f"/chats/{direct.id}/fragments?seq=2").content.decode()
    assert re.findall(r'id="m-(\d+)"', one) == ["2"]
    assert client.get(f"/chats/{direct.id}/fragments?seq=9").status_code == 404
    client.force_login(udit)
    assert client.get(f"/chats/{direct.id}/fragments?after=0").status_code == 404
    assert client.get(f"/chats/{direct.id}/row").status_code == 404
    assert client.get(f"/chats/{direct.id}").status_code == 404


def test_the_friends_page_starts_a_direct_chat(client, shahn, udit, circle):
    signed_in(client, shahn)
    response = client.post(reverse("chat-start-direct"), {"user": str(udit.id)})
    chat = Chat.objects.get(kind="direct")
    assert response.status_code == 302 and response["Location"] == f"/chats/{chat.id}"
    assert client.post(reverse("chat-start-direct"), {"user": str(udit.id)})["Location"] == f"/chats/{chat.id}"


def test_a_group_is_created_from_friends(client, shahn, shivam, udit, circle):
    signed_in(client, shahn)
    page = client.get(reverse("group-new")).content.decode()
    assert "Shivam" in page and "Udit" in page
    response = client.post(reverse("group-new"), {"name": "Trip", "members": [str(shivam.id), str(udit.id)]})
    chat = Chat.objects.get(kind="group")
    assert response.status_code == 302 and chat.name == "Trip" and chat.participants.count() == 3


def test_group_settings_rename_add_remove_and_leave(client, shahn, shivam, udit, kai, circle):
    group = create_group(actor=shahn, name="Trip", member_ids=[shivam.id])
    signed_in(client, shahn)
    url = reverse("chat-settings", args=[group.id])
    assert "Kai" in client.get(url).content.decode()
    client.post(url, {"action": "rename", "name": "Big trip"})
    client.post(url, {"action": "add", "user": str(kai.id)})
    client.post(url, {"action": "role", "user": str(kai.id), "role": "admin"})
    client.post(url, {"action": "remove", "user": str(shivam.id)})
    group.refresh_from_db()
    assert group.name == "Big trip"
    assert dict(group.participants.values_list("user__username", "role")) == {"shahn": "owner", "kai": "admin"}
    response = client.post(reverse("chat-delete", args=[group.id]))
    assert response["Location"] == "/chats"
    assert Participant.objects.get(chat=group).role == "owner"  # kai took over


def test_a_member_cannot_use_the_owners_actions(client, shahn, shivam, udit, circle):
    group = create_group(actor=shahn, name="Trip", member_ids=[shivam.id, udit.id])
    signed_in(client, shivam)
    url = reverse("chat-settings", args=[group.id])
    assert "Rename" not in client.get(url).content.decode()
    client.post(url, {"action": "remove", "user": str(udit.id)})
    assert group.participants.count() == 3


def test_editing_and_deleting_my_message_on_the_site(client, shahn, shivam, direct):
    message = say(shahn, direct, "helo")
    signed_in(client, shahn)
    edit_url = reverse("message-edit", args=[direct.id, message.id])
    assert "helo" in client.get(edit_url).content.decode()
    assert client.post(edit_url, {"text": "hello"})["Location"] == f"/chats/{direct.id}#m-1"
    page = client.get(f"/chats/{direct.id}").content.decode()
    assert "hello" in page and reverse("message-edits", args=[direct.id, message.id]) in page
    assert "helo" in client.get(reverse("message-edits", args=[direct.id, message.id])).content.decode()
    client.post(reverse("message-delete", args=[direct.id, message.id]))
    message.refresh_from_db()
    assert message.deleted and message.text == ""
    assert "This message was deleted." in client.get(f"/chats/{direct.id}").content.decode()


def test_others_cannot_edit_my_message_on_the_site(client, shahn, shivam, direct):
    message = say(shahn, direct, "mine")
    signed_in(client, shivam)
    assert client.get(reverse("message-edit", args=[direct.id, message.id])).status_code == 403
    client.post(reverse("message-delete", args=[direct.id, message.id]))
    assert not Message.objects.get(pk=message.id).deleted


def test_reply_shows_what_it_answers(client, shahn, shivam, direct):
    first = say(shivam, direct, "lunch?")
    signed_in(client, shahn)
    page = client.get(f"/chats/{direct.id}?reply={first.id}").content.decode()
    assert f'name="reply_to" value="{first.id}"' in page
    client.post(reverse("chat-send", args=[direct.id]),
                {"text": "yes", "reply_to": str(first.id), "client_id": str(uuid.uuid4())})
    assert Message.objects.get(seq=2).reply_to_id == first.id
    page = client.get(f"/chats/{direct.id}").content.decode()
    assert '<blockquote class="quote"><a href="#m-1">' in page


def test_the_pages_need_a_login(client, direct):
    assert client.get(f"/chats/{direct.id}").status_code == 302
    assert client.post(reverse("chat-send", args=[direct.id]), {"text": "x"}).status_code == 302
