"""The one websocket consumer at /ws/: every chat of one user over one connection.

Authentication (contract, "Live delivery"): an `Authorization: Token <key>` header on the
handshake, or the site's session cookie when the `Origin` is this site. Everything else is
closed with 4401 right after the handshake (so that clients can tell why). The credential is
kept and checked again when the user's group gets `auth.recheck` (logout, password change,
account deletion): the socket closes with 4401 if it no longer holds.

Events are addressed to users: each socket joins its user's group and forwards what arrives
there. Joining or leaving a chat needs no subscription change.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import orjson
from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.utils.translation import gettext as _

from accounts.authentication import token_digest, token_from_header, user_for_session, user_for_token_digest
from accounts.models import User
from chaat import ratelimit
from chaat.api import validated
from chaat.errors import ChaatError, DatabaseUnavailable, Invalid, RateLimited
from chaat.live import layer_watch, presence, realtime
from friends.selectors import friend_id_list
from messaging import events
from messaging.serializers import SocketMessageSendIn, SocketReadIn, SocketTypingIn, message_data
from messaging.services.reading import mark_read, notify_typing
from messaging.services.sending import send_message

logger = logging.getLogger(__name__)


CLOSE_UNAUTHORIZED = 4401
CLOSE_TOO_MANY_SOCKETS = 4429
CLOSE_TOO_BIG = 1009
# The largest frame a client may send; uvicorn enforces it too (--ws-max-size 65536).
MAX_FRAME_BYTES = 64 * 1024
# Per connection: a burst of FRAME_BURST frames, then FRAME_RATE frames a second. A person
# typing, reading and sending stays far below; a flood gets `rate_limited` error frames.
FRAME_RATE = 10.0
FRAME_BURST = 40

Credential = tuple[str, str]  # ("token", digest) or ("session", session key)


class TokenBucket:
    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = float(burst), time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def _headers(scope: dict[str, Any]) -> dict[str, str]:
    return {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}


def origin_allowed(headers: dict[str, str]) -> bool:
    """A cookie-authenticated socket must come from this site's own pages: the Origin is one of
    CSRF_TRUSTED_ORIGINS, or it names the handshake's Host and that host is allowed. (Channels'
    AllowedHostsOriginValidator is not used: it refuses API clients, which send no Origin.)"""
    origin, host = headers.get("origin", ""), headers.get("host", "")
    if not origin or origin == "null":
        return False
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    if not host or urlsplit(origin).netloc.lower() != host.lower():
        return False
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, allowed)


def handshake_credential(scope: dict[str, Any]) -> Credential | None:
    """The credential the handshake offers, or None when it offers nothing acceptable.
    A token in the query string is refused outright: URLs end up in logs."""
    if "token" in parse_qs(scope.get("query_string", b"").decode("latin-1")):
        return None
    headers = _headers(scope)
    authorization = headers.get("authorization")
    if authorization is not None:
        key = token_from_header(authorization)
        return ("token", token_digest(key)) if key else None
    session_key = parse_cookie(headers.get("cookie", "")).get(settings.SESSION_COOKIE_NAME)
    if session_key and origin_allowed(headers):
        return ("session", session_key)
    return None


def user_for(credential: Credential) -> User | None:
    kind, value = credential
    return user_for_token_digest(value) if kind == "token" else user_for_session(value)


async def announce_presence(user_id: UUID | str, online: bool) -> None:
    """Send `presence` to the user's friends."""
    friends = await realtime.run_service(friend_id_list, UUID(str(user_id)))
    await realtime.apublish(user_ids=friends, event=events.presence(user_id, online))


