"""The installable site: the web app manifest, the service worker at /sw.js, the page that turns
notifications on and off in this browser, and a chat's notification settings."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chaat.errors import ChaatError
from chaat.site import flash_error
from messaging.services.members import update_chat_settings

MUTE_CHOICES = {"1h": timedelta(hours=1), "8h": timedelta(hours=8), "1d": timedelta(days=1),
                "1w": timedelta(weeks=1)}


def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest, in the visitor's language."""
    icon = {"type": "image/png"}
    data = {
        "name": "Chaat",
        "short_name": "Chaat",
        "description": _("Chat with your friends, and meet someone new."),
        "lang": request.LANGUAGE_CODE,
        "id": "/",
        "start_url": reverse("inbox"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#5b5bd6",
        "icons": [
            {**icon, "src": static("icons/icon-192.png"), "sizes": "192x192", "purpose": "any"},
            {**icon, "src": static("icons/icon-512.png"), "sizes": "512x512", "purpose": "any"},
            {**icon, "src": static("icons/maskable-512.png"), "sizes": "512x512", "purpose": "maskable"},
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=3600"
    return response


def service_worker(request: HttpRequest) -> FileResponse:
    """static/js/sw.js at the site's root, so that it controls every page (its scope is "/")."""
    path = finders.find("js/sw.js") if settings.DEBUG or settings.WHITENOISE_USE_FINDERS else None
    if path is None:
        path = settings.STATIC_ROOT / "js" / "sw.js"
    try:
        response = FileResponse(open(path, "rb"), content_type="text/javascript")  # noqa: SIM115 - FileResponse closes it
    except OSError as exc:
        raise Http404 from exc
    # Browsers look for a new worker at most a day apart anyway; no-cache makes it at once.
    response["Cache-Control"] = "no-cache"
    return response


@login_required
def push_settings(request: HttpRequest) -> HttpResponse:
    """Turn notifications on or off in this browser (the page's script does the subscribing)."""
    return render(request, "notifications/settings.html", {"nav": "profile"})


@login_required
@require_POST
def chat_notifications(request: HttpRequest, chat_id: UUID) -> HttpResponse:
    """A chat's notification settings from its settings page: `notify`, and `mute` for a while
    (1h, 8h, 1d, 1w) or `unmute`."""
    changes: dict[str, object] = {}
    if "notify" in request.POST:
        changes["notify"] = request.POST["notify"]
    mute = request.POST.get("mute")
    if mute == "unmute":
        changes["muted_until"] = None
    elif mute in MUTE_CHOICES:
        changes["muted_until"] = timezone.now() + MUTE_CHOICES[mute]
    try:
        update_chat_settings(actor=request.user, chat_id=chat_id, changes=changes)
    except ChaatError as exc:
        if exc.status == 404:
            raise Http404 from exc
        flash_error(request, exc)
    else:
        messages.success(request, _("Notification settings saved."))
    return redirect("chat-settings", chat_id=chat_id)
