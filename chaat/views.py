from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.defaults import bad_request as default_bad_request
from django.views.defaults import page_not_found

from chaat.errors import DatabaseUnavailable


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


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler. Django calls it while handling the exception, so it can tell a database
    that cannot be reached (down, restarting, refusing connections) from a bug: that is 503
    `database_unavailable`, worth retrying in a moment; anything else stays a 500. Under /api/
    both are JSON."""
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        body = DatabaseUnavailable().as_dict()
        status = 503
    else:
        body = {"code": "server_error", "detail": _("Something went wrong on our side.")}
        status = 500
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(body, status=status)
    else:
        response = HttpResponse(body["detail"], content_type="text/plain; charset=utf-8", status=status)
    if status == 503:
        response["Retry-After"] = str(DatabaseUnavailable.retry_after)
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 for requests Django itself refuses before any view (too many form fields, a suspicious
    header): JSON under /api/, like every other API error."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "invalid", "detail": _("The request is malformed.")}, status=400)
    return default_bad_request(request, exception)
