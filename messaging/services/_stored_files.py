"""The files a message names (image, thumbnail, attachment): stored outside the database, so they
are erased only after the rows that named them are gone."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from messaging.models import Message


def message_files_of(message: Message) -> list[tuple[Any, str]]:
    return [(field.storage, field.name) for field in (message.image, message.thumbnail, message.file)
            if field.name]


def erase_files_on_commit(files: list[tuple[Any, str]]) -> None:
    """Files are not transactional: erase them only once the rows that named them are gone."""
    if files:
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
