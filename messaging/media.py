"""Chat images and stickers, served only to who may see them."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from chaat.errors import NotFound
from chaat.media import private_file, request_user, stored_file_response, unauthorized
from messaging import selectors
from messaging.files import served_content_type
from messaging.models import Message, Sticker

STICKER_DIR = Path(__file__).resolve().parent / "stickers"


def _visible_message(user: Any, chat_id: UUID, message_id: UUID, *, with_file: str) -> Message:
    """A message of the chat that this member may see, not deleted, whose `with_file` field holds
    a file, or Http404: a chat you are not in, or a message from before you joined or returned,
    does not exist for you."""
    try:
        participant = selectors.access_participant(user=user, chat_id=chat_id)
        message = selectors.access_message(participant=participant, message_id=message_id)
    except NotFound as exc:
        raise Http404 from exc
    if message.deleted or not getattr(message, with_file).name:
        raise Http404
    return message


def chat_image(request: HttpRequest, chat_id: UUID, message_id: UUID) -> HttpResponse:
    """A chat image (or its thumbnail with `?size=thumb`) for the chat's members only."""
    user = request_user(request)
    if user is None:
        return unauthorized()
    message = _visible_message(user, chat_id, message_id, with_file="image")
    wanted = message.thumbnail if request.GET.get("size") == "thumb" and message.thumbnail else message.image
    return private_file(wanted)


def chat_file(request: HttpRequest, chat_id: UUID, message_id: UUID) -> HttpResponse:
    """A file or voice message's file for the chat's members only: files always as attachments
    under their cleaned name (RFC 6266), voice inline; the stored type only when it is a safe one
    (messaging.files.SAFE_CONTENT_TYPES), `nosniff`, and byte ranges so players can seek."""
    user = request_user(request)
    if user is None:
        return unauthorized()
    message = _visible_message(user, chat_id, message_id, with_file="file")
    inline = message.kind == Message.Kind.VOICE
    return stored_file_response(
        request, message.file, size=message.file_size or message.file.size,
        content_type=served_content_type(message.file_content_type),
        disposition=content_disposition_header(not inline, message.file_name),
    )


def sticker_image(request: HttpRequest, sticker_id: str) -> HttpResponse:
    if request_user(request) is None:
        return unauthorized()
    if not Sticker.objects.filter(pk=sticker_id).exists():
        raise Http404
    response = FileResponse((STICKER_DIR / f"{sticker_id}.png").open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=86400"
    return response
