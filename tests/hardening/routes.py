"""Every route of the URL configuration, found by walking the resolver (so none can be forgotten)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

EXAMPLE_UUID = uuid.UUID("00000000-0000-4000-8000-000000000000")


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "api/v1/chats/<uuid:chat_id>/messages"
    callback: Any
    name: str | None

    @property
    def view_class(self) -> Any:
        return getattr(self.callback, "view_class", None) or getattr(self.callback, "cls", None)

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/v1/")

    def path(self, **values: Any) -> str:
        """The route with its converters filled in from `values` (or harmless examples)."""

        def fill(match: re.Match) -> str:
            converter, name = match.group(1) or "str", match.group(2)
            if name in values:
                return str(values[name])
            return {"uuid": str(EXAMPLE_UUID), "int": "1"}.get(converter, "example")

        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, self.route)


def walk(resolver: URLResolver | None = None, prefix: str = "") -> list[Route]:
    """Routes written with path() (regex routes, i.e. the admin's internals, are left out)."""
    resolver = resolver or get_resolver()
    routes: list[Route] = []
    for entry in resolver.url_patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            routes.extend(walk(entry, text))
        elif isinstance(entry, URLPattern):
            routes.append(Route(text, entry.callback, entry.name))
    return routes


def site_routes() -> list[Route]:
    return [r for r in walk() if not r.is_api and not r.route.startswith("admin/")]


def api_routes() -> list[Route]:
    return [r for r in walk() if r.is_api]
