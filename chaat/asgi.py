"""The one ASGI application: HTTP through Django, websockets at /ws/ through Channels."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chaat.settings")
django_asgi_app = get_asgi_application()  # sets Django up before the consumers are imported

from typing import Any  # noqa: E402

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import re_path  # noqa: E402

from messaging.routing import websocket_urlpatterns  # noqa: E402

CLOSE_NOT_FOUND = 4404


async def refuse_websocket(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A handshake to any other path than /ws/: refused before it is accepted (the server answers
    it with 403), where Channels' router would raise (a 500 in the server's log)."""
    await receive()  # websocket.connect
    await send({"type": "websocket.close", "code": CLOSE_NOT_FOUND})


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": URLRouter([*websocket_urlpatterns, re_path(r"", refuse_websocket)]),
    }
)
