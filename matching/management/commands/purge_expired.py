"""`python manage.py purge_expired`: delete matches older than 90 days with their chats and
messages. Run it daily (cron or a systemd timer); it works in small batches while the app serves."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from matching.services import purge_expired


class Command(BaseCommand):
    help = "Delete matches older than 90 days with their chats, messages and images."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="matches per transaction")

    def handle(self, *args: object, batch_size: int, **options: object) -> None:
        matches, messages = purge_expired(batch_size=batch_size)
        self.stdout.write(f"purged {matches} expired match(es) and {messages} message(s)")
