"""Every change to chats and messages."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from messaging.models import Chat, Message, Participant


def _delete_chat_files(chat_ids: list) -> None:
    """Erase the image files of these chats once their rows are gone for good."""
    images = Message.objects.filter(chat_id__in=chat_ids).exclude(image="")
    files = [(m.image.storage, name) for m in images for name in (m.image.name, m.thumbnail.name) if name]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


@transaction.atomic
def leave_all_chats(*, user: User) -> None:
    """Take `user` out of every chat; a chat left with no participant is deleted with its messages
    and files (the last-participant rule)."""
    chat_ids = list(Participant.objects.filter(user=user).values_list("chat_id", flat=True))
    if not chat_ids:
        return
    list(Chat.objects.select_for_update().filter(id__in=chat_ids).order_by("id").values_list("id"))
    Participant.objects.filter(user=user).delete()
    empty = list(Chat.objects.filter(id__in=chat_ids, participants__isnull=True).values_list("id", flat=True))
    if empty:
        _delete_chat_files(empty)
        Chat.objects.filter(id__in=empty).delete()
