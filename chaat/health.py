"""`GET /healthz`: is the database reachable, is the channel layer reachable."""

from __future__ import annotations

import asyncio

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


async def _layer_ok() -> bool:
    layer = get_channel_layer()
    try:
        channel = await asyncio.wait_for(layer.new_channel(), timeout=2)
        await asyncio.wait_for(layer.send(channel, {"type": "health.ping"}), timeout=2)
        await asyncio.wait_for(layer.receive(channel), timeout=2)
        return True
    except Exception:
        return False


def healthz(request: HttpRequest) -> JsonResponse:
    body = {
        "database": "ok" if _database_ok() else "down",
        "channel_layer": "ok" if async_to_sync(_layer_ok)() else "down",
    }
    healthy = all(v == "ok" for v in body.values())
    body = {"status": "ok" if healthy else "down", **body}
    response = JsonResponse(body, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response
