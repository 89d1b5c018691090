"""Live events: addressed to users, sent to one channel-layer group per user after commit."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from redis.exceptions import ConnectionError as RedisConnectionError

logger = logging.getLogger(__name__)

# The consumer handles channel messages of this type by forwarding `event` to the client.
EVENT_MESSAGE_TYPE = "event.forward"
# ... and messages of this type by checking that the credential it was opened with still holds.
AUTH_RECHECK_MESSAGE_TYPE = "auth.recheck"


def user_group(user_id: UUID | str) -> str:
    """The group every socket of one user joins: `user.<uuid hex>`."""
    return f"user.{UUID(str(user_id)).hex}"


async def asend_to_users(user_ids: Iterable[UUID | str], message: dict[str, Any]) -> None:
    """Send a channel-layer message to each user's group now. Delivery is best effort: a missed
    event is recovered by the client's `?after=<seq>` catch-up, so a broken layer is logged only."""
    layer = get_channel_layer()
    if layer is None:
        return
    groups = [user_group(user_id) for user_id in dict.fromkeys(str(u) for u in user_ids)]
    # All groups at once: a 100-member group waits for one round of Redis calls, not 100 in a row.
    results = await asyncio.gather(*(layer.group_send(group, message) for group in groups), return_exceptions=True)
    # After Redis restarts, each pooled connection fails once before it is replaced: send those
    # once more, or the event is lost for sockets that are already back (a repeat is harmless:
    # clients keep messages by seq).
    stale = [g for g, r in zip(groups, results, strict=True) if isinstance(r, ConnectionError | RedisConnectionError)]
    if stale:
        results = [r for r in results if not isinstance(r, ConnectionError | RedisConnectionError)]
        results += await asyncio.gather(*(layer.group_send(group, message) for group in stale), return_exceptions=True)
    if any(isinstance(result, Exception) for result in results):
        # The change is committed; the event is not worth failing the request.
        error = next(result for result in results if isinstance(result, Exception))
        logger.warning("could not publish %s", message.get("event", {}).get("type"), exc_info=error)


def send_to_users(user_ids: Iterable[UUID | str], message: dict[str, Any]) -> None:
    """`asend_to_users` for synchronous code (services, views)."""
    async_to_sync(asend_to_users)(user_ids, message)


def publish_on_commit(*, user_ids: Iterable[UUID | str], event: dict[str, Any]) -> None:
    """Send `event` to every connection of each user once the current transaction commits."""
    recipients = list(user_ids)
    transaction.on_commit(
        lambda: send_to_users(recipients, {"type": EVENT_MESSAGE_TYPE, "event": event})
    )


def recheck_auth_on_commit(*, user_id: UUID | str) -> None:
    """After a logout, a password change or an account deletion commits, make every open socket
    of the user check its credential again; those whose token or session is gone close (4401)."""
    transaction.on_commit(lambda: send_to_users([user_id], {"type": AUTH_RECHECK_MESSAGE_TYPE}))
