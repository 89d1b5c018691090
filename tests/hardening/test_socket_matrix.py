"""The websocket half of the authorization matrix: every client frame type of the consumer, sent
by an outsider about a chat they are not in, gets the same `error` frame as for a chat that does
not exist (`not_found`), and the chat's members receive nothing. A frame type added to the
consumer without an entry in FRAMES fails `test_every_socket_frame_type_has_an_expectation`."""

from __future__ import annotations

import uuid

import pytest
from asgiref.sync import sync_to_async

from accounts.services import issue_token
from messaging import consumers
from messaging.models import Chat
from tests.factories import direct_chat, say
from tests.live.conftest import frames_until_quiet, next_frame, opened, run_async, socket

pytestmark = pytest.mark.django_db(transaction=True)

# Frame type → a frame about `chat_id`, or None for frames that name no object.
FRAMES = {
    "message.send": lambda chat_id: {"type": "message.send", "chat_id": str(chat_id),
                                     "client_id": str(uuid.uuid4()), "kind": "text", "text": "let me in"},
    "typing": lambda chat_id: {"type": "typing", "chat_id": str(chat_id)},
    "read": lambda chat_id: {"type": "read", "chat_id": str(chat_id), "seq": 1},
    "ping": None,
}


def test_every_socket_frame_type_has_an_expectation():
    assert set(consumers.ChatConsumer.handlers) == set(FRAMES)


@pytest.fixture
def chat(shahn, shivam):
    chat = direct_chat(shahn, shivam)
    say(shahn, chat, "private")
    return chat


async def connect(user):
    return await opened(socket(token=await sync_to_async(issue_token)(user=user)))


@pytest.mark.parametrize("frame_type", [t for t, build in FRAMES.items() if build is not None])
@run_async
async def test_an_outsiders_frame_about_a_foreign_chat_is_not_found_and_reaches_nobody(
        frame_type, chat, shahn, shivam, udit):
    member, other_member, outsider = await connect(shahn), await connect(shivam), await connect(udit)
    build = FRAMES[frame_type]
    await outsider.send_json_to(build(chat.id))
    foreign = await next_frame(outsider)
    await outsider.send_json_to(build(uuid.uuid4()))
    unknown = await next_frame(outsider)
    assert foreign["type"] == "error" and foreign["code"] == "not_found"
    assert {k: v for k, v in foreign.items() if k != "client_id"} == {
        k: v for k, v in unknown.items() if k != "client_id"}, "a foreign chat must look like no chat"
    assert "private" not in str(foreign)
    for socket_of_member in (member, other_member):
        assert [f for f in await frames_until_quiet(socket_of_member) if f["type"] != "presence"] == []
    assert await sync_to_async(Chat.objects.get)(pk=chat.pk) and (
        await sync_to_async(chat.messages.count)()) == 1
    for ws in (member, other_member, outsider):
        await ws.disconnect()
