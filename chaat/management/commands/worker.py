"""`python manage.py worker`: runs the background jobs (chaat/tasks.py), a service beside the web
processes and match_timer. django-tasks-db's own worker loop claims and runs the jobs; this
command adds what a durable queue needs on top of it: failed jobs are tried again with backoff,
and the jobs of a worker that died (claimed, never finished) are run again after WORKER_LEASE
seconds. Any number of copies may run; SIGTERM lets the current job finish, then stops."""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from chaat.tasks import max_attempts, retry_delay

logger = logging.getLogger("chaat.worker")


def _attempts_allowed(result: DBTaskResult) -> int:
    try:
        return max_attempts(result.task)
    except Exception:  # the job's function is gone: nothing to retry
        return 0


def schedule_retry(result: DBTaskResult) -> bool:
    """After a failed attempt: queue the job again after the backoff delay, unless it has had all
    its attempts. Returns whether it will be tried again."""
    attempts = len(result.worker_ids)
    if attempts >= _attempts_allowed(result):
        logger.error("job %s (%s) failed %d times; giving up", result.id, result.task_path, attempts)
        return False
    run_after = timezone.now() + retry_delay(attempts)
    updated = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, run_after=run_after, finished_at=None)
    logger.warning("job %s (%s) failed (attempt %d); retrying after %s", result.id, result.task_path,
                   attempts, run_after.isoformat())
    return bool(updated)


@transaction.atomic
def requeue_abandoned(*, lease: float) -> int:
    """Jobs claimed more than `lease` seconds ago and still running belong to a worker that died
    (jobs talk to other services with short timeouts): queue them again, or fail those that have
    had all their attempts. Returns how many were queued again."""
    now = timezone.now()
    stale = (DBTaskResult.objects.select_for_update(skip_locked=True)
             .filter(status=TaskResultStatus.RUNNING, started_at__lt=now - timedelta(seconds=lease))
             .order_by("started_at")[:100])
    requeued = 0
    for result in stale:
        if len(result.worker_ids) >= _attempts_allowed(result):
            result.status, result.finished_at = TaskResultStatus.FAILED, now
            result.exception_class_path, result.traceback = "chaat.worker.Abandoned", "its worker stopped"
            result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
            continue
        result.status, result.run_after = TaskResultStatus.READY, now
        result.save(update_fields=["status", "run_after"])
        logger.warning("job %s (%s) was abandoned by its worker; queued again", result.id, result.task_path)
        requeued += 1
    return requeued


class Worker(db_worker.Worker):
    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        if db_task_result.status == TaskResultStatus.FAILED:
            schedule_retry(db_task_result)

    def run(self) -> None:
        threading.Thread(target=self._watch_leases, name="lease-watch", daemon=True).start()
        super().run()

    def _watch_leases(self) -> None:
        lease = float(settings.WORKER_LEASE)
        while self.running:
            try:
                requeue_abandoned(lease=lease)
            except Exception:
                logger.exception("could not look for abandoned jobs")
            finally:
                close_old_connections()
            time.sleep(max(0.5, lease / 4))


class Command(db_worker.Command):
    help = "Run the background jobs (translations, and whatever else is queued) until stopped."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        # Every queue; a short poll so that a translation follows its message within a second.
        parser.set_defaults(queue_name="*", interval=0.5)

    def handle(self, *, verbosity: int, queue_name: str, interval: float, batch: bool, backend_name: str,
               startup_delay: bool, reload: bool, max_tasks: int | None, worker_id: str,
               exclude_queues: str, **options: Any) -> None:
        self.configure_logging(verbosity)
        worker = Worker(
            queue_names=queue_name.split(","), interval=interval, batch=batch, backend_name=backend_name,
            startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":  # the child that runs the jobs
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
