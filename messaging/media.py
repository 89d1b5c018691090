"""Chat images and stickers, served only to who may see them."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest, HttpResponse

from chaat.media import private_file, request_user, unauthorized
from messaging.models import Message, Participant, Sticker

STICKER_DIR = Path(__file__).resolve().parent / "stickers"


def chat_image(request: HttpRequest, chat_id: UUID, message_id: UUID) -> HttpResponse:
    """A chat image (or its thumbnail with `?size=thumb`) for the chat's members only."""
    user = request_user(request)
    if user is None:
        return unauthorized()
    participant = Participant.objects.filter(chat_id=chat_id, user=user).first()
    message = Message.objects.filter(pk=message_id, chat_id=chat_id, deleted_at__isnull=True).exclude(image="").first()
    if participant is None or message is None or message.seq < participant.visible_from_seq:
        raise Http404
    wanted = message.thumbnail if request.GET.get("size") == "thumb" and message.thumbnail else message.image
    return private_file(wanted)


def sticker_image(request: HttpRequest, sticker_id: str) -> HttpResponse:
    if request_user(request) is None:
        return unauthorized()
    if not Sticker.objects.filter(pk=sticker_id).exists():
        raise Http404
    response = FileResponse((STICKER_DIR / f"{sticker_id}.png").open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=86400"
    return response
