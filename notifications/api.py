"""Web Push API: the server's key and the subscriptions of the token or session asking."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import token_digest
from chaat.api import validated
from notifications import selectors, services, vapid
from notifications.selectors import Credential
from notifications.serializers import (
    PushKeyOut,
    PushSubscriptionIn,
    PushSubscriptionListOut,
    PushSubscriptionOut,
)


def credential_of(request: Request) -> Credential:
    if isinstance(request.auth, str):
        return Credential(token_digest=token_digest(request.auth))
    return Credential(session_key=request._request.session.session_key)


class PushKeyView(APIView):
    @extend_schema(operation_id="push_key", responses={200: PushKeyOut})
    def get(self, request: Request) -> Response:
        return Response({"public_key": vapid.public_key()})


class PushSubscriptionListView(APIView):
    @extend_schema(operation_id="push_subscriptions_list", responses={200: PushSubscriptionListOut})
    def get(self, request: Request) -> Response:
        subscriptions = selectors.list_subscriptions(credential=credential_of(request))
        return Response({"results": PushSubscriptionOut(subscriptions, many=True).data, "next": None})

    @extend_schema(request=PushSubscriptionIn, responses={200: PushSubscriptionOut, 201: PushSubscriptionOut})
    def post(self, request: Request) -> Response:
        data = validated(PushSubscriptionIn, request.data)
        vapid.server_key()  # 503 push_unavailable before storing what cannot be used
        subscription, created = services.subscribe(
            user=request.user, credential=credential_of(request), endpoint=data["endpoint"],
            p256dh=data["keys"]["p256dh"], auth=data["keys"]["auth"],
        )
        return Response(PushSubscriptionOut(subscription).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class PushSubscriptionDetailView(APIView):
    @extend_schema(operation_id="push_subscriptions_delete", responses={204: None})
    def delete(self, request: Request, subscription_id: UUID) -> Response:
        services.unsubscribe(credential=credential_of(request), subscription_id=subscription_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
