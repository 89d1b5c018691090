"""Friends API input and output; the live events reuse the same output serializers."""

from __future__ import annotations

from typing import Annotated, TypedDict

from rest_framework import serializers

from accounts.serializers import UserData, UserOut
from chaat.api import Timestamp, UUIDStr
from friends.models import GREETING_MAX_LENGTH, FriendRequest


class FriendRequestData(TypedDict):
    """FriendRequestOut's output, as the friend-request events carry it."""

    id: UUIDStr
    from_user: UserData
    to_user: UserData
    greeting: str
    status: Annotated[str, FriendRequest.Status]
    sent_at: Timestamp
    responded_at: Timestamp | None


class FriendRequestOut(serializers.Serializer):
    id = serializers.UUIDField()
    from_user = UserOut()
    to_user = UserOut()
    greeting = serializers.CharField()
    status = serializers.ChoiceField(choices=FriendRequest.Status.choices)
    sent_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)


class FriendRequestIn(serializers.Serializer):
    to = serializers.UUIDField()
    greeting = serializers.CharField(max_length=GREETING_MAX_LENGTH, required=False, allow_blank=True,
                                     default="")


class FriendRequestFilterIn(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["incoming", "outgoing"], required=False)
    status = serializers.ChoiceField(choices=FriendRequest.Status.values, required=False)


class FriendOut(serializers.Serializer):
    """A friend: built from a user of `selectors.list_friends` (annotated `friends_since`)."""

    user = UserOut(source="*")
    since = serializers.DateTimeField(source="friends_since")


class BlockIn(serializers.Serializer):
    user = serializers.UUIDField()


class BlockOut(serializers.Serializer):
    user = UserOut(source="blocked")
    blocked_at = serializers.DateTimeField(source="created_at")


class FriendListOut(serializers.Serializer):
    results = FriendOut(many=True)
    next = serializers.CharField(allow_null=True)


class FriendRequestListOut(serializers.Serializer):
    results = FriendRequestOut(many=True)
    next = serializers.CharField(allow_null=True)


class BlockListOut(serializers.Serializer):
    results = BlockOut(many=True)
    next = serializers.CharField(allow_null=True)
