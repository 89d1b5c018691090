"""Run the queued background jobs in the test's own process, as `python manage.py worker` would
(the jobs they queue included), for tests that are about what a job does rather than the worker."""

from __future__ import annotations

from django_tasks_db.models import DBTaskResult


def run_queued_jobs(*, rounds: int = 5) -> int:
    """Run every ready job, then those they queued, up to `rounds` times; a job that raises fails
    the test. Returns how many ran."""
    ran = 0
    for _ in range(rounds):
        ready = list(DBTaskResult.objects.ready().order_by("enqueued_at"))
        if not ready:
            break
        for result in ready:
            result.claim("test")
            result.set_successful(result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"]))
            ran += 1
    return ran
