"""factory_boy factories, and the set-up helpers for chats, messages and friend requests. Users get
the password `PASSWORD` (hashed with test Argon2id costs). Chats, messages and requests are made
through the real services, so that seqs, system messages, read markers and limits are as in the
product."""

from __future__ import annotations

import uuid
from typing import Any

import factory

from accounts.models import User
from friends.models import Friendship
from friends.selectors import ordered_pair
from friends.services import send_friend_request
from messaging.services.chats import create_group, get_or_create_direct_chat
from messaging.services.sending import send_message

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda u: u.username.title())
    password = factory.django.Password(PASSWORD)


def befriend(a: User, b: User):
    """Make `a` and `b` friends directly (test set-up only; the product uses friends.services)."""
    low, high = ordered_pair(a.id, b.id)
    return Friendship.objects.get_or_create(user_low_id=low, user_high_id=high)[0]


def direct_chat(a: User, b: User):
    """The direct chat of `a` and `b`, made friends first (created by `a`, or the one they have)."""
    befriend(a, b)
    return get_or_create_direct_chat(actor=a, other_id=b.id)[0]


def group_chat(owner: User, *members: User, name: str = "Trio"):
    """A group owned by `owner` with `members`, each made the owner's friend first. Seq 1 is the
    creation's system message."""
    for member in members:
        befriend(owner, member)
    return create_group(actor=owner, name=name, member_ids=[member.id for member in members])


def say(sender: User, chat: Any, text: str = "hi", **extra: Any):
    """The text message `sender` sends to `chat` (a Chat or its id), through the send service."""
    chat_id = getattr(chat, "id", chat)
    return send_message(actor=sender, chat_id=chat_id, client_id=uuid.uuid4(), kind="text", text=text, **extra)[0]


def friend_request(from_user: User, to_user: User, greeting: str = ""):
    """A pending friend request from `from_user` to `to_user`, through the service."""
    return send_friend_request(actor=from_user, to_user_id=to_user.id, greeting=greeting)
