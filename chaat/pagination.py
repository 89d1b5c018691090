"""The one paginator of every list, API and site: keyset pages on a unique compound key, with
opaque cursors it signs itself. `{"results": [...], "next": <url or null>}`.

A cursor is the key of the last row of a page, signed (Django's signing, with the key's fields
in the salt). Any cursor this paginator did not make for this key, forged, cut or taken from
another list, is 400 `invalid` naming `cursor` (contract v1.1, clarifications). A page is one
query whatever its depth: no OFFSET.
"""

from __future__ import annotations

import operator
from datetime import datetime
from functools import reduce
from typing import Any
from uuid import UUID

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

from chaat.errors import Invalid

DEFAULT_PAGE_SIZE = 50
CURSOR_PARAMETER = OpenApiParameter("cursor", str, description="The `next` link's cursor.")


def _plain(value: Any) -> Any:
    """A key value as JSON keeps it; the database reads the strings back into its own types."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


class Keyset:
    """Pages of a queryset ordered by `order`: field names, `-` for descending, the last one
    (or all together) unique, so no row is skipped or repeated between pages. Fields may be
    annotations; each must be an attribute of the rows."""

    def __init__(self, *order: str) -> None:
        self.order = order
        self.fields = [name.lstrip("-") for name in order]
        self.salt = f"chaat.pagination:{','.join(order)}"

    def cursor(self, row: Any) -> str:
        return self.sign([getattr(row, name) for name in self.fields])

    def sign(self, values: list[Any]) -> str:
        """The cursor of a key given as values (for lists read in plain SQL, like search)."""
        return signing.dumps([_plain(value) for value in values], salt=self.salt)

    def key(self, cursor: str) -> list[Any]:
        """The key values of a cursor made here, or Invalid (400)."""
        try:
            values = signing.loads(cursor, salt=self.salt)
        except (signing.BadSignature, ValueError, TypeError):
            values = None
        if not isinstance(values, list) or len(values) != len(self.fields):
            raise Invalid(fields={"cursor": [str(_("Not a valid cursor."))]})
        return values

    def _after(self, values: list[Any]) -> Q:
        """Rows after the key `values` in this order: (a > x) or (a = x and b > y) or ..."""
        steps = []
        for i, name in enumerate(self.order):
            op = "lt" if name.startswith("-") else "gt"
            steps.append(Q(**dict(zip(self.fields[:i], values[:i], strict=True)),
                           **{f"{self.fields[i]}__{op}": values[i]}))
        return reduce(operator.or_, steps)

    def page(self, queryset: QuerySet, *, cursor: str | None,
             limit: int = DEFAULT_PAGE_SIZE) -> tuple[list[Any], str | None]:
        """One page of rows after `cursor` (None: the first), and the cursor of the next page
        (None on the last)."""
        rows = queryset.order_by(*self.order)
        if cursor:
            rows = rows.filter(self._after(self.key(cursor)))
        found = list(rows[: limit + 1])
        if len(found) > limit:
            found = found[:limit]
            return found, self.cursor(found[-1])
        return found, None


def next_url(request: Request, cursor: str | None) -> str | None:
    """The URL of the next page, keeping the request's other query parameters."""
    if cursor is None:
        return None
    query = request.query_params.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def page(request: Request, results: list[Any], cursor: str | None) -> dict[str, Any]:
    return {"results": results, "next": next_url(request, cursor)}
