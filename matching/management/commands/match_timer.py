"""`python manage.py match_timer`: end matches at their deadline, every second, until stopped.

Matches past their deadline are also ended lazily whenever a partner's state is read, so this
loop only makes `match.ended` arrive on time. Several copies may run: they skip each other's rows."""

from __future__ import annotations

import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from matching.services import end_due_matches

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "End matches at their deadline every second (stop with SIGTERM or Ctrl-C)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between runs")

    def handle(self, *args: object, interval: float, **options: object) -> None:
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write("match_timer: ending matches at their deadline")
        while not stop.is_set():
            close_old_connections()
            try:
                ended = end_due_matches()
            except DatabaseError:  # e.g. the database restarting: try again on the next tick
                logger.warning("match_timer could not end due matches", exc_info=True)
            else:
                if ended:
                    self.stdout.write(f"ended {ended} match(es) at their deadline")
            stop.wait(interval)
        self.stdout.write("match_timer: stopped")
