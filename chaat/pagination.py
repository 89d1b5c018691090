"""Opaque keyset cursors for list endpoints: `{"results": [...], "next": <url or null>}`."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request

from chaat.errors import Invalid

DEFAULT_PAGE_SIZE = 50


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> list[Any] | None:
    """The values of a cursor made by encode_cursor, or Invalid (400) for a forged one."""
    if not cursor:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError) as exc:
        raise Invalid(fields={"cursor": [str(_("Not a valid cursor."))]}) from exc
    if not isinstance(values, list):
        raise Invalid(fields={"cursor": [str(_("Not a valid cursor."))]})
    return values


def next_url(request: Request, values: list[Any] | None, *,
             encode: Callable[[list[Any]], str] = encode_cursor) -> str | None:
    """The URL of the next page, keeping the request's other query parameters."""
    if values is None:
        return None
    query = request.query_params.copy()
    query["cursor"] = encode(values)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def page(request: Request, results: list[Any], values: list[Any] | None, *,
         encode: Callable[[list[Any]], str] = encode_cursor) -> dict[str, Any]:
    return {"results": results, "next": next_url(request, values, encode=encode)}
