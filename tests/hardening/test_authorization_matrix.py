"""The authorization matrix: every /api/v1 route, found by walking the URL configuration, tried as
anonymous, as an outsider, as a member and as the owner (admin, sender), each against the
contract's answer: 401 without credentials, 404 for what you may not see, 403 for what you see but
may not change, 2xx only where allowed. Every answer, errors included, is kept out of shared
caches (`private_to_the_asker`).

A route or method without an entry in EXPECT fails `test_every_api_route_has_an_expectation`:
write down who may call it before it ships. Entries whose route is not on this branch yet are
skipped (they apply as soon as the route is merged). Each cell runs on a fresh scene, so
destructive calls (leave, delete, accept) never affect the next cell.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from rest_framework.test import APIClient

from messaging.models import Chat, Participant
from messaging.services.editing import add_reaction
from messaging.services.sending import send_message
from tests.conftest import client_for
from tests.factories import PASSWORD, UserFactory, befriend
from tests.hardening.routes import api_routes
from tests.images import png_bytes, upload

ROLES = ("anonymous", "outsider", "member", "owner")
NEW_PASSWORD = "a-brand-new-passphrase-42"


@dataclass
class Scene:
    """The users playing each role, the ids that fill the route, and the rest of the cast."""

    users: dict[str, Any]
    ids: dict[str, Any] = field(default_factory=dict)
    cast: dict[str, Any] = field(default_factory=dict)
    # Clients a role must use (their credential owns something in the scene); else a fresh token.
    clients: dict[str, APIClient] = field(default_factory=dict)


def _people() -> dict[str, Any]:
    people = {name: UserFactory(username=name) for name in ("owner", "member", "outsider", "target")}
    people["anonymous"] = None
    return people


def _roles(people: dict[str, Any]) -> dict[str, Any]:
    return {role: people[role] for role in ROLES}


def scene_self() -> Scene:
    """No object in the path: every signed-in role acts on their own account. `target` is a
    stranger to all of them."""
    people = _people()
    return Scene(_roles(people), cast=people)


def scene_friendly_target() -> Scene:
    """`target` is a friend of all three signed-in roles (direct chats, groups)."""
    people = _people()
    for role in ("owner", "member", "outsider"):
        befriend(people[role], people["target"])
    return Scene(_roles(people), cast=people)


def scene_group() -> Scene:
    """A group of owner, member and `third`; `message` is the owner's; `newcomer` is a friend of
    the owner who is not in it. The outsider is in no chat."""
    people = _people()
    third, newcomer = UserFactory(username="third"), UserFactory(username="newcomer")
    for friend in (people["member"], third, newcomer):
        befriend(people["owner"], friend)
    group = Chat.objects.create(kind=Chat.Kind.GROUP, name="the group", created_by=people["owner"])
    Participant.objects.bulk_create([
        Participant(chat=group, user=people["owner"], role=Participant.Role.OWNER),
        Participant(chat=group, user=people["member"]),
        Participant(chat=group, user=third),
    ])
    message, _ = send_message(actor=people["owner"], chat_id=group.id, client_id=uuid.uuid4(),
                              kind="text", text="hello group")
    return Scene(_roles(people), ids={"chat_id": group.id, "message_id": message.id, "user_id": third.id},
                 cast=people | {"third": third, "newcomer": newcomer})


def scene_group_reacted() -> Scene:
    """scene_group where the owner and the member reacted 👍 to the message (`emoji`)."""
    scene = scene_group()
    for role in ("owner", "member"):
        add_reaction(actor=scene.users[role], chat_id=scene.ids["chat_id"],
                     message_id=scene.ids["message_id"], emoji="👍")
    scene.ids["emoji"] = quote("👍")
    return scene


def scene_friend_of_two() -> Scene:
    """`target` is a friend of the owner and the member, and blocked by both; not of the outsider."""
    from friends.models import Block

    people = _people()
    for role in ("owner", "member"):
        befriend(people[role], people["target"])
        Block.objects.create(blocker=people[role], blocked=people["target"])
    return Scene(_roles(people), ids={"user_id": people["target"].id}, cast=people)


def scene_visible_user() -> Scene:
    people = _people()
    return Scene(_roles(people), ids={"user_id": people["target"].id}, cast=people)


def scene_friend_request() -> Scene:
    """A pending request from the owner (its sender) to the member (its recipient)."""
    from friends.models import FriendRequest

    people = _people()
    request = FriendRequest.objects.create(from_user=people["owner"], to_user=people["member"], greeting="hi")
    return Scene(_roles(people), ids={"request_id": request.id}, cast=people)


def scene_match() -> Scene:
    """The owner and the member are matched; the outsider is not in the match."""
    from matching import services as matching

    people = _people()
    matching.join_queue(actor=people["owner"])
    match = matching.join_queue(actor=people["member"])
    assert match is not None, "the two should have been paired"
    return Scene(_roles(people), ids={"match_id": match.id}, cast=people)


PUSH_ENDPOINT = "https://8.8.8.8/push/"  # a literal public address: resolving it needs no DNS


def push_keys() -> dict[str, str]:
    """A browser's subscription keys: a P-256 public point and a 16-byte secret, base64url."""
    import base64
    import os

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    point = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {name: base64.urlsafe_b64encode(raw).decode().rstrip("=")
            for name, raw in (("p256dh", point), ("auth", os.urandom(16)))}


