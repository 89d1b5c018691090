"""Translation API: a thin view over translation.services."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from translation import services


class MessageTranslationOut(serializers.Serializer):
    message_id = serializers.UUIDField()
    lang = serializers.CharField()
    to = serializers.CharField()
    text = serializers.CharField()


class MessageTranslationView(APIView):
    @extend_schema(operation_id="chats_messages_translation", parameters=[OpenApiParameter("to", str)],
                   responses={200: MessageTranslationOut})
    def get(self, request: Request, chat_id: UUID, message_id: UUID) -> Response:
        """The message in `to` (default: your language in this chat); the text as it is when `to`
        is its own `lang`. 400 for a `to` that is not a site language, 400 `not_translatable`
        without text, 409 `message_deleted` for a tombstone, 429 past the `translate` limit, 503
        `translation_unavailable` (with `Retry-After`) when no service is configured or it fails
        or takes too long (at most 5 s)."""
        result = services.translate_message(actor=request.user, chat_id=chat_id, message_id=message_id,
                                            to=request.query_params.get("to"))
        return Response(MessageTranslationOut(result).data)
