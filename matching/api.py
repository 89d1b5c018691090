"""Matchmaking API: thin views over matching.services and matching.selectors."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chaat.api import validated
from chaat.pagination import CURSOR_PARAMETER, page
from matching import selectors, services
from matching.serializers import (
    MatchHistoryOut,
    MatchOut,
    MatchReportIn,
    MatchStateOut,
    WaitingOut,
    match_data,
)


def match_state(user) -> dict:
    """`{"points_left","waiting","active_match"}` after ending the user's matches that are due."""
    services.end_due_matches(user=user)
    active = selectors.active_match(user_id=user.id)
    return {
        "points_left": selectors.points_left(user_id=user.id),
        "waiting": selectors.is_waiting(user_id=user.id),
        "active_match": match_data(active, user.id) if active else None,
    }


class MatchStateView(APIView):
    @extend_schema(operation_id="match_state", responses={200: MatchStateOut})
    def get(self, request: Request) -> Response:
        return Response(match_state(request.user))


class MatchQueueView(APIView):
    @extend_schema(operation_id="match_queue_join", request=None,
                   responses={201: MatchOut, 202: WaitingOut})
    def post(self, request: Request) -> Response:
        match = services.join_queue(actor=request.user)
        if match is None:
            return Response({"waiting": True}, status=status.HTTP_202_ACCEPTED)
        return Response(match_data(match, request.user.id), status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="match_queue_leave", responses={204: None})
    def delete(self, request: Request) -> Response:
        services.leave_queue(actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MatchEndView(APIView):
    @extend_schema(operation_id="match_end", request=None, responses={200: MatchOut})
    def post(self, request: Request, match_id: UUID) -> Response:
        match = services.end_match(actor=request.user, match_id=match_id)
        return Response(match_data(match, request.user.id))


class MatchReportView(APIView):
    @extend_schema(operation_id="match_report", request=MatchReportIn, responses={200: MatchOut})
    def post(self, request: Request, match_id: UUID) -> Response:
        data = validated(MatchReportIn, request.data)
        match = services.report_match(actor=request.user, match_id=match_id, **data)
        return Response(match_data(match, request.user.id))


class MatchHistoryView(APIView):
    @extend_schema(operation_id="match_history", parameters=[CURSOR_PARAMETER], responses={200: MatchHistoryOut})
    def get(self, request: Request) -> Response:
        matches, after = selectors.list_history(user=request.user, cursor=request.query_params.get("cursor"))
        return Response(page(request, [match_data(m, request.user.id) for m in matches], after))
