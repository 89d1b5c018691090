from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found


def home(request: HttpRequest) -> HttpResponse:
    """Signed-in people land in their chats; everyone else sees what Chaat is."""
    if request.user.is_authenticated:
        return redirect("inbox")
    return render(request, "home.html")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 for any URL nothing answers: the API's JSON error under /api/, the site's page elsewhere
    (e.g. /api/v1/chats/not-a-uuid matches no route, and API clients must still get JSON)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)
