"""Client → server frames over /ws/, and the events each user's sockets get."""

from __future__ import annotations

import json
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async

from accounts.services import issue_token
from friends.models import Friendship
from messaging import consumers
from messaging.models import Chat, Message, Participant
from messaging.services.chats import get_or_create_direct_chat, leave_all_chats
from messaging.services.sending import send_message
from tests.factories import befriend, direct_chat
from tests.live.conftest import close_code, frames_until_quiet, next_frame, opened, run_async, socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chat(shahn, shivam):
    return direct_chat(shahn, shivam)


@pytest.fixture
def group(shahn, shivam, udit):
    """A group of three, set up directly (creating groups is the groups service's business)."""
    group = Chat.objects.create(kind=Chat.Kind.GROUP, name="Trio", created_by=shahn)
    Participant.objects.bulk_create([Participant(chat=group, user=u) for u in (shahn, shivam, udit)])
    return group


async def connect(user):
    return await opened(socket(token=await sync_to_async(issue_token)(user=user)))


def text_frame(chat_id, text="hello", client_id=None):
    return {"type": "message.send", "chat_id": str(chat_id), "client_id": str(client_id or uuid.uuid4()),
            "kind": "text", "text": text}


@run_async
async def test_ping_gets_pong(shahn):
    me = await connect(shahn)
    await me.send_json_to({"type": "ping"})
    assert await next_frame(me) == {"type": "pong"}
    await me.disconnect()


@run_async
async def test_message_send_is_acked_and_delivered_to_every_socket_of_every_member(shahn, shivam, chat):
    me, my_phone, them = await connect(shahn), await connect(shahn), await connect(shivam)
    frame = text_frame(chat.id, "  hi there  ")
    await me.send_json_to(frame)
    frames = await frames_until_quiet(me)
    ack = next(f for f in frames if f["type"] == "message.ack")
    assert ack["client_id"] == frame["client_id"]
    message = ack["message"]
    assert (message["seq"], message["text"], message["sender"]["username"]) == (1, "hi there", "shahn")
    created = {"type": "message.created", "chat_id": str(chat.id), "message": message}
    assert created in frames
    assert await next_frame(my_phone) == created
    assert await next_frame(them) == created
    for communicator in (me, my_phone, them):
        await communicator.disconnect()


@run_async
async def test_a_retried_message_send_gets_the_stored_message_and_stores_nothing(shahn, chat):
    me = await connect(shahn)
    frame = text_frame(chat.id, "once")
    await me.send_json_to(frame)
    first = next(f for f in await frames_until_quiet(me) if f["type"] == "message.ack")
    await me.send_json_to(frame)
    again = next(f for f in await frames_until_quiet(me) if f["type"] == "message.ack")
    assert again == first
    assert await database_sync_to_async(Message.objects.count)() == 1
    await me.disconnect()


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"text": "   "}, "invalid", "text"),
        ({"text": "x" * 4001}, "invalid", "text"),
        ({"kind": "image"}, "invalid", "kind"),
        ({"kind": "sticker", "sticker": "no-such-sticker"}, "invalid", "sticker"),
        ({"chat_id": "not-a-uuid"}, "invalid", "chat_id"),
        ({"chat_id": str(uuid.uuid4())}, "not_found", None),
    ],
)
@run_async
async def test_a_bad_message_send_gets_an_error_frame_and_the_socket_stays_up(shahn, chat, change, code, field):
    me = await connect(shahn)
    frame = text_frame(chat.id) | change
    await me.send_json_to(frame)
    error = await next_frame(me)
    assert (error["type"], error["client_id"], error["code"]) == ("error", frame["client_id"], code)
    assert error["detail"]
    if field:
        assert field in error["fields"]
    assert await database_sync_to_async(Message.objects.count)() == 0
    await opened_still(me)
    await me.disconnect()


@run_async
async def test_message_send_follows_the_http_rules_for_friends(shahn, shivam, chat):
    await database_sync_to_async(Friendship.objects.all().delete)()  # they are friends no more
    me = await connect(shahn)
    frame = text_frame(chat.id)
    await me.send_json_to(frame)
    error = await next_frame(me)
    assert (error["code"], error["client_id"]) == ("not_friends", frame["client_id"])
    await me.disconnect()


@run_async
async def test_message_send_counts_against_the_send_limit(shahn, chat, settings):
    settings.THROTTLE_RATES = settings.THROTTLE_RATES | {"send": "2/minute"}
    me = await connect(shahn)
    for text in ("one", "two", "three"):
        await me.send_json_to(text_frame(chat.id, text))
    errors = [f for f in await frames_until_quiet(me) if f["type"] == "error"]
    assert [e["code"] for e in errors] == ["rate_limited"]
    assert errors[0]["retry_after"] >= 1
    assert await database_sync_to_async(Message.objects.count)() == 2
    await me.disconnect()


@pytest.mark.parametrize(
    "raw",
    ["not json", "[1, 2]", '"text"', "{}", '{"type": 5}', '{"type": "no.such.frame"}', '{"type": "read"}',
     '{"type": "typing", "chat_id": "nope"}', json.dumps({"type": "read", "chat_id": str(uuid.uuid4()), "seq": -1})],
)
@run_async
async def test_a_malformed_frame_gets_an_error_frame_and_the_socket_stays_up(shahn, raw):
    me = await connect(shahn)
    await me.send_to(text_data=raw)
    error = await next_frame(me)
    assert (error["type"], error["code"], error["client_id"]) == ("error", "invalid", None)
    await opened_still(me)
    await me.disconnect()


