"""Live events of friendships: one declared shape and one builder per event type, the objects built
with the same serializers as the REST API."""

from __future__ import annotations

import json
from typing import Any, Literal, TypedDict

from django.core.serializers.json import DjangoJSONEncoder

from accounts.models import User
from accounts.serializers import UserData, UserOut
from friends.models import FriendRequest
from friends.serializers import FriendRequestData, FriendRequestOut


class FriendRequestReceived(TypedDict):
    type: Literal["friend_request.received"]
    request: FriendRequestData


class FriendRequestUpdated(TypedDict):
    type: Literal["friend_request.updated"]
    request: FriendRequestData


class FriendshipCreated(TypedDict):
    type: Literal["friendship.created"]
    user: UserData


class FriendshipRemoved(TypedDict):
    type: Literal["friendship.removed"]
    user: UserData


def _plain(data: Any) -> Any:
    """Plain dicts, lists and strings: what the channel layer and the socket carry."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def friend_request_received(request: FriendRequest) -> FriendRequestReceived:
    """A new request, to both its sender and its recipient."""
    return {"type": "friend_request.received", "request": _plain(FriendRequestOut(request).data)}


def friend_request_updated(request: FriendRequest) -> FriendRequestUpdated:
    """A request accepted, rejected or withdrawn, to both sides."""
    return {"type": "friend_request.updated", "request": _plain(FriendRequestOut(request).data)}


def friendship_created(*, other: User) -> FriendshipCreated:
    """To one side of a new friendship: `user` is the other person."""
    return {"type": "friendship.created", "user": _plain(UserOut(other).data)}


def friendship_removed(*, other: User) -> FriendshipRemoved:
    """To one side of an ended friendship: `user` is the other person."""
    return {"type": "friendship.removed", "user": _plain(UserOut(other).data)}
