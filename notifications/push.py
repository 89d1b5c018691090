"""Web Push for new messages: who gets one, what it says, and sending it (RFC 8030 with VAPID,
RFC 8292, and the payload encrypted as aes128gcm, RFC 8291, by pywebpush). Runs in the worker
(notifications/tasks.py), never in a request."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import requests
from django.conf import settings
from django.db.models import Q
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pywebpush import WebPushException, webpush

from accounts.serializers import avatar_url
from chaat.live import presence
from messaging.models import Chat, Message, Participant
from notifications import selectors, vapid
from notifications.endpoints import check_endpoint
from notifications.errors import InvalidEndpoint
from notifications.models import PushSubscription

logger = logging.getLogger(__name__)

BODY_LENGTH = 100
PUSH_TTL = 24 * 3600  # a push service keeps an undelivered push this long (seconds)
PUSH_TIMEOUT = 10


class PushFailed(Exception):
    """A push that may get through later (network error, 429, 5xx): the job is retried."""


def wants_push(participant: Participant, message: Message) -> bool:
    """The member's settings in the chat let a push for `message` through: `notify: all`, or
    `mentions` and the message mentions them; and the chat is not muted now."""
    if selectors.is_silenced(participant):
        return False
    if participant.notify == Participant.Notify.ALL:
        return True
    if participant.notify == Participant.Notify.MENTIONS:
        return str(participant.user_id) in {str(u) for u in (getattr(message, "mentions", None) or [])}
    return False


def _title(message: Message) -> str:
    sender = message.sender.name if message.sender else _("Deleted user")
    if message.chat.kind == Chat.Kind.GROUP and message.chat.name:
        return f"{sender} · {message.chat.name}"
    return sender


def _body(message: Message) -> str:
    text = " ".join(message.text.split())
    if text:
        return text if len(text) <= BODY_LENGTH else text[:BODY_LENGTH] + "…"
    return {
        "sticker": _("Sticker"), "image": _("Photo"), "file": _("File"), "voice": _("Voice message"),
    }.get(message.kind, _("New message"))


def _icon(message: Message) -> str:
    """The chat's picture: the sender's avatar in a one-to-one chat, else the app's icon (groups
    have none). A same-site path: the browser fetches it with the person's session."""
    if message.chat.kind != Chat.Kind.GROUP and message.sender is not None:
        url = avatar_url(message.sender)
        if url:
            return url
    return static("icons/icon-192.png")


def payload(message: Message, *, language: str) -> dict[str, Any]:
    """The contract's push payload, in the recipient's language."""
    with translation.override(language):
        return {"type": "message", "chat_id": str(message.chat_id), "seq": message.seq,
                "title": _title(message), "body": _body(message), "url": f"/chats/{message.chat_id}",
                "icon": _icon(message)}


def deliveries(*, message_id: UUID | str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(subscription id, payload) for each subscription of each other member who should hear of
    the message now: settings allow it and they have no open connection anywhere."""
    message = (Message.objects.select_related("sender", "chat")
               .filter(pk=message_id, deleted_at__isnull=True).exclude(kind=Message.Kind.SYSTEM).first())
    if message is None:  # deleted (or the chat gone) before the worker came to it
        return
    members = [p for p in Participant.objects.select_related("user")
               .seeing(message).filter(user__is_active=True)
               .exclude(user_id=message.sender_id)
               .filter(Q(muted_until__isnull=True) | Q(muted_until__lte=timezone.now()))
               .exclude(notify=Participant.Notify.NONE)
               if wants_push(p, message)]
    if not members:
        return
    online = presence.online_ids(p.user_id for p in members)
    languages = {p.user_id: p.user.language for p in members if str(p.user_id) not in online}
    subscriptions = PushSubscription.objects.filter(user_id__in=languages).values_list("id", "user_id")
    for subscription_id, user_id in subscriptions:
        yield str(subscription_id), payload(message, language=languages[user_id])


class _NoRedirects(requests.Session):
    """A push service answers; it does not send us elsewhere (perhaps inside our network)."""

    def post(self, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        return super().post(url, *args, allow_redirects=False, **kwargs)


def _remove_gone_subscription(subscription_id: UUID) -> None:
    """The push service answered 404/410 (or the endpoint is no longer allowed): the browser
    dropped this subscription. The worker's own change: the services queue the worker's jobs, so
    this module does not import them back."""
    PushSubscription.objects.filter(id=subscription_id).delete()


def deliver(*, subscription_id: UUID | str, data: dict[str, Any]) -> None:
    """Send one push. 404/410 remove the subscription; network errors, 429 and 5xx raise
    PushFailed (retried); any other refusal is logged and dropped."""
    subscription = PushSubscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return
    try:
        check_endpoint(subscription.endpoint)  # again: the host's addresses may have changed
    except InvalidEndpoint:
        logger.warning("push endpoint no longer allowed, subscription %s removed", subscription.id)
        _remove_gone_subscription(subscription.id)
        return
    try:
        with _NoRedirects() as session:
            webpush(
                subscription_info={"endpoint": subscription.endpoint,
                                   "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
                data=json.dumps(data, ensure_ascii=False),
                vapid_private_key=vapid.server_key(),
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                ttl=PUSH_TTL, timeout=PUSH_TIMEOUT, requests_session=session,
            )
    except WebPushException as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status in {404, 410}:
            _remove_gone_subscription(subscription.id)
        elif status is None or status == 429 or status >= 500:
            raise PushFailed(f"push to subscription {subscription.id}: {status}") from exc
        else:
            logger.warning("push service refused subscription %s: %s", subscription.id, status)
    except requests.RequestException as exc:
        raise PushFailed(f"push to subscription {subscription.id}: {exc}") from exc
