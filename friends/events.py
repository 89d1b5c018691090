"""Builders of the friendship live events, from the same serializers as the REST API."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from accounts.models import User
from accounts.serializers import UserOut
from friends.models import FriendRequest
from friends.serializers import FriendRequestOut


def _plain(data: Any) -> Any:
    """Plain dicts, lists and strings: what the channel layer and the socket carry."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def friend_request_received(request: FriendRequest) -> dict[str, Any]:
    return {"type": "friend_request.received", "request": _plain(FriendRequestOut(request).data)}


def friend_request_updated(request: FriendRequest) -> dict[str, Any]:
    return {"type": "friend_request.updated", "request": _plain(FriendRequestOut(request).data)}


def friendship_created(*, other: User) -> dict[str, Any]:
    """To one side of a new friendship: `user` is the other person."""
    return {"type": "friendship.created", "user": _plain(UserOut(other).data)}


def friendship_removed(*, other: User) -> dict[str, Any]:
    """To one side of an ended friendship: `user` is the other person."""
    return {"type": "friendship.removed", "user": _plain(UserOut(other).data)}
