"""Chats and messages API: thin views over messaging.services and messaging.selectors."""

from __future__ import annotations

from uuid import UUID

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chaat.errors import Invalid
from chaat.pagination import decode_cursor, page
from messaging import selectors, services
from messaging.serializers import (
    ChatListOut,
    ChatOut,
    DirectChatIn,
    MessageOut,
    MessagePageOut,
    MessageSendIn,
    PresenceIn,
    PresenceListOut,
    PresenceOut,
    ReadIn,
    chat_data,
    message_data,
)


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _int_param(request: Request, name: str, *, low: int, high: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        bounds = f"{low}..{high}" if high is not None else f">= {low}"
        raise Invalid(fields={name: [_("An integer %(bounds)s.") % {"bounds": bounds}]})
    return value


class ChatListView(APIView):
    @extend_schema(operation_id="chats_list", parameters=[OpenApiParameter("cursor", str)],
                   responses={200: ChatListOut})
    def get(self, request: Request) -> Response:
        cursor = decode_cursor(request.query_params.get("cursor"))
        entries, after = selectors.list_chats(user=request.user, after=cursor)
        return Response(page(request, ChatOut(entries, many=True).data, after))


class DirectChatView(APIView):
    @extend_schema(operation_id="chats_direct", request=DirectChatIn, responses={200: ChatOut, 201: ChatOut})
    def post(self, request: Request) -> Response:
        other = _valid(DirectChatIn, request.data)["user"]
        chat, created = services.get_or_create_direct_chat(actor=request.user, other_id=other)
        entry = selectors.get_chat(user=request.user, chat_id=chat.id)
        return Response(chat_data(entry), status=201 if created else 200)


class ChatDetailView(APIView):
    @extend_schema(operation_id="chats_retrieve", responses={200: ChatOut})
    def get(self, request: Request, chat_id: UUID) -> Response:
        return Response(chat_data(selectors.get_chat(user=request.user, chat_id=chat_id)))


class MessageListView(APIView):
    @extend_schema(
        operation_id="chats_messages_list",
        parameters=[OpenApiParameter("before", int), OpenApiParameter("after", int),
                    OpenApiParameter("limit", int)],
        responses={200: MessagePageOut},
    )
    def get(self, request: Request, chat_id: UUID) -> Response:
        participant = selectors.access_participant(user=request.user, chat_id=chat_id)
        before = _int_param(request, "before", low=0)
        after = _int_param(request, "after", low=0)
        if before is not None and after is not None:
            raise Invalid(fields={"before": [_("Use either before or after.")]})
        limit = _int_param(request, "limit", low=1, high=100) or selectors.HISTORY_DEFAULT_LIMIT
        messages, has_more = selectors.list_messages(participant=participant, before=before, after=after, limit=limit)
        return Response({"results": MessageOut(messages, many=True).data, "has_more": has_more})

    @extend_schema(operation_id="chats_messages_send", request={"application/json": MessageSendIn,
                   "multipart/form-data": MessageSendIn}, responses={200: MessageOut, 201: MessageOut})
    def post(self, request: Request, chat_id: UUID) -> Response:
        data = _valid(MessageSendIn, request.data)
        message, created = services.send_message(actor=request.user, chat_id=chat_id, **data)
        return Response(message_data(message), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ReadView(APIView):
    @extend_schema(operation_id="chats_read", request=ReadIn, responses={204: None})
    def post(self, request: Request, chat_id: UUID) -> Response:
        seq = _valid(ReadIn, request.data)["seq"]
        services.mark_read(actor=request.user, chat_id=chat_id, seq=seq)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PresenceView(APIView):
    @extend_schema(
        operation_id="presence_list",
        description="Whether each of your friends is online (has a socket open); `user` (repeatable) "
                    "narrows the list to those friends. Ids of people who are not your friends are left out.",
        parameters=[OpenApiParameter("user", UUID, many=True)],
        responses={200: PresenceListOut},
    )
    def get(self, request: Request) -> Response:
        query = {"user": request.query_params.getlist("user")} if "user" in request.query_params else {}
        only = _valid(PresenceIn, query).get("user")
        rows = selectors.friends_presence(user=request.user, only=only)
        results = PresenceOut([{"user_id": u, "online": online} for u, online in rows], many=True).data
        return Response({"results": results, "next": None})
