"""Every live event type, checked against its declared shape (Zulip's `zerver/tests/test_events.py`).

Each event type has one builder in its app's `events.py`, whose return annotation is the type's
TypedDict. A test here does the real action through the service, on the configured database and
channel layer (PostgreSQL and Redis in CI), takes the event that a connected socket of a receiver
gets, and checks it with `check`, which reads the TypedDict itself: exact keys, value types, UUIDs,
ISO times and choices, nested objects included. So a declaration and what the sockets get cannot
drift apart, and `test_every_declared_event_type_has_a_shape_test` makes sure no type is left out.
Who receives what, and in which order, is tested beside each app's services (tests/*/test_*.py).
"""

from __future__ import annotations

import importlib
import inspect
import types
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints, is_typeddict

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.apps import apps
from django.conf import settings
from django.db import models

from accounts.services import issue_token
from chaat.live import layers, realtime
from friends import events as friends_events
from friends import services as friends
from matching import events as matching_events
from matching import services as matching
from messaging import events as messaging_events
from messaging.models import Sticker
from messaging.services import chats, editing, members, reading, sending
from tests.factories import befriend, direct_chat, friend_request, group_chat, say
from tests.live.conftest import frames_until_quiet, next_frame, opened, run_async, socket
from tests.translation.conftest import libretranslate  # noqa: F401 - the fixture
from translation import events as translation_events
from translation.translator import deliver_auto_translations

pytestmark = pytest.mark.django_db(transaction=True)

db = database_sync_to_async

# --- the checker ---------------------------------------------------------------------------------


def check(value: Any, shape: Any, path: str = "event") -> None:
    """Assert that `value` (as a socket delivered it, parsed JSON) has exactly the declared `shape`."""
    origin, args = get_origin(shape), get_args(shape)
    if is_typeddict(shape):
        hints = get_type_hints(shape, include_extras=True)
        assert isinstance(value, dict), f"{path}: {value!r} is not an object"
        assert sorted(value) == sorted(hints), f"{path}: keys {sorted(value)}, declared {sorted(hints)}"
        for key, hint in hints.items():
            check(value[key], hint, f"{path}.{key}")
    elif origin is Annotated:
        base, meta = args[0], args[1]
        check(value, base, path)
        if meta == "uuid":
            assert str(uuid.UUID(value)) == value, f"{path}: {value!r} is not a hyphenated lower-case UUID"
        elif meta == "iso8601":
            moment = datetime.fromisoformat(value)
            assert moment.utcoffset() == timedelta(0), f"{path}: {value!r} is not a time in UTC"
        elif isinstance(meta, type) and issubclass(meta, models.Choices):
            assert value in meta.values, f"{path}: {value!r} is not one of {meta.values}"
        else:
            raise AssertionError(f"{path}: the checker does not know {meta!r}")
    elif origin is Literal:
        assert value in args, f"{path}: {value!r} is not one of {args}"
    elif origin in (Union, types.UnionType):
        failures = []
        for option in args:
            try:
                check(value, option, path)
                return
            except AssertionError as exc:
                failures.append(str(exc))
        raise AssertionError(f"{path}: {value!r} matches no option: {failures}")
    elif origin is list:
        assert isinstance(value, list), f"{path}: {value!r} is not a list"
        for index, item in enumerate(value):
            check(item, args[0], f"{path}[{index}]")
    elif shape is type(None):
        assert value is None, f"{path}: {value!r} is not null"
    elif shape is float:
        assert isinstance(value, int | float) and not isinstance(value, bool), f"{path}: {value!r} is not a number"
    elif shape in (str, int, bool):
        assert type(value) is shape, f"{path}: {value!r} is not a {shape.__name__}"
    else:
        raise AssertionError(f"{path}: the checker does not know {shape!r}")


def declared() -> dict[str, tuple[Any, Callable[..., Any]]]:
    """Every event type the apps declare: its TypedDict and its builder, found through the return
    annotations of the functions in each app's `events.py`."""
    found: dict[str, tuple[Any, Callable[..., Any]]] = {}
    for app in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{app.name}.events")
        except ModuleNotFoundError:
            continue
        for name, builder in inspect.getmembers(module, inspect.isfunction):
            if builder.__module__ != module.__name__ or name.startswith("_"):
                continue
            shape = get_type_hints(builder)["return"]
            assert is_typeddict(shape), f"{module.__name__}.{name} returns no declared shape"
            (event_type,) = get_args(get_type_hints(shape)["type"])
            assert event_type not in found, f"two builders of {event_type}: {found[event_type][1]}, {builder}"
            found[event_type] = (shape, builder)
    return found


def shape_test_name(event_type: str) -> str:
    return "test_" + event_type.replace(".", "_") + "_shape"


def test_every_declared_event_type_has_a_shape_test():
    expected = {shape_test_name(event_type) for event_type in declared()}
    written = {name for name in globals() if name.startswith("test_") and name.endswith("_shape")}
    assert expected - written == set(), "declared event types without a shape test"
    assert written - expected == set(), "shape tests of event types nobody declares"


