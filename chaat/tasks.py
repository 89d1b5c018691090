"""Background jobs: work that talks to another service over the network (translation, push, mail)
runs in `python manage.py worker`, never in a request or a socket handler (STYLE: "Where logic goes").

The queue is django-tasks with its database backend (django-tasks-db): each job is a row in the
database, so it survives any process dying, and several workers share the queue (each job is
claimed under `SELECT ... FOR UPDATE SKIP LOCKED`). On top of the library, chaat's worker
(chaat/management/commands/worker.py) retries failed jobs with exponential backoff and runs again
the jobs of a worker that died. A job may therefore run more than once: write each one so that
running it twice does no harm.

A feature adds its own job as a module-level function in its app::

    # myapp/tasks.py
    from chaat.tasks import background

    @background(max_attempts=5)
    def deliver_push(*, subscription_id: int, payload: dict) -> None:
        ...  # raise to be retried later

and enqueues it from a service, inside the transaction whose change it follows::

    tasks.enqueue_on_commit(deliver_push, subscription_id=sub.id, payload=payload)

Arguments must be JSON values (ids as strings, not model instances).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django_tasks import task as library_task
from django_tasks.base import Task

logger = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 5
# The longest wait between two attempts of a job, however many came before.
MAX_RETRY_DELAY = timedelta(minutes=10)


def background(*, max_attempts: int = DEFAULT_MAX_ATTEMPTS, priority: int = 0,
               queue_name: str = "default") -> Callable[[Callable[..., Any]], Task]:
    """Make a module-level function a background job, tried at most `max_attempts` times."""
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")

    def wrap(function: Callable[..., Any]) -> Task:
        function.max_attempts = max_attempts  # type: ignore[attr-defined]  # read by the worker
        return library_task(priority=priority, queue_name=queue_name)(function)

    return wrap


def max_attempts(job: Task) -> int:
    return getattr(job.func, "max_attempts", DEFAULT_MAX_ATTEMPTS)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: WORKER_RETRY_DELAY seconds,
    doubling each time, capped, with jitter so that jobs failing together do not retry together."""
    base = min(settings.WORKER_RETRY_DELAY * 2.0 ** min(max(0, attempts - 1), 30), MAX_RETRY_DELAY.total_seconds())
    return min(timedelta(seconds=base * random.uniform(0.75, 1.25)), MAX_RETRY_DELAY)


def enqueue_on_commit(job: Task, /, *args: Any, **kwargs: Any) -> None:
    """Queue `job(*args, **kwargs)` once the current transaction commits (at once outside one):
    a rolled-back change queues nothing, and the worker never looks for rows that are not
    committed yet. Queueing is one INSERT; if even that fails the change stays committed and the
    failure is logged (jobs are best effort after the fact, like live events)."""

    def enqueue() -> None:
        try:
            job.enqueue(*args, **kwargs)
        except Exception:
            logger.exception("could not queue %s", job.name)

    transaction.on_commit(enqueue)
