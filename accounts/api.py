"""Accounts API: thin views that parse, call one service or selector, and render."""

from __future__ import annotations

from uuid import UUID

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.exports import ExportOut, export_data
from accounts.serializers import (
    AvatarIn,
    DeleteMeIn,
    LoginIn,
    MeIn,
    MeOut,
    PasswordIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    RegisterIn,
    TokenOut,
    UserListOut,
    UserOut,
    UserSearchIn,
)
from chaat import ratelimit
from chaat.api import validated
from chaat.ratelimit import client_ip
from chaat.site import site_url


class RegisterView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes: list = []  # the `register` limit counts instead

    @extend_schema(request=RegisterIn, responses={201: TokenOut}, auth=[])
    def post(self, request: Request) -> Response:
        data = validated(RegisterIn, request.data)
        user = services.register(**data, client_ip=client_ip(request))
        token = services.issue_token(user=user)
        return Response(TokenOut({"token": token, "user": user}).data, status=201)


class LoginView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes: list = []  # the `login` limit counts failures instead

    @extend_schema(request=LoginIn, responses={200: TokenOut}, auth=[])
    def post(self, request: Request) -> Response:
        data = validated(LoginIn, request.data)
        user, token = services.login_with_token(**data, client_ip=client_ip(request))
        return Response(TokenOut({"token": token, "user": user}).data)


class LogoutView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, str):
            services.revoke_token(key=request.auth)
        else:  # signed in through the site's session
            services.end_session(request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes: list = []  # the `password_reset` limit counts instead

    @extend_schema(request=PasswordResetIn, responses={202: None}, auth=[],
                   description="Mails a reset link to the account's confirmed address. Always 202.")
    def post(self, request: Request) -> Response:
        data = validated(PasswordResetIn, request.data)
        services.request_password_reset(**data, client_ip=client_ip(request), site_url=site_url(request))
        return Response(status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=PasswordResetConfirmIn, responses={204: None}, auth=[],
                   description="Sets the new password and revokes every token and session of the user.")
    def post(self, request: Request) -> Response:
        data = validated(PasswordResetConfirmIn, request.data)
        services.reset_password(**data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses={200: MeOut})
    def get(self, request: Request) -> Response:
        return Response(MeOut(request.user).data)

    @extend_schema(request=MeIn, responses={200: MeOut})
    def patch(self, request: Request) -> Response:
        data = validated(MeIn, request.data)
        email = data.pop("email", None)
        user = services.update_profile(user=request.user, **data)
        if email is not None:
            user = services.set_email(user=user, email=email, site_url=site_url(request))
        return Response(MeOut(user).data)

    @extend_schema(request=DeleteMeIn, responses={204: None})
    def delete(self, request: Request) -> Response:
        data = validated(DeleteMeIn, request.data)
        services.delete_account(user=request.user, password=data["password"], client_ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeExportView(APIView):
    @extend_schema(operation_id="me_export", responses={200: ExportOut})
    def get(self, request: Request) -> Response:
        ratelimit.limit_export(user_id=request.user.id)
        response = Response(export_data(user=request.user))
        name = f"chaat-export-{request.user.username}-{timezone.now():%Y%m%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response


class MeAvatarView(APIView):
    @extend_schema(request={"multipart/form-data": AvatarIn}, responses={200: MeOut})
    def post(self, request: Request) -> Response:
        data = validated(AvatarIn, request.data)
        user = services.set_avatar(user=request.user, upload=data["avatar"])
        return Response(MeOut(user).data)


class MePasswordView(APIView):
    @extend_schema(request=PasswordIn, responses={204: None})
    def post(self, request: Request) -> Response:
        data = validated(PasswordIn, request.data)
        services.change_password(
            user=request.user,
            keep_token=request.auth if isinstance(request.auth, str) else None,
            client_ip=client_ip(request),
            **data,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserListView(APIView):
    @extend_schema(operation_id="users_search", parameters=[OpenApiParameter("search", str)],
                   responses={200: UserListOut})
    def get(self, request: Request) -> Response:
        data = validated(UserSearchIn, request.query_params)
        users = selectors.search_users(viewer=request.user, text=data["search"])
        return Response({"results": UserOut(users, many=True).data, "next": None})


class UserDetailView(APIView):
    @extend_schema(responses={200: UserOut})
    def get(self, request: Request, user_id: UUID) -> Response:
        return Response(UserOut(selectors.access_user(viewer=request.user, user_id=user_id)).data)
