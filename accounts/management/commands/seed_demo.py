"""`python manage.py seed_demo`: the design notes' people, their friendships, chats and messages.

Idempotent: every step looks for what it would make first, and messages carry fixed client ids, so
running it again changes nothing. Everything goes through the services, like a real user's actions."""

from __future__ import annotations

import uuid

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from friends import services as friends
from friends.selectors import are_friends
from messaging.models import Chat
from messaging.services.chats import create_group, get_or_create_direct_chat
from messaging.services.sending import send_message

DEMO_PASSWORD = "chaat-demo-2026"  # noqa: S105 - printed for the demo logins on purpose
PEOPLE = [
    ("shahn", "Shahn", "en"),
    ("shivam", "Shivam", "en"),
    ("udit", "Udit", "en"),
    ("kai", "Kai", "de"),
    ("jorden", "Jorden", "en"),
    ("wendy", "Wendy", "es"),
]
# The SQL notes' friend table (shahn-shivam began with the request "hi"), and the DynamoDB notes'
# sessions between kai and jorden, and kai and wendy.
FRIENDS = [("shahn", "udit"), ("shivam", "udit"), ("kai", "jorden"), ("kai", "wendy")]
DIRECT_MESSAGES = [
    ("shivam", "shahn", ["shivam:helloo"]),
    ("udit", "shahn", []),
    ("kai", "jorden", ["kai:hi", "jorden:hey man"]),
    ("kai", "wendy", ["wendy:hello"]),
]
# The SQL notes' group chat "group-1" of shahn, shivam and udit.
GROUP = ("group-1", "shahn", ["shivam", "udit"],
         ["shahn:Welcome to group-1!", "udit:hey all", "shivam:helloo everyone"])


def _client_id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, "chaat-demo:" + ":".join(parts))


class Command(BaseCommand):
    help = "Load the demo people, friendships, chats and messages (idempotent)."

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        users = {username: self._user(username, name, language) for username, name, language in PEOPLE}
        shahn, shivam = users["shahn"], users["shivam"]
        if not are_friends(shahn.id, shivam.id):
            request = friends.send_friend_request(actor=shahn, to_user_id=shivam.id, greeting="hi")
            friends.accept_friend_request(actor=shivam, request_id=request.id)
        for a, b in FRIENDS:
            friends.befriend_pair(a=users[a], b=users[b])
        for a, b, lines in DIRECT_MESSAGES:
            chat, _created = get_or_create_direct_chat(actor=users[a], other_id=users[b].id)
            self._say(chat.id, users, lines, f"{a}-{b}")
        self._group(users)
        self.stdout.write(f"Demo logins (password for each: {DEMO_PASSWORD}):")
        for username, display_name, _language in PEOPLE:
            self.stdout.write(f"  {username:8} {display_name}")

    def _user(self, username: str, display_name: str, language: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username, DEMO_PASSWORD, display_name=display_name, language=language)
        return user

    def _say(self, chat_id: uuid.UUID, users: dict[str, User], lines: list[str], key: str) -> None:
        for number, line in enumerate(lines):
            who, text = line.split(":", 1)
            send_message(actor=users[who], chat_id=chat_id, kind="text", text=text,
                         client_id=_client_id(key, str(number)))

    def _group(self, users: dict[str, User]) -> None:
        name, owner, members, lines = GROUP
        chat = Chat.objects.filter(kind=Chat.Kind.GROUP, name=name, created_by=users[owner]).first()
        if chat is None:
            chat = create_group(actor=users[owner], name=name,
                                member_ids=[users[m].id for m in members])
        self._say(chat.id, users, lines, name)