def scene_push_subscription() -> Scene:
    """The owner's login made a push subscription (`subscription_id`); it belongs to that login."""
    people = _people()
    clients = {role: client_for(people[role]) for role in ("owner", "member", "outsider")}
    made = clients["owner"].post("/api/v1/push/subscriptions",
                                 {"endpoint": PUSH_ENDPOINT + "owner", "keys": push_keys()}, format="json")
    assert made.status_code == 201, made.content
    return Scene(_roles(people), ids={"subscription_id": made.json()["id"]}, cast=people, clients=clients)


@dataclass
class Cell:
    scene: Callable[[], Scene]
    expect: dict[str, int]
    body: Callable[[Scene], Any] | None = None
    multipart: bool = False


def everyone(status: int, *, anonymous: int = 401) -> dict[str, int]:
    return {"anonymous": anonymous, "outsider": status, "member": status, "owner": status}


def object_rule(*, owner: int, member: int, outsider: int = 404) -> dict[str, int]:
    return {"anonymous": 401, "outsider": outsider, "member": member, "owner": owner}


V1 = "api/v1/"
CHAT = V1 + "chats/<uuid:chat_id>"
MESSAGE = CHAT + "/messages/<uuid:message_id>"
REQUEST = V1 + "friend-requests/<uuid:request_id>"
MATCH = V1 + "match/<uuid:match_id>"