class ChatConsumer(AsyncWebsocketConsumer):
    user: User | None = None
    credential: Credential | None = None
    group: str | None = None
    closing = False
    heartbeat_task: asyncio.Task | None = None

    # --- connection -------------------------------------------------------------------------

    async def connect(self) -> None:
        await self.accept()
        self.bucket = TokenBucket(FRAME_RATE, FRAME_BURST)
        self.credential = handshake_credential(self.scope)
        self.user = await realtime.run_service(user_for, self.credential) if self.credential else None
        if self.user is None:
            await self.close(code=CLOSE_UNAUTHORIZED)
            return
        try:
            came_online = await presence.connect(self.user.id, self.channel_name)
        except presence.TooManySockets:
            self.user = None  # nothing to undo on disconnect
            await self.close(code=CLOSE_TOO_MANY_SOCKETS)
            return
        self.group = realtime.user_group(self.user.id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        # A revocation committed between the check above and joining the group was not heard.
        await self.auth_recheck({})
        if self.closing:
            return
        layer_watch.watch(self)
        if came_online:
            await announce_presence(self.user.id, True)
        self.heartbeat_task = asyncio.create_task(self.heartbeat())

    async def disconnect(self, code: int) -> None:
        if self.heartbeat_task is not None:
            self.heartbeat_task.cancel()
        layer_watch.unwatch(self)
        if self.user is None:
            return
        try:
            if self.group is not None:
                await self.channel_layer.group_discard(self.group, self.channel_name)
            if await presence.disconnect(self.user.id, self.channel_name):
                await announce_presence(self.user.id, False)
        except Exception:  # Redis is down: presence expires by itself
            logger.warning("could not record the end of a socket", exc_info=True)

    async def heartbeat(self) -> None:
        """Check the credential again, keep this socket's presence entry and its group membership
        (channels-redis forgets members after `group_expiry`) alive, and take the users of dead
        processes offline."""
        while True:
            await asyncio.sleep(settings.PRESENCE_HEARTBEAT)
            try:
                # A change that passed no model code (a bulk update) is caught here at the latest.
                await self.auth_recheck({})
                if self.closing:
                    return
                await self.channel_layer.group_add(self.group, self.channel_name)
                if await presence.heartbeat(self.user.id, self.channel_name):
                    await announce_presence(self.user.id, True)
                for user_id in await presence.reap():
                    await announce_presence(user_id, False)
            except Exception:
                logger.warning("presence heartbeat failed", exc_info=True)

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        self.closing = True
        await super().close(code=code, reason=reason)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch, without its `aclose_old_connections()` before every message: that is a
        round trip to Django's one sync thread for each frame received and each event delivered,
        about a tenth of a socket send's server CPU (docs/PERFORMANCE.md, issue 20), and a queue
        that every socket of the process waits in. This consumer touches the database only through
        realtime.run_service, whose worker thread closes its own connection before and after."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- channel-layer messages -------------------------------------------------------------

    async def event_forward(self, message: dict[str, Any]) -> None:
        if not self.closing:
            await self.send(text_data=message["text"])

    async def auth_recheck(self, message: dict[str, Any]) -> None:
        user = await realtime.run_service(user_for, self.credential)
        if (user is None or user.pk != self.user.pk) and not self.closing:
            await self.close(code=CLOSE_UNAUTHORIZED)

    # --- client frames ----------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.closing or self.user is None:
            return
        raw = text_data.encode() if text_data is not None else (bytes_data or b"")
        if len(raw) > MAX_FRAME_BYTES:  # for servers started without a websocket size limit
            await self.close(code=CLOSE_TOO_BIG)
            return
        frame: Any = None
        try:
            if not self.bucket.take():
                raise RateLimited(retry_after=1)
            if text_data is None:
                raise Invalid(_("Send JSON in text frames."))
            try:
                frame = orjson.loads(raw)
            except orjson.JSONDecodeError:
                raise Invalid(_("A frame is one JSON object.")) from None
            if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
                raise Invalid(_("A frame is one JSON object with a type."))
            handler = self.handlers.get(frame["type"])
            if handler is None:
                raise Invalid(_("Unknown frame type."), fields={"type": [_("Unknown frame type.")]})
            await handler(self, frame)
        except ChaatError as exc:
            await self.send_error(frame, exc)
        except (OperationalError, InterfaceError):  # rolled back: the client retries the frame
            logger.warning("socket frame failed: database unavailable", exc_info=True)
            await self.send_error(frame, DatabaseUnavailable())
        except Exception:  # a bug must not take the connection down with it
            logger.exception("socket frame failed")
            await self.send_error(frame, ChaatError())

    async def on_message_send(self, frame: dict[str, Any]) -> None:
        data = validated(SocketMessageSendIn, frame)
        # Not counted against `ws_frame`: send_message counts it against `send`, the stricter
        # limit; a second Redis round trip per message bought nothing.
        message = await realtime.run_service(self._send_message, data)
        await self.send_frame({"type": "message.ack", "client_id": str(data["client_id"]), "message": message})

    def _send_message(self, data: dict[str, Any]) -> dict[str, Any]:
        message, _created = send_message(actor=self.user, **data)
        return message_data(message, self.user.id)

    async def on_typing(self, frame: dict[str, Any]) -> None:
        data = validated(SocketTypingIn, frame)
        await self.run_counted(notify_typing, actor=self.user, chat_id=data["chat_id"])

    async def on_read(self, frame: dict[str, Any]) -> None:
        data = validated(SocketReadIn, frame)
        await self.run_counted(mark_read, actor=self.user, **data)

    async def on_ping(self, frame: dict[str, Any]) -> None:
        await self.send_frame({"type": "pong"})

    handlers = {
        "message.send": on_message_send,
        "typing": on_typing,
        "read": on_read,
        "ping": on_ping,
    }

    # --- helpers ----------------------------------------------------------------------------

    async def run_counted(self, func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Run a typing or read frame's service (realtime.run_service), counting the frame against
        the user's `ws_frame` limit over all their sockets and processes in the same worker thread:
        counting it in a thread of its own first cost a second round trip per frame. A ping is
        answered here without touching Redis or the database, so the connection's bucket alone
        bounds it."""
        def counted() -> Any:
            ratelimit.limit_ws_frame(user_id=self.user.id)
            return func(*args, **kwargs)

        return await realtime.run_service(counted)

    async def send_frame(self, payload: dict[str, Any]) -> None:
        await self.send(text_data=orjson.dumps(payload).decode())

    async def send_error(self, frame: Any, exc: ChaatError) -> None:
        client_id = frame.get("client_id") if isinstance(frame, dict) else None
        error = {"type": "error", "client_id": client_id if isinstance(client_id, str) else None, **exc.as_dict()}
        if exc.retry_after is not None:
            error["retry_after"] = exc.retry_after
        await self.send_frame(error)
