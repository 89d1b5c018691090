"""Headers on every response: a strict Content Security Policy (our own origin only, no inline
scripts or styles), and no shared caching of anything that depends on who is asking."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Media in object storage are fetched from their signed URLs (settings.media_storage).
        " ".join(["img-src 'self' data: blob:", *settings.MEDIA_CSP_ORIGINS]),
        " ".join(["media-src 'self' blob:", *settings.MEDIA_CSP_ORIGINS]),
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", POLICY)
        return response


class PrivateResponsesMiddleware:
    """A proxy or CDN must never keep one person's chats, tokens or errors and hand them to another
    (the catalog's P6). Every API response, errors included, is `private, no-store`; a site
    response to a signed-in person is too unless its view chose a private cache policy itself
    (media). Every response varies on the credentials. Static files (WhiteNoise, outside this
    middleware) stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response["Cache-Control"] = "private, no-store"
        elif _has_credentials(request):
            response.setdefault("Cache-Control", "private, no-store")
        patch_vary_headers(response, ("Cookie", "Authorization"))
        return response


def _has_credentials(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return "Authorization" in request.headers or (user is not None and user.is_authenticated)
