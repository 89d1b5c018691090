"""Private media: uploads are served only through views that check who is asking."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse

from accounts.authentication import user_for_token


def request_user(request: HttpRequest) -> Any | None:
    """The signed-in user of a media request, by session cookie or `Authorization: Token`."""
    if request.user.is_authenticated:
        return request.user
    keyword, _, key = request.headers.get("Authorization", "").partition(" ")
    if keyword == "Token" and key:
        return user_for_token(key.strip())
    return None


def unauthorized() -> HttpResponse:
    response = HttpResponse(status=401)
    response["WWW-Authenticate"] = "Token"
    return response


def private_file(field_file: Any) -> FileResponse:
    """Stream a stored file; browsers may cache it privately but never share it."""
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    response = FileResponse(field_file.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