def test_every_shape_is_one_of_its_apps_events_and_every_builder_builds_its_own_type():
    for event_type, (shape, _builder) in declared().items():
        assert get_type_hints(shape)["type"] == Literal[event_type]
    assert {"message.created", "chat.created", "friendship.created", "match.found",
            "message.translated"} <= set(declared())


def test_only_realtime_sends_to_the_channel_layer():
    """Services publish with realtime.publish_on_commit, async code with realtime.apublish: nothing
    else in the apps sends to users' groups (the layer module only wraps the call; bench/ measures
    the layer itself)."""
    allowed = {Path(realtime.__file__).resolve(), Path(layers.__file__).resolve()}
    base = Path(settings.BASE_DIR).resolve()
    packages = [base / "chaat"] + [Path(app.path) for app in apps.get_app_configs() if Path(app.path).parent == base]
    sources = [path.resolve() for package in packages for path in package.rglob("*.py")]
    assert Path(realtime.__file__).resolve() in sources
    assert [path for path in sources if "group_send(" in path.read_text() and path not in allowed] == []


@pytest.mark.parametrize(("value", "complaint"), [
    ({"type": "typing", "chat_id": str(uuid.uuid4())}, "keys"),
    ({"type": "typing", "chat_id": str(uuid.uuid4()), "user_id": str(uuid.uuid4()), "extra": 1}, "keys"),
    ({"type": "typing", "chat_id": uuid.uuid4().hex, "user_id": str(uuid.uuid4())}, "UUID"),
    ({"type": "presence", "chat_id": str(uuid.uuid4()), "user_id": str(uuid.uuid4())}, "not one of"),
])
def test_the_checker_refuses_a_wrong_key_type_or_format(value, complaint):
    with pytest.raises(AssertionError, match=complaint):
        check(value, messaging_events.Typing)


# --- receiving -----------------------------------------------------------------------------------


async def connect(user):
    return await opened(socket(token=await sync_to_async(issue_token)(user=user)))


async def received(user, event_type: str, action: Callable[[], Any]) -> dict[str, Any]:
    """The one event of `event_type` that a socket of `user` gets while `action` runs (in a thread,
    each service committing as in production)."""
    communicator = await connect(user)
    try:
        await db(action)()
        frames = await frames_until_quiet(communicator)
    finally:
        await communicator.disconnect()
    of_type = [frame for frame in frames if frame["type"] == event_type]
    assert len(of_type) == 1, frames
    return of_type[0]


# --- messages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["text", "sticker"])
@run_async
async def test_message_created_shape(shahn, shivam, kind):
    chat = await db(direct_chat)(shahn, shivam)
    first = await db(say)(shivam, chat, "first")

    def send():
        if kind == "text":
            return say(shahn, chat, "hi @shivam", reply_to=first.id)
        sticker, _created = Sticker.objects.get_or_create(id="wave", defaults={"pack": "chaat", "name": "Wave"})
        return sending.send_message(actor=shahn, chat_id=chat.id, client_id=uuid.uuid4(), kind="sticker",
                                      sticker=sticker.id)

    event = await received(shivam, "message.created", send)
    check(event, messaging_events.MessageCreated)
    assert event["message"]["kind"] == kind


@run_async
async def test_message_updated_shape(shahn, shivam):
    chat = await db(direct_chat)(shahn, shivam)
    sent = await db(say)(shahn, chat, "helo")
    await db(editing.add_reaction)(actor=shivam, chat_id=chat.id, message_id=sent.id, emoji="👍")
    event = await received(shivam, "message.updated", lambda: editing.edit_message(
        actor=shahn, chat_id=chat.id, message_id=sent.id, text="hello"))
    check(event, messaging_events.MessageUpdated)
    assert event["message"]["reactions"] == [{"emoji": "👍", "count": 1, "me": True}]


@run_async
async def test_message_deleted_shape(shahn, shivam):
    chat = await db(direct_chat)(shahn, shivam)
    sent = await db(say)(shahn, chat, "oops")
    event = await received(shivam, "message.deleted", lambda: editing.delete_message(
        actor=shahn, chat_id=chat.id, message_id=sent.id))
    check(event, messaging_events.MessageDeleted)


@run_async
async def test_message_reactions_shape(shahn, shivam):
    chat = await db(direct_chat)(shahn, shivam)
    sent = await db(say)(shahn, chat, "lunch?")
    event = await received(shahn, "message.reactions", lambda: editing.add_reaction(
        actor=shivam, chat_id=chat.id, message_id=sent.id, emoji="👍"))
    check(event, messaging_events.MessageReactions)


@run_async
async def test_message_translated_shape(shahn, shivam, libretranslate):  # noqa: F811 - the imported fixture
    chat = await db(direct_chat)(shahn, shivam)
    await db(members.update_chat_settings)(actor=shivam, chat_id=chat.id, changes={"language": "de"})
    await db(members.update_chat_settings)(actor=shahn, chat_id=chat.id, changes={"auto_translate": True})
    sent = await db(say)(shivam, chat, "Guten Morgen")
    event = await received(shahn, "message.translated", lambda: deliver_auto_translations(message_id=sent.id))
    check(event, translation_events.MessageTranslated)


