"""The background worker outlives the database, heartbeats, and leaves no job running after it is killed."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.utils import timezone
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from suishin.core import jobs, worker
from suishin.core.models import Job, WorkerBeat

ROOT = Path(__file__).resolve().parents[3]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "large"]}}
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a second process needs a database it can share: the SQLite test database lives in memory",
)


@task()
@jobs.job_step
def quick_task(job_id: int) -> None:
    jobs.job_progress(job_id, 50, Job.Phase.CHECKING)
    jobs.job_finish(job_id, result={"summary": {}})


@task()
@jobs.job_step
def slow_task(job_id: int) -> None:
    """Report progress for a minute (the test kills the worker long before)."""
    for step in range(600):
        jobs.job_progress(job_id, step // 6, Job.Phase.READING)
        time.sleep(0.1)
    jobs.job_finish(job_id, result={"summary": {}})


@task()
@jobs.job_step(retry_safe=True)
def chatty_task(job_id: int) -> None:
    """Query the database without a pause for two seconds, as a long import does."""
    jobs.job_progress(job_id, 10, Job.Phase.READING)
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        Job.objects.filter(pk=job_id).exists()
    jobs.job_finish(job_id, result={"summary": {}})


def queue(cast, plan, task_) -> Job:
    return jobs.job_start(actor=cast.town.actor("secretariat"), kind="test", title="取込み", target=plan, task=task_)


def make_worker(**kwargs) -> worker.SuishinWorker:
    options = {
        "queue_names": ["default", "large"],
        "interval": 0,
        "batch": True,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": worker.new_worker_id(),
        "excluded_queue_names": [],
        "heartbeat": False,
    }
    return worker.SuishinWorker(**(options | kwargs))


@pytest.fixture
def keep_test_connection(monkeypatch):
    """In-process workers must not close the connection that holds the test's transaction."""
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(worker.connections, "close_all", lambda: None)


def test_the_worker_waits_out_connection_errors_and_goes_on(cast, plan, settings, monkeypatch, keep_test_connection):
    """Connection errors while polling do not end the worker (db_worker exited on the first one): it backs
    off, doubling its wait, and then runs the job."""
    settings.TASKS = DB_TASKS
    job = queue(cast, plan, quick_task)
    real_ready = DBTaskResult.objects.ready
    failures = iter([OperationalError("connection refused"), OperationalError("server closed the connection")])

    def flaky_ready():
        error = next(failures, None)
        if error is not None:
            raise error
        return real_ready()

    waits = []
    monkeypatch.setattr(DBTaskResult.objects, "ready", flaky_ready)
    monkeypatch.setattr(worker.time, "sleep", waits.append)
    process = make_worker()
    process.run()

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert process.connection_errors == 2
    assert waits == [worker.BACKOFF_FIRST, 2 * worker.BACKOFF_FIRST]
    assert DBTaskResult.objects.get(pk=job.task_result_id).status == TaskResultStatus.SUCCESSFUL


def test_the_worker_records_who_runs_a_job_and_its_own_last_poll(cast, plan, settings, keep_test_connection):
    settings.TASKS = DB_TASKS
    job = queue(cast, plan, quick_task)
    process = make_worker(max_tasks=1, batch=False)
    process.run()
    job.refresh_from_db()
    assert job.worker_id == process.worker_id and job.heartbeat_at is not None
    assert job.task_result_id
    process.beat()
    beat = WorkerBeat.objects.get(worker_id=process.worker_id)
    assert beat.last_poll_at is not None and beat.pid == os.getpid()


def test_the_backoff_is_capped(monkeypatch, db, keep_test_connection):
    waits = []
    monkeypatch.setattr(worker.time, "sleep", waits.append)
    process = make_worker()
    calls = iter(range(12))

    def always_down():
        if next(calls, None) is None:
            process.running = False
            return True
        raise OperationalError("refused")

    monkeypatch.setattr(process, "_poll_once", always_down)
    process.run()
    assert max(waits) == worker.BACKOFF_MAX and waits[:3] == [0.5, 1.0, 2.0]


# --- with a real worker process (PostgreSQL: the process shares the test database) ----------------


WORKER_COMMAND = os.environ.get("SUISHIN_TEST_WORKER_COMMAND", "run_worker")  # db_worker: see it fail


def worker_process(extra_args=()) -> subprocess.Popen:
    database = connection.settings_dict
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    url = f"postgresql://{database['USER']}@{host}/{database['NAME']}"
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": url,
        "SECRET_KEY": "test-only-worker-key",
        "ALLOWED_HOSTS": "localhost",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", WORKER_COMMAND, "--interval", "0.1", "--no-startup-delay", "-v0", *extra_args],
        cwd=ROOT,
        env=env,
    )


def wait_for(condition, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def job_status(job) -> str:
    job.refresh_from_db()
    return job.status


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job_leaves_no_job_running(cast, plan, settings):
    """SIGKILL a real worker while its job runs: the recovery ends the job (failed, for a system reason)
    and closes the library's row; nothing is left RUNNING."""
    settings.TASKS = DB_TASKS
    process = worker_process()
    try:
        job = queue(cast, plan, slow_task)
        wait_for(lambda: job_status(job) == Job.Status.RUNNING and job.worker_id)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    assert jobs.jobs_recover_stale() == {job.pk: "failed"}
    job.refresh_from_db()
    assert (job.status, job.failure) == (Job.Status.FAILED, Job.Failure.SYSTEM)
    assert DBTaskResult.objects.get(pk=job.task_result_id).status == TaskResultStatus.FAILED
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_worker_keeps_processing_after_its_connection_is_terminated(cast, plan, settings):
    """pg_terminate_backend on the worker's connections, while idle and in the middle of a job: the worker
    reconnects and goes on (db_worker exited); the job cut short is run again and completes."""
    settings.TASKS = DB_TASKS
    process = worker_process()
    try:
        first = queue(cast, plan, quick_task)
        wait_for(lambda: job_status(first) == Job.Status.DONE)
        terminate_other_connections()  # while idle
        time.sleep(0.3)
        busy = queue(cast, plan, chatty_task)
        wait_for(lambda: job_status(busy) == Job.Status.RUNNING)
        time.sleep(0.3)
        terminate_other_connections()  # in the middle of a job
        wait_for(lambda: job_status(busy) == Job.Status.DONE)
        assert busy.attempts == 1  # run again after its connection was cut
        assert process.poll() is None, "the worker exited"
        after = queue(cast, plan, quick_task)
        wait_for(lambda: job_status(after) == Job.Status.DONE)
        assert not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()
        assert WorkerBeat.objects.filter(last_beat_at__gte=timezone.now() - timezone.timedelta(seconds=30)).exists()
    finally:
        process.terminate()
        process.wait(10)


def terminate_other_connections() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchone()[0] >= 1