EXPECT: dict[tuple[str, str], Cell] = {
    # accounts
    (V1 + "auth/register", "POST"): Cell(scene_self, everyone(201, anonymous=201),
                                         lambda s: {"username": "newcomer", "password": PASSWORD}),
    (V1 + "auth/login", "POST"): Cell(scene_self, everyone(200, anonymous=200),
                                      lambda s: {"username": "target", "password": PASSWORD}),
    (V1 + "auth/logout", "POST"): Cell(scene_self, everyone(204)),
    (V1 + "me", "GET"): Cell(scene_self, everyone(200)),
    (V1 + "me", "PATCH"): Cell(scene_self, everyone(200), lambda s: {"display_name": "New name"}),
    (V1 + "me", "DELETE"): Cell(scene_self, everyone(204), lambda s: {"password": PASSWORD}),
    (V1 + "me/avatar", "POST"): Cell(scene_self, everyone(200), lambda s: {"avatar": upload("a.png", png_bytes())},
                                     multipart=True),
    (V1 + "me/password", "POST"): Cell(scene_self, everyone(204),
                                       lambda s: {"old_password": PASSWORD, "new_password": NEW_PASSWORD}),
    (V1 + "me/export", "GET"): Cell(scene_self, everyone(200)),
    (V1 + "auth/password-reset", "POST"): Cell(scene_self, everyone(202, anonymous=202),
                                               lambda s: {"username_or_email": "target"}),
    (V1 + "auth/password-reset/confirm", "POST"): Cell(  # a token the server did not make: 400 for all
        scene_self, everyone(400, anonymous=400),
        lambda s: {"uid": "x", "token": "forged-token", "new_password": NEW_PASSWORD}),
    (V1 + "users", "GET"): Cell(scene_self, everyone(200)),
    (V1 + "users/<uuid:user_id>", "GET"): Cell(scene_visible_user, everyone(200)),
    (V1 + "schema", "GET"): Cell(scene_self, everyone(200, anonymous=200)),
    (V1 + "docs", "GET"): Cell(scene_self, everyone(200, anonymous=200)),
    # friends
    (V1 + "friends", "GET"): Cell(scene_self, everyone(200)),
    (V1 + "friends/<uuid:user_id>", "DELETE"): Cell(scene_friend_of_two, object_rule(owner=204, member=204)),
    (V1 + "friend-requests", "GET"): Cell(scene_self, everyone(200)),
    (V1 + "friend-requests", "POST"): Cell(scene_self, everyone(201), lambda s: {"to": str(s.cast["target"].id)}),
    (REQUEST + "/accept", "POST"): Cell(scene_friend_request, object_rule(owner=403, member=200)),
    (REQUEST + "/reject", "POST"): Cell(scene_friend_request, object_rule(owner=403, member=200)),
    (REQUEST + "/withdraw", "POST"): Cell(scene_friend_request, object_rule(owner=200, member=403)),
    (V1 + "blocks", "GET"): Cell(scene_self, everyone(200)),
    (V1 + "blocks", "POST"): Cell(scene_self, everyone(201), lambda s: {"user": str(s.cast["target"].id)}),
    (V1 + "blocks/<uuid:user_id>", "DELETE"): Cell(scene_friend_of_two, object_rule(owner=204, member=204)),
    # chats and messages
    (V1 + "chats", "GET"): Cell(scene_self, everyone(200)),
    (V1 + "chats/direct", "POST"): Cell(scene_friendly_target, everyone(201),
                                        lambda s: {"user": str(s.cast["target"].id)}),
    (V1 + "chats/groups", "POST"): Cell(scene_friendly_target, everyone(201),
                                        lambda s: {"name": "new group", "members": [str(s.cast["target"].id)]}),
    (CHAT, "GET"): Cell(scene_group, object_rule(owner=200, member=200)),
    (CHAT, "PATCH"): Cell(scene_group, object_rule(owner=200, member=403), lambda s: {"name": "renamed"}),
    (CHAT, "DELETE"): Cell(scene_group, object_rule(owner=204, member=204)),
    (CHAT + "/members", "POST"): Cell(scene_group, object_rule(owner=201, member=403),
                                      lambda s: {"user": str(s.cast["newcomer"].id)}),
    (CHAT + "/members", "GET"): Cell(scene_group, object_rule(owner=200, member=200)),
    (CHAT + "/me", "GET"): Cell(scene_group, object_rule(owner=200, member=200)),
    (CHAT + "/me", "PATCH"): Cell(scene_group, object_rule(owner=200, member=200), lambda s: {"language": "de"}),
    (CHAT + "/members/<uuid:user_id>", "DELETE"): Cell(scene_group, object_rule(owner=204, member=403)),
    (CHAT + "/members/<uuid:user_id>", "PATCH"): Cell(scene_group, object_rule(owner=200, member=403),
                                                      lambda s: {"role": "admin"}),
    (CHAT + "/messages", "GET"): Cell(scene_group, object_rule(owner=200, member=200)),
    (CHAT + "/messages", "POST"): Cell(scene_group, object_rule(owner=201, member=201),
                                       lambda s: {"kind": "text", "text": "hi", "client_id": str(uuid.uuid4())}),
    (MESSAGE, "PATCH"): Cell(scene_group, object_rule(owner=200, member=403), lambda s: {"text": "edited"}),
    (MESSAGE, "DELETE"): Cell(scene_group, object_rule(owner=204, member=403)),
    (MESSAGE + "/edits", "GET"): Cell(scene_group, object_rule(owner=200, member=200)),
    (MESSAGE + "/reactions/<path:emoji>", "PUT"): Cell(scene_group_reacted, object_rule(owner=200, member=200)),
    (MESSAGE + "/reactions/<path:emoji>", "DELETE"): Cell(scene_group_reacted, object_rule(owner=204, member=204)),
    (MESSAGE + "/translation", "GET"): Cell(scene_group, object_rule(owner=200, member=200)),  # into its own lang
    (CHAT + "/read", "POST"): Cell(scene_group, object_rule(owner=204, member=204), lambda s: {"seq": 1}),
    (V1 + "stickers", "GET"): Cell(scene_self, everyone(200)),
    (V1 + "presence", "GET"): Cell(scene_self, everyone(200)),  # your friends' presence only
    (V1 + "push/key", "GET"): Cell(scene_self, everyone(200)),
    (V1 + "push/subscriptions", "GET"): Cell(scene_self, everyone(200)),  # your login's only
    (V1 + "push/subscriptions", "POST"): Cell(
        scene_self, everyone(201), lambda s: {"endpoint": PUSH_ENDPOINT + str(uuid.uuid4()), "keys": push_keys()}),
    (V1 + "push/subscriptions/<uuid:subscription_id>", "DELETE"): Cell(
        scene_push_subscription, object_rule(owner=204, member=404)),
    (V1 + "search/messages", "GET"): Cell(scene_self, everyone(200), lambda s: {"q": "hello"}),  # your chats only
    # matching
    (V1 + "match", "GET"): Cell(scene_self, everyone(200)),
    (V1 + "match/queue", "POST"): Cell(scene_self, everyone(202)),
    (V1 + "match/queue", "DELETE"): Cell(scene_self, everyone(204)),
    (V1 + "match/history", "GET"): Cell(scene_self, everyone(200)),
    (MATCH + "/end", "POST"): Cell(scene_match, object_rule(owner=200, member=200)),
    (MATCH + "/report", "POST"): Cell(scene_match, object_rule(owner=200, member=200),
                                      lambda s: {"reason": "rude"}),
}

