"""`python manage.py worker`: durable background jobs in the database, retried with backoff, safe
with several copies, and not lost when a worker dies. Real worker processes on the test database."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from chaat import tasks
from tests.chaat import jobs
from tests.concurrency import wait_for

pytestmark = pytest.mark.servers


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


@pytest.mark.django_db(transaction=True)
def test_a_job_is_queued_only_when_its_transaction_commits(tmp_path):
    with transaction.atomic():
        tasks.enqueue_on_commit(jobs.note, path=str(tmp_path / "a"), text="kept")
        assert not DBTaskResult.objects.exists()
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
    try:
        with transaction.atomic():
            tasks.enqueue_on_commit(jobs.note, path=str(tmp_path / "b"), text="rolled back")
            raise RuntimeError
    except RuntimeError:
        pass
    assert DBTaskResult.objects.count() == 1


def test_retries_wait_longer_each_time(settings):
    settings.WORKER_RETRY_DELAY = 2
    delays = [tasks.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)]
    for delay, base in zip(delays, (2, 4, 8, 16), strict=True):
        assert 0.75 * base <= delay <= 1.25 * base
    assert 0.75 * tasks.MAX_RETRY_DELAY <= tasks.retry_delay(50) <= tasks.MAX_RETRY_DELAY


def test_a_worker_runs_queued_jobs_and_retries_a_failing_one_with_backoff(live_workers, tmp_path):
    ok, flaky, broken = tmp_path / "ok", tmp_path / "flaky", tmp_path / "broken"
    jobs.note.enqueue(path=str(ok), text="hello")
    flaky_job = jobs.fail_then_note.enqueue(path=str(flaky), failures=2)
    broken_job = jobs.always_fail.enqueue(path=str(broken))
    live_workers(1, WORKER_RETRY_DELAY="1")
    wait_for(lambda: lines(ok), what="the job")
    result = wait_for(lambda: DBTaskResult.objects.filter(pk=flaky_job.id, status=TaskResultStatus.SUCCESSFUL).first(),
                      what="the flaky job to succeed")
    assert len(result.worker_ids) == 3  # two failures, then success: one row, three attempts
    runs = [float(line.split()[1]) for line in lines(flaky)]
    assert runs[1] - runs[0] >= 0.7  # about 1 s, then about 2 s
    assert runs[2] - runs[1] >= 1.4
    wait_for(lambda: len(lines(broken)) == 2
             and DBTaskResult.objects.get(pk=broken_job.id).status == TaskResultStatus.FAILED,
             what="the broken job to give up")
    time.sleep(1.5)
    assert len(lines(broken)) == 2  # max_attempts=2: no third run
    assert DBTaskResult.objects.get(pk=broken_job.id).status == TaskResultStatus.FAILED


def test_several_workers_run_each_job_once(live_workers, tmp_path):
    path = tmp_path / "notes"
    for i in range(40):
        # 0.1 s each: 4 s of work, so one worker cannot finish it all before the other has started.
        jobs.note.enqueue(path=str(path), text=f"job{i}", seconds=0.1)
    live_workers(2)
    wait_for(lambda: len(lines(path)) >= 40, timeout=30, what="40 jobs")
    time.sleep(0.5)
    texts = [line.split()[0] for line in lines(path)]
    assert sorted(texts) == sorted(f"job{i}" for i in range(40))
    assert len({line.split()[1] for line in lines(path)}) >= 2  # the work was shared
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 40


def test_the_job_of_a_worker_that_died_runs_again(live_workers, tmp_path):
    path = tmp_path / "hang"
    job = jobs.hang_once.enqueue(path=str(path))
    (first,) = live_workers(1, WORKER_LEASE="2")
    wait_for(lambda: lines(path), what="the first run")
    first.kill()  # dies in the middle of the job: the row stays RUNNING
    assert DBTaskResult.objects.get(pk=job.id).status == TaskResultStatus.RUNNING
    live_workers(1, WORKER_LEASE="2")
    result = wait_for(lambda: DBTaskResult.objects.filter(pk=job.id, status=TaskResultStatus.SUCCESSFUL).first(),
                      what="the job to run again")
    assert len(lines(path)) == 2
    assert len(result.worker_ids) == 2
