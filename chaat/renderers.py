"""The API's JSON renderer: orjson instead of the standard library's encoder (docs/PERFORMANCE.md)."""

from __future__ import annotations

from typing import Any

import orjson
from django.utils.encoding import force_str
from rest_framework.renderers import JSONRenderer


def _default(value: Any) -> Any:
    """What orjson does not know itself: lazy translations and other str-like values."""
    return force_str(value)


class ORJSONRenderer(JSONRenderer):
    """Same media type and output as DRF's compact JSONRenderer (UTF-8, no spaces); orjson writes
    dicts, lists, str/int subclasses, UUIDs and datetimes natively."""

    def render(self, data: Any, accepted_media_type: str | None = None,
               renderer_context: dict[str, Any] | None = None) -> bytes:
        if data is None:
            return b""
        return orjson.dumps(data, default=_default)
