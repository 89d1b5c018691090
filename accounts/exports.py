"""`Export my data` (GET /api/v1/me/export): the reads and the shape of the file.

Its own module because it spans the apps: it reuses messaging's MessageOut, and
messaging.serializers imports accounts.serializers, so accounts.serializers cannot import it back.
Everything is read in a fixed number of queries, however many friends, chats and messages.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from rest_framework import serializers

from accounts.models import User
from accounts.serializers import MeOut, UserOut
from friends.models import Block, FriendRequest, Friendship
from messaging.models import Message, Participant
from messaging.selectors import attach_reactions
from messaging.serializers import MessageOut


class ExportFriendOut(serializers.Serializer):
    user = UserOut()
    since = serializers.DateTimeField()


class ExportFriendRequestOut(serializers.Serializer):
    id = serializers.UUIDField()
    from_user = UserOut()
    to_user = UserOut()
    greeting = serializers.CharField()
    status = serializers.CharField()
    sent_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)


class ExportBlockOut(serializers.Serializer):
    user = UserOut(source="blocked")
    blocked_at = serializers.DateTimeField(source="created_at")


class ExportChatOut(serializers.Serializer):
    id = serializers.UUIDField(source="chat.id")
    kind = serializers.CharField(source="chat.kind")
    name = serializers.CharField(source="chat.name")
    created_at = serializers.DateTimeField(source="chat.created_at")
    my_role = serializers.CharField(source="role")
    joined_at = serializers.DateTimeField()
    members = UserOut(many=True)


class ExportOut(serializers.Serializer):
    exported_at = serializers.DateTimeField()
    profile = MeOut()
    friends = ExportFriendOut(many=True)
    friend_requests = ExportFriendRequestOut(many=True)
    blocks = ExportBlockOut(many=True)
    chats = ExportChatOut(many=True)
    messages = MessageOut(many=True)


def export_data(*, user: User) -> dict[str, Any]:
    """Everything Chaat holds about `user` that they may see, in 8 queries: their profile,
    friends, requests both ways, blocks, chats with members, and the messages of their chats
    from where their history starts (deleted ones as tombstones, without content)."""
    friendships = Friendship.objects.filter(Q(user_low=user) | Q(user_high=user)).select_related(
        "user_low", "user_high").order_by("since")
    friends = [{"user": f.user_high if f.user_low_id == user.id else f.user_low, "since": f.since}
               for f in friendships]
    requests = FriendRequest.objects.filter(Q(from_user=user) | Q(to_user=user)).select_related(
        "from_user", "to_user").order_by("sent_at")
    blocks = Block.objects.filter(blocker=user).select_related("blocked").order_by("created_at")
    participations = list(Participant.objects.filter(user=user).select_related("chat").order_by("joined_at"))
    members: dict[Any, list[User]] = {p.chat_id: [] for p in participations}
    for member in Participant.objects.filter(chat_id__in=members).select_related("user").order_by("joined_at"):
        members[member.chat_id].append(member.user)
    for participation in participations:
        participation.members = members[participation.chat_id]
    messages = Message.objects.visible_to_member(user).select_related("sender", "sticker").order_by("chat_id", "seq")
    messages = attach_reactions(list(messages))
    return ExportOut({
        "exported_at": timezone.now(),
        "profile": user,
        "friends": friends,
        "friend_requests": requests,
        "blocks": blocks,
        "chats": participations,
        "messages": messages,
    }, context={"viewer_id": user.id}).data