# --- chats ---------------------------------------------------------------------------------------


@run_async
async def test_chat_created_shape(shahn, shivam):
    await db(befriend)(shahn, shivam)
    event = await received(shivam, "chat.created", lambda: chats.get_or_create_direct_chat(
        actor=shahn, other_id=shivam.id))
    check(event, messaging_events.ChatCreated)


@run_async
async def test_chat_updated_shape(shahn, shivam, udit):
    group = await db(group_chat)(shahn, shivam, udit)
    event = await received(shivam, "chat.updated", lambda: chats.rename_group(
        actor=shahn, chat_id=group.id, name="Lunch"))
    check(event, messaging_events.ChatUpdated)
    assert event["chat"]["last_message"] is not None  # the creation's system message


@run_async
async def test_chat_member_added_shape(shahn, shivam, udit, kai):
    group = await db(group_chat)(shahn, shivam, udit)
    await db(befriend)(shahn, kai)
    event = await received(shivam, "chat.member_added", lambda: members.add_member(
        actor=shahn, chat_id=group.id, user_id=kai.id))
    check(event, messaging_events.ChatMemberAdded)


@run_async
async def test_chat_member_removed_shape(shahn, shivam, udit):
    group = await db(group_chat)(shahn, shivam, udit)
    event = await received(shivam, "chat.member_removed", lambda: members.remove_member(
        actor=shahn, chat_id=group.id, user_id=udit.id))
    check(event, messaging_events.ChatMemberRemoved)


@run_async
async def test_chat_deleted_shape(shahn, shivam, udit):
    group = await db(group_chat)(shahn, shivam, udit)
    event = await received(udit, "chat.deleted", lambda: members.remove_member(
        actor=shahn, chat_id=group.id, user_id=udit.id))
    check(event, messaging_events.ChatDeleted)


# --- reading, typing, presence -------------------------------------------------------------------


@run_async
async def test_read_updated_shape(shahn, shivam):
    chat = await db(direct_chat)(shahn, shivam)
    await db(say)(shahn, chat, "read me")
    event = await received(shahn, "read.updated", lambda: reading.mark_read(actor=shivam, chat_id=chat.id, seq=1))
    check(event, messaging_events.ReadUpdated)


@run_async
async def test_typing_shape(shahn, shivam):
    chat = await db(direct_chat)(shahn, shivam)
    event = await received(shivam, "typing", lambda: reading.notify_typing(actor=shahn, chat_id=chat.id))
    check(event, messaging_events.Typing)


@run_async
async def test_presence_shape(shahn, shivam):
    await db(befriend)(shahn, shivam)
    friend = await connect(shivam)
    coming = await connect(shahn)
    event = await next_frame(friend, skip=())
    check(event, messaging_events.Presence)
    await coming.disconnect()
    check(await next_frame(friend, skip=()), messaging_events.Presence)
    await friend.disconnect()


# --- friends -------------------------------------------------------------------------------------


@run_async
async def test_friend_request_received_shape(shahn, shivam):
    event = await received(shivam, "friend_request.received", lambda: friend_request(shahn, shivam, "hi!"))
    check(event, friends_events.FriendRequestReceived)


@run_async
async def test_friend_request_updated_shape(shahn, shivam):
    request = await db(friend_request)(shahn, shivam)
    event = await received(shahn, "friend_request.updated", lambda: friends.accept_friend_request(
        actor=shivam, request_id=request.id))
    check(event, friends_events.FriendRequestUpdated)
    assert event["request"]["responded_at"] is not None


@run_async
async def test_friendship_created_shape(shahn, shivam):
    request = await db(friend_request)(shahn, shivam)
    event = await received(shahn, "friendship.created", lambda: friends.accept_friend_request(
        actor=shivam, request_id=request.id))
    check(event, friends_events.FriendshipCreated)


@run_async
async def test_friendship_removed_shape(shahn, shivam):
    await db(befriend)(shahn, shivam)
    event = await received(shivam, "friendship.removed", lambda: friends.unfriend(actor=shahn, user_id=shivam.id))
    check(event, friends_events.FriendshipRemoved)


# --- matchmaking ---------------------------------------------------------------------------------


@run_async
async def test_match_found_shape(shahn, shivam):
    await db(matching.join_queue)(actor=shahn)
    event = await received(shahn, "match.found", lambda: matching.join_queue(actor=shivam))
    check(event, matching_events.MatchFound)


@run_async
async def test_match_ended_shape(shahn, shivam):
    await db(matching.join_queue)(actor=shahn)
    match = await db(matching.join_queue)(actor=shivam)
    event = await received(shivam, "match.ended", lambda: matching.end_match(actor=shahn, match_id=match.id))
    check(event, matching_events.MatchEnded)
    assert event["match"]["ended_at"] is not None and event["match"]["duration_minutes"] == 1
