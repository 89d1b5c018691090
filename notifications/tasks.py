"""Pushes for new messages, in the background worker: one job per message decides who hears of it
(when it runs: whoever has no open connection then), and queues one job per subscription, each
retried with backoff on its own."""

from __future__ import annotations

from django.db import transaction

from chaat.tasks import background
from notifications import push


@background(max_attempts=3)
def push_new_message(*, message_id: str) -> None:
    # One transaction: a fan-out that fails half-way queues nothing, and its retry queues it all.
    with transaction.atomic():
        for subscription_id, data in push.deliveries(message_id=message_id):
            deliver_push.enqueue(subscription_id=subscription_id, data=data)


@background(max_attempts=6)
def deliver_push(*, subscription_id: str, data: dict) -> None:
    push.deliver(subscription_id=subscription_id, data=data)
