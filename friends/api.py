"""Friends API: thin views that parse, call one service or selector, and render."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chaat.api import validated
from chaat.pagination import CURSOR_PARAMETER, Keyset, page
from friends import selectors, services
from friends.serializers import (
    BlockIn,
    BlockListOut,
    BlockOut,
    FriendListOut,
    FriendOut,
    FriendRequestFilterIn,
    FriendRequestIn,
    FriendRequestListOut,
    FriendRequestOut,
)


def _page(request: Request, keyset: Keyset, queryset: Any, out: Any) -> Response:
    items, after = keyset.page(queryset, cursor=request.query_params.get("cursor"))
    return Response(page(request, out(items, many=True).data, after))


class FriendListView(APIView):
    @extend_schema(operation_id="friends_list", parameters=[CURSOR_PARAMETER],
                   responses={200: FriendListOut})
    def get(self, request: Request) -> Response:
        return _page(request, selectors.FRIEND_PAGES, selectors.list_friends(request.user), FriendOut)


class FriendDetailView(APIView):
    @extend_schema(operation_id="friends_remove", request=None, responses={204: None})
    def delete(self, request: Request, user_id: UUID) -> Response:
        services.unfriend(actor=request.user, user_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FriendRequestListView(APIView):
    @extend_schema(
        operation_id="friend_requests_list",
        parameters=[FriendRequestFilterIn, CURSOR_PARAMETER],
        responses={200: FriendRequestListOut},
    )
    def get(self, request: Request) -> Response:
        filters = validated(FriendRequestFilterIn, request.query_params)
        requests = selectors.list_friend_requests(user=request.user, **filters)
        return _page(request, selectors.FRIEND_REQUEST_PAGES, requests, FriendRequestOut)

    @extend_schema(operation_id="friend_requests_send", request=FriendRequestIn,
                   responses={201: FriendRequestOut})
    def post(self, request: Request) -> Response:
        data = validated(FriendRequestIn, request.data)
        sent = services.send_friend_request(actor=request.user, to_user_id=data["to"],
                                            greeting=data["greeting"])
        return Response(FriendRequestOut(sent).data, status=status.HTTP_201_CREATED)


class FriendRequestAcceptView(APIView):
    @extend_schema(operation_id="friend_requests_accept", request=None,
                   responses={200: FriendRequestOut})
    def post(self, request: Request, request_id: UUID) -> Response:
        accepted = services.accept_friend_request(actor=request.user, request_id=request_id)
        return Response(FriendRequestOut(accepted).data)


class FriendRequestRejectView(APIView):
    @extend_schema(operation_id="friend_requests_reject", request=None,
                   responses={200: FriendRequestOut})
    def post(self, request: Request, request_id: UUID) -> Response:
        rejected = services.reject_friend_request(actor=request.user, request_id=request_id)
        return Response(FriendRequestOut(rejected).data)


class FriendRequestWithdrawView(APIView):
    @extend_schema(operation_id="friend_requests_withdraw", request=None,
                   responses={200: FriendRequestOut})
    def post(self, request: Request, request_id: UUID) -> Response:
        withdrawn = services.withdraw_friend_request(actor=request.user, request_id=request_id)
        return Response(FriendRequestOut(withdrawn).data)


class BlockListView(APIView):
    @extend_schema(operation_id="blocks_list", parameters=[CURSOR_PARAMETER],
                   responses={200: BlockListOut})
    def get(self, request: Request) -> Response:
        return _page(request, selectors.BLOCK_PAGES, selectors.list_blocks(user=request.user), BlockOut)

    @extend_schema(operation_id="blocks_create", request=BlockIn,
                   responses={201: BlockOut, 200: BlockOut})
    def post(self, request: Request) -> Response:
        data = validated(BlockIn, request.data)
        block, created = services.block_user(actor=request.user, user_id=data["user"])
        return Response(BlockOut(block).data, status=201 if created else 200)


class BlockDetailView(APIView):
    @extend_schema(operation_id="blocks_remove", request=None, responses={204: None})
    def delete(self, request: Request, user_id: UUID) -> Response:
        services.unblock_user(actor=request.user, user_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
