from __future__ import annotations

from django.urls import path

from accounts import api

urlpatterns = [
    path("auth/register", api.RegisterView.as_view(), name="api-register"),
    path("auth/login", api.LoginView.as_view(), name="api-login"),
    path("auth/logout", api.LogoutView.as_view(), name="api-logout"),
    path("auth/password-reset", api.PasswordResetView.as_view(), name="api-password-reset"),
    path("auth/password-reset/confirm", api.PasswordResetConfirmView.as_view(),
         name="api-password-reset-confirm"),
    path("me", api.MeView.as_view(), name="api-me"),
    path("me/export", api.MeExportView.as_view(), name="api-me-export"),
    path("me/avatar", api.MeAvatarView.as_view(), name="api-me-avatar"),
    path("me/password", api.MePasswordView.as_view(), name="api-me-password"),
    path("users", api.UserListView.as_view(), name="api-users"),
    path("users/<uuid:user_id>", api.UserDetailView.as_view(), name="api-user"),
]
