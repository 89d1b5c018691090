from __future__ import annotations

from django.urls import path

from accounts import views

urlpatterns = [
    path("signup", views.signup, name="signup"),
    path("login", views.login_view, name="login"),
    path("logout", views.logout_view, name="logout"),
    path("profile", views.profile, name="profile"),
    path("email/confirm/<str:token>", views.confirm_email, name="email-confirm"),
    path("password-reset", views.password_reset, name="password-reset"),
    path("reset/<str:uid>/<str:token>", views.password_reset_confirm, name="password-reset-confirm"),
    path("language", views.set_language, name="set-language"),
    path("theme", views.set_theme, name="set-theme"),
    path("media/avatars/<str:name>", views.avatar, name="avatar"),
]
