"""Live events: addressed to users, sent to one channel-layer group per user after commit."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from functools import partial
from typing import Any
from uuid import UUID

import orjson
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import close_old_connections, transaction
from redis.exceptions import ConnectionError as RedisConnectionError

logger = logging.getLogger(__name__)

# An event: one of the payload shapes (TypedDicts) declared in the apps' `events.py`, built by
# the builder of its type there. tests/live/test_event_shapes.py checks each against its shape.
Event = Mapping[str, Any]
# ... or, for payloads that differ per receiver and read the committed state (a chat as each
# member sees it): a function run after commit that returns each receiver's own event.
EventPerUser = Callable[[], Mapping[UUID, Event]]

# The consumer handles channel messages of this type by sending their `text`, the event's JSON,
# to the client: encoded once when it is published, not once per socket.
EVENT_MESSAGE_TYPE = "event.forward"
# ... and messages of this type by checking that the credential it was opened with still holds.
AUTH_RECHECK_MESSAGE_TYPE = "auth.recheck"


def user_group(user_id: UUID | str) -> str:
    """The group every socket of one user joins: `user.<uuid hex>`."""
    return f"user.{UUID(str(user_id)).hex}"


async def _publish(sends: list[tuple[UUID | str, dict[str, Any]]]) -> None:
    """Send each channel-layer message to its user's group now. Delivery is best effort: a missed
    event is recovered by the client's `?after=<seq>` catch-up, so a broken layer is logged only."""
    layer = get_channel_layer()
    if layer is None or not sends:
        return
    grouped = [(user_group(user_id), message) for user_id, message in sends]
    try:
        try:
            await _group_send_each(layer, grouped)
        except (ConnectionError, RedisConnectionError):
            # After Redis restarts, each pooled connection fails once before it is replaced: send
            # once more, or the events are lost for sockets that are already back (a repeat is
            # harmless: clients keep messages by seq).
            await _group_send_each(layer, grouped)
    except Exception:  # the change is committed; the event is not worth failing the request
        logger.warning("could not publish %d channel messages", len(grouped), exc_info=True)


async def _group_send_each(layer: Any, sends: list[tuple[str, dict[str, Any]]]) -> None:
    if hasattr(layer, "group_send_each"):  # chaat/live/layers.py: one round trip for them all
        await layer.group_send_each(sends)
        return
    # The in-memory layer (no REDIS_URL): all groups at once, raising the first failure.
    for outcome in await asyncio.gather(*(layer.group_send(group, message) for group, message in sends),
                                        return_exceptions=True):
        if isinstance(outcome, BaseException):
            raise outcome


async def _asend(user_ids: Iterable[UUID | str], message: dict[str, Any]) -> None:
    await _publish([(user_id, message) for user_id in dict.fromkeys(str(u) for u in user_ids)])


async def _asend_each(events: Mapping[UUID, Event]) -> None:
    await _publish([(user_id, _forward(event)) for user_id, event in events.items()])


def _forward(event: Event) -> dict[str, Any]:
    return {"type": EVENT_MESSAGE_TYPE, "text": orjson.dumps(event).decode()}


# Set inside events_published_here: the events committed are handed back to its event loop
# instead of each making its own trip there from the worker thread.
_handed_back: contextvars.ContextVar[list[partial[Awaitable[None]]] | None] = contextvars.ContextVar(
    "handed_back", default=None)


def _deliver(publish: partial[Awaitable[None]]) -> None:
    pending = _handed_back.get()
    if pending is not None:
        pending.append(publish)
    else:
        async_to_sync(publish)()


def _send(user_ids: Iterable[UUID | str], message: dict[str, Any]) -> None:
    _deliver(partial(_asend, user_ids, message))


def _with_own_connection(call: Callable[[], Any]) -> Any:
    """`call` with this thread's database connection checked before and given back after (to the
    pool), as a request does (Channels' DatabaseSyncToAsync does the same)."""
    close_old_connections()
    try:
        return call()
    finally:
        close_old_connections()


@contextlib.asynccontextmanager
async def events_published_here() -> AsyncIterator[None]:
    """Collect the events that synchronous code run from this block commits (in worker threads
    that got a copy of this context) and publish them from this event loop when the block ends,
    also when it failed after a commit. Publishing from the worker thread with async_to_sync cost
    each request or frame a second round trip between the thread and the loop (docs/PERFORMANCE.md,
    issue 20). The events still go out only after their commit."""
    pending: list[partial[Awaitable[None]]] = []
    token = _handed_back.set(pending)
    try:
        yield
    finally:
        _handed_back.reset(token)
        for publish in pending:
            await publish()


async def run_service(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Run the synchronous `func` (a service, with its own pooled database connection) in a worker
    thread, and publish the events it committed from this event loop before returning (a socket's
    ack follows its message's publish)."""
    async with events_published_here():
        # The loop's thread pool, not Channels' database_sync_to_async: its default runs the
        # database work of every socket of the process in one thread (18 messages/s), and without
        # that, asgiref's wrapping (copying the context back, its thread-local bookkeeping) cost
        # 70 µs of CPU a call against 49 here (a no-op, 5,000 calls). The context is copied in.
        call = partial(_with_own_connection, partial(func, *args, **kwargs))
        return await asyncio.get_running_loop().run_in_executor(None, contextvars.copy_context().run, call)


def publish_on_commit(*, user_ids: Iterable[UUID | str] | None = None, event: Event | EventPerUser) -> None:
    """The one way synchronous code (services) publishes: send `event` to every connection of each
    of `user_ids` once the current transaction commits (at once when none is open). With an
    EventPerUser, each receiver it names gets their own event, narrowed to `user_ids` when given."""
    recipients = None if user_ids is None else list(user_ids)
    if callable(event):
        def send_each() -> None:
            wanted = None if recipients is None else set(recipients)
            own = {user_id: e for user_id, e in event().items() if wanted is None or user_id in wanted}
            _deliver(partial(_asend_each, own))

        transaction.on_commit(send_each)
        return
    if recipients is None:
        raise TypeError("an event that is the same for everyone needs its user_ids")
    transaction.on_commit(lambda: _send(recipients, _forward(event)))


async def apublish(*, user_ids: Iterable[UUID | str], event: Event) -> None:
    """The one way asynchronous code (the consumer's presence) publishes: send `event` now. Its
    changes live in Redis, not in a database transaction, so there is no commit to wait for, and
    an async caller must not block its event loop on publish_on_commit's synchronous send."""
    await _asend(user_ids, _forward(event))


def recheck_auth_on_commit(*, user_id: UUID | str) -> None:
    """After a logout, a password change or an account deletion commits, make every open socket
    of the user check its credential again; those whose token or session is gone close (4401)."""
    transaction.on_commit(lambda: _send([user_id], {"type": AUTH_RECHECK_MESSAGE_TYPE}))