METHODS = ("get", "post", "put", "patch", "delete")


def discovered() -> set[tuple[str, str]]:
    """(route, METHOD) for every API view method in the URL configuration."""
    found = set()
    for route in api_routes():
        view = route.view_class
        assert view is not None, f"{route.route} is not a class-based API view"
        for method in METHODS:
            if hasattr(view, method) and method in getattr(view, "http_method_names", METHODS):
                found.add((route.route, method.upper()))
    return found


def test_every_api_route_has_an_expectation():
    missing = sorted(discovered() - set(EXPECT))
    assert not missing, "routes without a written-down expectation:\n" + "\n".join(f"{m} {r}" for r, m in missing)


def test_every_expectation_names_all_roles():
    for key, cell in EXPECT.items():
        assert set(cell.expect) == set(ROLES), key


def call(client: APIClient, method: str, path: str, cell: Cell, scene: Scene):
    body = cell.body(scene) if cell.body else None
    if cell.multipart:
        return getattr(client, method.lower())(path, body, format="multipart")
    if body is None and method in {"GET", "DELETE"}:
        return getattr(client, method.lower())(path)
    return getattr(client, method.lower())(path, body or {}, format="json")


CELLS = [(route, method, role) for (route, method) in EXPECT for role in ROLES]


@pytest.mark.parametrize(("route", "method", "role"), CELLS, ids=[f"{m} {r} as {who}" for r, m, who in CELLS])
def test_each_role_gets_the_contract_answer(route, method, role, db):
    if (route, method) not in discovered():
        pytest.skip(f"{method} {route} is not routed on this branch yet")
    cell = EXPECT[(route, method)]
    scene = cell.scene()
    user = scene.users[role]
    client = scene.clients.get(role) or (client_for(user) if user is not None else APIClient())
    path = "/" + route
    for name, value in scene.ids.items():
        path = re.sub(rf"<\w+:{name}>", str(value), path)
    response = call(client, method, path, cell, scene)
    expected = cell.expect[role]
    assert response.status_code == expected, (
        f"{method} {path} as {role}: {response.status_code} {response.content[:300]!r}, expected {expected}")
    if response.status_code >= 400:
        assert {"code", "detail"} <= set(response.json()), "every error carries a code and a detail"
    private_to_the_asker(response)


def private_to_the_asker(response) -> None:
    """No proxy or CDN may store an API answer or serve it to someone with other credentials (P6)."""
    assert response["Cache-Control"] == "private, no-store", response.get("Cache-Control")
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",")}
    assert {"cookie", "authorization"} <= vary, response.get("Vary")
