"""The site's account pages: sign up, log in and out, profile, language."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import (
    AvatarForm,
    DeleteAccountForm,
    EmailForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    ProfileForm,
    SignUpForm,
)
from accounts.models import User
from chaat.errors import ChaatError
from chaat.media import private_file, request_user, unauthorized
from chaat.ratelimit import client_ip
from chaat.site import add_error, site_url


def _safe_next(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _login(request: HttpRequest, user: User) -> None:
    # login() rotates the session key, so a planted session id is useless afterwards.
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    translation.activate(user.language)


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.register(
                **form.cleaned_data,
                language=translation.get_language() or "en",
                client_ip=client_ip(request),
            )
        except ChaatError as exc:
            add_error(form, exc)
        else:
            _login(request, user)
            messages.success(request, _("Welcome to Chaat, %(name)s!") % {"name": user.name})
            return redirect("home")
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.check_credentials(**form.cleaned_data, client_ip=client_ip(request),
                                              request=request)
        except ChaatError as exc:
            add_error(form, exc)
        else:
            _login(request, user)
            return redirect(_safe_next(request))
    context = {"form": form, "next": request.GET.get("next", "")}
    return render(request, "accounts/login.html", context, status=400 if form.errors else 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    services.end_session(request=request)
    return redirect("login")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    profile_form = ProfileForm(initial={"display_name": user.display_name, "language": user.language})
    avatar_form = AvatarForm()
    password_form = PasswordChangeForm()
    delete_form = DeleteAccountForm()
    email_form = EmailForm(initial={"email": user.email})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "profile":
                profile_form = ProfileForm(request.POST)
                if profile_form.is_valid():
                    services.update_profile(user=user, **profile_form.cleaned_data)
                    translation.activate(user.language)
                    messages.success(request, _("Profile saved."))
                    return redirect("profile")
            elif action == "avatar":
                avatar_form = AvatarForm(request.POST, request.FILES)
                if avatar_form.is_valid():
                    services.set_avatar(user=user, upload=avatar_form.cleaned_data["avatar"])
                    messages.success(request, _("Picture updated."))
                    return redirect("profile")
            elif action == "password":
                password_form = PasswordChangeForm(request.POST)
                if password_form.is_valid():
                    services.change_password(user=user, **password_form.cleaned_data,
                                            client_ip=client_ip(request))
                    update_session_auth_hash(request, user)
                    messages.success(request, _("Password changed."))
                    return redirect("profile")
            elif action == "email":
                email_form = EmailForm(request.POST)
                if email_form.is_valid():
                    services.set_email(user=user, email=email_form.cleaned_data["email"],
                                       site_url=site_url(request))
                    messages.success(request, _("Check your inbox for the confirmation link.")
                                     if user.email else _("Email address removed."))
                    return redirect("profile")
            elif action == "delete":
                delete_form = DeleteAccountForm(request.POST)
                if delete_form.is_valid():
                    services.delete_account(user=user, **delete_form.cleaned_data, client_ip=client_ip(request))
                    logout(request)
                    messages.success(request, _("Your account has been deleted."))
                    return redirect("login")
        except ChaatError as exc:
            form = {"profile": profile_form, "avatar": avatar_form, "password": password_form,
                    "delete": delete_form, "email": email_form}[action]
            add_error(form, exc)
        status = 400
    context = {"profile_form": profile_form, "avatar_form": avatar_form,
               "password_form": password_form, "delete_form": delete_form, "email_form": email_form}
    return render(request, "accounts/profile.html", context, status=status)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language menu: remembered in a cookie, and on the profile when signed in."""
    language = request.POST.get("language", "")
    response = redirect(_safe_next(request))
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            services.update_profile(user=request.user, language=language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax",
                            secure=settings.SESSION_COOKIE_SECURE)
    return response


THEMES = ("light", "dark")
THEME_COOKIE_AGE = 365 * 24 * 3600


@require_POST
def set_theme(request: HttpRequest) -> HttpResponse:
    """The theme menu without JavaScript: light or dark kept in a cookie; "system" forgets it."""
    theme = request.POST.get("theme", "")
    response = redirect(_safe_next(request))
    if theme in THEMES:
        response.set_cookie("theme", theme, max_age=THEME_COOKIE_AGE, samesite="Lax",
                            secure=settings.SESSION_COOKIE_SECURE)
    else:
        response.delete_cookie("theme", samesite="Lax")
    return response


def avatar(request: HttpRequest, name: str) -> HttpResponse:
    """Avatars are shown to signed-in users only (session or token)."""
    if request_user(request) is None:
        return unauthorized()
    user = selectors.get_avatar_owner(name=name)
    if user is None:
        raise Http404
    return private_file(user.avatar)


def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation mail: no login needed."""
    try:
        services.confirm_email(token=token)
    except ChaatError as exc:
        return render(request, "accounts/email_confirmed.html", {"error": exc.detail}, status=400)
    return render(request, "accounts/email_confirmed.html", {})


def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link; the answer is the same whether or not the account exists."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_password_reset(**form.cleaned_data, client_ip=client_ip(request),
                                            site_url=site_url(request))
        except ChaatError as exc:
            add_error(form, exc)
        else:
            return render(request, "accounts/password_reset.html", {"sent": True})
    return render(request, "accounts/password_reset.html", {"form": form}, status=400 if form.errors else 200)


def password_reset_confirm(request: HttpRequest, uid: str, token: str) -> HttpResponse:
    """The link in the reset mail: choose a new password, then log in with it."""
    if services.user_for_reset_link(uid=uid, token=token) is None:
        return render(request, "accounts/password_reset_confirm.html", {"invalid": True}, status=400)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password(uid=uid, token=token, **form.cleaned_data)
        except ChaatError as exc:
            add_error(form, exc)
        else:
            if request.user.is_authenticated:
                logout(request)
            messages.success(request, _("Your password has been reset. Log in with the new one."))
            return redirect("login")
    return render(request, "accounts/password_reset_confirm.html", {"form": form},
                  status=400 if form.errors else 200)
