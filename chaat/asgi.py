"""The one ASGI application: HTTP through Django, websockets at /ws/ through Channels."""

from __future__ import annotations

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chaat.settings")
django.setup(set_prefix=False)  # before the consumers are imported, as get_asgi_application() does

from chaat.handler import ChaatASGIHandler  # noqa: E402

django_asgi_app = ChaatASGIHandler()

from typing import Any  # noqa: E402

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import re_path  # noqa: E402
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware  # noqa: E402

from chaat.bodylimit import limit_request_bodies  # noqa: E402
from messaging.routing import websocket_urlpatterns  # noqa: E402

CLOSE_NOT_FOUND = 4404


async def refuse_websocket(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A handshake to any other path than /ws/: refused before it is accepted (the server answers
    it with 403), where Channels' router would raise (a 500 in the server's log)."""
    await receive()  # websocket.connect
    await send({"type": "websocket.close", "code": CLOSE_NOT_FOUND})


def forwarded_headers(app: Any) -> Any:
    """The one rule for `X-Forwarded-For` and `X-Forwarded-Proto` (the client IP that the
    register, login and anon limits count, and the scheme): they count only with BEHIND_PROXY=1,
    and then only from the addresses in FORWARDED_ALLOW_IPS."""
    if not settings.BEHIND_PROXY:
        return app
    return ProxyHeadersMiddleware(app, trusted_hosts=settings.FORWARDED_ALLOW_IPS)


# uvicorn applies the same headers itself around the app it loads (`--proxy-headers` is on by
# default and trusts 127.0.0.1 and FORWARDED_ALLOW_IPS), after importing this module: a same-host
# proxy passing a client's header through would let clients choose their IP even with
# BEHIND_PROXY=0. Switch its wrapper off, so that only the rule above counts.
if "uvicorn.config" in sys.modules:
    sys.modules["uvicorn.config"].ProxyHeadersMiddleware = lambda app, trusted_hosts: app

application = forwarded_headers(
    ProtocolTypeRouter(
        {
            "http": limit_request_bodies(django_asgi_app),
            "websocket": URLRouter([*websocket_urlpatterns, re_path(r"", refuse_websocket)]),
        }
    )
)
