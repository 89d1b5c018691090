"""Request bodies over their limit are refused before Django reads them.

Django's ASGI handler reads the whole body (spooled to a temporary file past
FILE_UPLOAD_MAX_MEMORY_SIZE) before any view runs, so a view's own check would come after a 1 GB
body had been written to disk. This wrapper answers 413 `too_large` at once when the declared
Content-Length is over the limit, and ends a body sent without one (chunked) as soon as it
passes it. The limit is 8 MiB, raised for the two file sends only (the API's and the site's):
FILE_MAX_BYTES plus the form around it (contract: "Files and voice messages")."""

from __future__ import annotations

import re
from typing import Any

import orjson
from django.conf import settings
from django.utils import translation

_FILE_SENDS = re.compile(r"^/(?:api/v1/)?chats/[0-9a-fA-F-]{36}/(?:messages|send)$")


def body_limit(method: str, path: str) -> int:
    """The most bytes a request body may have."""
    if method == "POST" and _FILE_SENDS.match(path):
        return settings.FILE_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    # Everything else: what the views themselves accept at most (an image and the form around it);
    # they check their own, smaller limits (8 MiB for JSON) after this.
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE + settings.IMAGE_MAX_BYTES


def _declared_length(scope: dict[str, Any]) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(send: Any) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        detail = str(translation.gettext("The request body is too large."))
    body = orjson.dumps({"code": "too_large", "detail": detail})
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close"), (b"cache-control", b"private, no-store")]})
    await send({"type": "http.response.body", "body": body})


def limit_request_bodies(app: Any) -> Any:
    async def limited(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        limit = body_limit(scope["method"], scope["path"])
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await _too_large(send)
            return
        received, refused = 0, False

        async def counted() -> dict[str, Any]:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit and not refused:  # chunked, or more than declared: stop here
                    refused = True
                    await _too_large(send)
                if refused:
                    return {"type": "http.disconnect"}  # Django drops the request (RequestAborted)
            return message

        async def guarded(message: dict[str, Any]) -> None:
            if not refused:
                await send(message)

        await app(scope, counted, guarded)

    return limited
