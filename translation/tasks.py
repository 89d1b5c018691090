"""Background jobs of translation (run by `python manage.py worker`)."""

from __future__ import annotations

from uuid import UUID

from chaat.tasks import background
from translation.translator import deliver_auto_translations


@background(max_attempts=5)
def translate_for_readers(*, message_id: str) -> None:
    """Translate a new or edited message for its auto_translate readers; retried (with backoff)
    while the service fails."""
    deliver_auto_translations(message_id=UUID(message_id))
