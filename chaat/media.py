"""Private media: uploads are served only through views that check who is asking."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse

from accounts.authentication import token_from_header, user_for_token


def request_user(request: HttpRequest) -> Any | None:
    """The signed-in user of a media request, by session cookie or `Authorization: Token`."""
    if request.user.is_authenticated:
        return request.user
    key = token_from_header(request.headers.get("Authorization"))
    return user_for_token(key) if key else None


def unauthorized() -> HttpResponse:
    response = HttpResponse(status=401)
    response["WWW-Authenticate"] = "Token"
    return response


def signed_redirect(field_file: Any, *, content_type: str, disposition: str | None = None) -> HttpResponse | None:
    """With media in object storage and MEDIA_SIGNED_URLS on: a redirect to a URL of the object
    signed for MEDIA_SIGNED_URL_SECONDS, telling the storage which Content-Type and
    Content-Disposition to answer with (S3's response-content-* parameters). None otherwise: the
    app streams the file itself. The redirect itself is never cached (it is a credential)."""
    if not settings.MEDIA_SIGNED_URLS:
        return None
    parameters = {"ResponseContentType": content_type, "ResponseCacheControl": "private, max-age=300"}
    if disposition:
        parameters["ResponseContentDisposition"] = disposition
    url = field_file.storage.url(field_file.name, parameters=parameters, expire=settings.MEDIA_SIGNED_URL_SECONDS)
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"
    return response


def private_file(field_file: Any) -> HttpResponse:
    """Stream a stored file (or redirect to a signed URL of it); browsers may cache it privately
    but never share it."""
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    redirect = signed_redirect(field_file, content_type=content_type)
    if redirect is not None:
        return redirect
    response = FileResponse(field_file.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


_CHUNK = 256 * 1024


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The (first, last) byte of a single `Range: bytes=...` (RFC 9110 §14.1.2), None when
    there is none or it is not one we serve (several ranges: the whole file is sent instead).
    ValueError when it is unsatisfiable (416)."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    match = re.fullmatch(r"\s*([0-9]*)\s*-\s*([0-9]*)\s*", spec)
    if match is None or match.group(1) + match.group(2) == "":
        return None
    first, last = match.groups()
    if not first:  # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise ValueError("unsatisfiable")
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise ValueError("unsatisfiable")
    return start, end


def stored_file_response(request: HttpRequest, field_file: Any, *, size: int, content_type: str,
                         disposition: str) -> HttpResponse:
    """Stream a stored file through the storage API, honouring one byte range (206; 416 when it
    cannot be satisfied) so that players can seek. Read in chunks: never whole into memory.
    With signed URLs on (object storage), a redirect to one instead: the storage serves ranges."""
    redirect = signed_redirect(field_file, content_type=content_type, disposition=disposition)
    if redirect is not None:
        return redirect
    try:
        byte_range = _byte_range(request.headers.get("Range", ""), size) if "Range" in request.headers else None
    except ValueError:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    start, end = byte_range or (0, size - 1)
    length = max(0, end - start + 1)
    opened = field_file.storage.open(field_file.name, "rb")
    if start:
        opened.seek(start)

    def chunks() -> Iterator[bytes]:
        try:
            left = length
            while left > 0:
                data = opened.read(min(_CHUNK, left))
                if not data:
                    break
                left -= len(data)
                yield data
        finally:
            opened.close()

    async def async_chunks() -> AsyncIterator[bytes]:
        # Under ASGI a synchronous iterator would be read whole into a list first.
        iterator = chunks()
        try:
            while (data := await sync_to_async(next, thread_sensitive=False)(iterator, None)) is not None:
                yield data
        finally:
            await sync_to_async(iterator.close, thread_sensitive=False)()

    content = async_chunks() if isinstance(request, ASGIRequest) else chunks()
    response = StreamingHttpResponse(content, status=206 if byte_range else 200, content_type=content_type)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if byte_range:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
