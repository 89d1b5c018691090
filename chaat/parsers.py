"""The API's JSON parser: orjson, which refuses a document nested deeper than 1,024 levels with a
decode error instead of the standard library's RecursionError (a 500): any JSON body it cannot
read is 400 `invalid` (contract v1.1, clarifications), login and register included."""

from __future__ import annotations

from typing import Any

import orjson
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class ORJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        try:
            return orjson.loads(stream.read())
        except orjson.JSONDecodeError as exc:
            raise ParseError(_("The body is not JSON that can be read (too deeply nested?).")) from exc