@run_async
async def test_a_binary_frame_gets_an_error_frame(shahn):
    me = await connect(shahn)
    await me.send_to(bytes_data=b'{"type": "ping"}')
    assert (await next_frame(me))["code"] == "invalid"
    await opened_still(me)
    await me.disconnect()


@run_async
async def test_a_frame_over_64_kib_closes_the_socket_with_1009(shahn):
    me = await connect(shahn)
    await me.send_to(text_data='{"type": "ping", "pad": "%s"}' % ("x" * 64 * 1024))
    assert await close_code(me) == 1009
    await me.disconnect()


@run_async
async def test_a_flood_of_frames_is_throttled(shahn):
    me = await connect(shahn)
    for _ in range(consumers.FRAME_BURST * 3):
        await me.send_json_to({"type": "ping"})
    frames = await frames_until_quiet(me)
    codes = [f.get("code") for f in frames if f["type"] == "error"]
    assert codes and set(codes) == {"rate_limited"}
    assert len([f for f in frames if f["type"] == "pong"]) < consumers.FRAME_BURST * 2
    await me.disconnect()


# --- typing and read -----------------------------------------------------------------------------


@run_async
async def test_typing_goes_to_the_other_members_only_and_at_most_every_two_seconds(shahn, shivam, udit, group):
    me, my_phone, them, third = await connect(shahn), await connect(shahn), await connect(shivam), await connect(udit)
    await me.send_json_to({"type": "typing", "chat_id": str(group.id)})
    typing = {"type": "typing", "chat_id": str(group.id), "user_id": str(shahn.id)}
    assert await next_frame(them) == typing
    assert await next_frame(third) == typing
    await my_phone.send_json_to({"type": "typing", "chat_id": str(group.id)})  # the same user, within 2 s
    assert await frames_until_quiet(them) == []
    assert await frames_until_quiet(me) == [] and await frames_until_quiet(my_phone) == []
    assert await database_sync_to_async(Message.objects.count)() == 0
    for communicator in (me, my_phone, them, third):
        await communicator.disconnect()


@run_async
async def test_typing_in_a_chat_you_are_not_in_is_not_found(shahn, udit, chat):
    outsider, member = await connect(udit), await connect(shahn)
    await outsider.send_json_to({"type": "typing", "chat_id": str(chat.id)})
    assert (await next_frame(outsider))["code"] == "not_found"
    assert await frames_until_quiet(member) == []
    await outsider.disconnect()
    await member.disconnect()


@run_async
async def test_read_moves_the_marker_and_tells_the_others_and_my_other_sockets(shahn, shivam, chat):
    await database_sync_to_async(send_message)(actor=shahn, chat_id=chat.id, client_id=uuid.uuid4(),
                                               kind="text", text="read me")
    sender, reader, readers_phone = await connect(shahn), await connect(shivam), await connect(shivam)
    await reader.send_json_to({"type": "read", "chat_id": str(chat.id), "seq": 1})
    read = {"type": "read.updated", "chat_id": str(chat.id), "user_id": str(shivam.id), "seq": 1}
    assert await next_frame(sender) == read
    assert await next_frame(readers_phone) == read
    participant = await database_sync_to_async(Participant.objects.get)(chat=chat, user=shivam)
    assert participant.last_read_seq == 1
    for communicator in (sender, reader, readers_phone):
        await communicator.disconnect()


# --- events caused elsewhere ---------------------------------------------------------------------


@run_async
async def test_chat_created_reaches_both_members(shahn, shivam):
    await database_sync_to_async(befriend)(shahn, shivam)
    me, them = await connect(shahn), await connect(shivam)
    chat, _ = await database_sync_to_async(get_or_create_direct_chat)(actor=shahn, other_id=shivam.id)
    mine, theirs = await next_frame(me), await next_frame(them)
    assert (mine["type"], mine["chat_id"], mine["chat"]["id"]) == ("chat.created", str(chat.id), str(chat.id))
    assert theirs["type"] == "chat.created" and theirs["chat"]["kind"] == "direct"
    await me.disconnect()
    await them.disconnect()


@run_async
async def test_a_member_who_left_gets_nothing_more_from_the_chat(shahn, shivam, udit, group):
    me, leaver = await connect(shahn), await connect(shivam)
    await database_sync_to_async(leave_all_chats)(user=shivam)
    assert (await next_frame(leaver))["type"] == "chat.deleted"  # the leave itself
    await me.send_json_to({"type": "typing", "chat_id": str(group.id)})
    await me.send_json_to(text_frame(group.id, "after you left"))
    assert "message.ack" in [f["type"] for f in await frames_until_quiet(me)]
    assert await frames_until_quiet(leaver) == []
    await leaver.send_json_to({"type": "typing", "chat_id": str(group.id)})
    assert (await next_frame(leaver))["code"] == "not_found"
    await me.disconnect()
    await leaver.disconnect()


@run_async
async def test_presence_goes_to_friends_on_the_first_socket_and_after_the_last(shahn, shivam, udit):
    await database_sync_to_async(befriend)(shahn, shivam)
    friend, stranger = await connect(shivam), await connect(udit)
    first = await connect(shahn)
    online = {"type": "presence", "user_id": str(shahn.id), "online": True}
    assert await next_frame(friend, skip=()) == online
    second = await connect(shahn)
    await first.disconnect()
    assert await frames_until_quiet(friend, skip=()) == []  # still online on the second socket
    await second.disconnect()
    assert await next_frame(friend, skip=()) == online | {"online": False}
    assert await frames_until_quiet(stranger, skip=()) == []
    await friend.disconnect()
    await stranger.disconnect()


async def opened_still(communicator) -> None:
    await communicator.send_json_to({"type": "ping"})
    assert await next_frame(communicator) == {"type": "pong"}
