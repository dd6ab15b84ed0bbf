"""Jobs: progress written when a job starts and then at most twice a second; and every job ends,
even when its worker is killed (heartbeat, recovery, one retry for tasks safe to run again)."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from suishin.core import jobs
from suishin.core.models import AuditLog, Job


def make_job(cast, plan) -> Job:
    return Job.objects.create(
        organization=cast.town.organization, kind="roadmap_import", title="取込み", target_id=plan.pk
    )


def test_progress_is_written_at_once_then_throttled(cast, plan, monkeypatch, django_assert_num_queries):
    job = make_job(cast, plan)
    clock = [1000.0]
    monkeypatch.setattr(jobs.time, "monotonic", lambda: clock[0])
    with django_assert_num_queries(1):
        jobs.job_progress(job.pk, 5)
        for percent in range(6, 60):  # a fast job reporting every few rows: no more writes
            jobs.job_progress(job.pk, percent)
    job.refresh_from_db()
    assert (job.status, job.progress) == (Job.Status.RUNNING, 5)
    clock[0] += jobs.PROGRESS_INTERVAL
    with django_assert_num_queries(1):
        jobs.job_progress(job.pk, 70)
    job.refresh_from_db()
    assert job.progress == 70


def test_finishing_is_always_written_and_forgets_the_job(cast, plan, monkeypatch):
    job = make_job(cast, plan)
    monkeypatch.setattr(jobs.time, "monotonic", lambda: 5.0)
    jobs.job_progress(job.pk, 40)
    jobs.job_finish(job.pk, result={"summary": {}})
    job.refresh_from_db()
    assert (job.status, job.progress) == (Job.Status.DONE, 100)
    assert job.pk not in jobs._progress_written


# --- jobs that always end -------------------------------------------------------------------------

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "large"]}}


@task()
@jobs.job_step
def plain_task(job_id: int) -> None:
    """A task that does not declare itself safe to run twice."""
    jobs.job_finish(job_id, result={"summary": {}})


@task()
@jobs.job_step(retry_safe=True)
def retry_safe_task(job_id: int) -> None:
    jobs.job_finish(job_id, result={"summary": {}})


def queued_on_database(cast, plan, settings, task_) -> Job:
    """Queue a job in the database backend, as production does, without running it."""
    settings.TASKS = DB_TASKS
    return jobs.job_start(
        actor=cast.town.actor("secretariat"), kind="test", title="取込み", target=plan, task=task_, start_url="/back/"
    )


def kill_worker_midway(job: Job, seconds_ago: int = 120) -> DBTaskResult:
    """Make `job` look like a run whose worker died `seconds_ago`: both rows RUNNING, the heartbeat old."""
    then = timezone.now() - dt.timedelta(seconds=seconds_ago)
    result = DBTaskResult.objects.get(pk=job.task_result_id)
    DBTaskResult.objects.filter(pk=result.pk).update(
        status=TaskResultStatus.RUNNING, started_at=then, worker_ids=["host-gone:1:x"]
    )
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, progress=5, phase=Job.Phase.READING, heartbeat_at=then, worker_id="host-gone:1:x"
    )
    return result


def test_a_job_whose_worker_died_is_failed_with_its_task_row(cast, plan, settings):
    """A RUNNING job with an old heartbeat (its worker gone) ends as failed for a system reason, with a plain
    message, and the task library's row is closed with it; the recovery is audited."""
    job = queued_on_database(cast, plan, settings, plain_task)
    result = kill_worker_midway(job)

    assert jobs.jobs_recover_stale() == {job.pk: "failed"}

    job.refresh_from_db()
    result.refresh_from_db()
    assert (job.status, job.failure) == (Job.Status.FAILED, Job.Failure.SYSTEM)
    assert "ファイルの内容の問題ではありません" in job.result["problems"][0]
    assert job.payload in (b"", memoryview(b""))
    assert result.status == TaskResultStatus.FAILED and result.finished_at is not None
    assert AuditLog.objects.filter(verb="job.failed", target_id=str(job.pk)).exists()
    assert jobs.jobs_recover_stale() == {}  # once only


def test_a_job_heard_from_recently_is_left_alone(cast, plan, settings):
    job = queued_on_database(cast, plan, settings, plain_task)
    kill_worker_midway(job, seconds_ago=5)
    assert jobs.jobs_recover_stale() == {}
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


def test_a_job_claimed_by_a_worker_that_died_before_its_first_heartbeat_is_recovered(cast, plan, settings):
    job = queued_on_database(cast, plan, settings, plain_task)
    kill_worker_midway(job)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED, heartbeat_at=None, worker_id="")
    assert jobs.jobs_recover_stale() == {job.pk: "failed"}


def test_a_task_safe_to_retry_is_queued_once_more_then_given_up(cast, plan, settings):
    """A retry-safe task that lost its worker is queued again once (a new library row, its input kept);
    losing its worker a second time ends it as failed."""
    job = queued_on_database(cast, plan, settings, retry_safe_task)
    Job.objects.filter(pk=job.pk).update(payload=b"xlsx bytes")
    first = kill_worker_midway(job)

    assert jobs.jobs_recover_stale() == {job.pk: "retried"}
    job.refresh_from_db()
    first.refresh_from_db()
    assert (job.status, job.attempts, job.heartbeat_at, job.worker_id) == (Job.Status.QUEUED, 1, None, "")
    assert bytes(job.payload) == b"xlsx bytes"
    assert first.status == TaskResultStatus.FAILED
    second = DBTaskResult.objects.get(pk=job.task_result_id)
    assert second.status == TaskResultStatus.READY and second.pk != first.pk

    kill_worker_midway(job)
    assert jobs.jobs_recover_stale() == {job.pk: "failed"}


def test_a_worker_of_this_host_that_no_longer_exists_is_recognised_at_once(cast, plan, settings):
    import socket
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    worker_id = f"{socket.gethostname()[:40]}:{gone.stdout.strip()}:x"
    job = queued_on_database(cast, plan, settings, plain_task)
    kill_worker_midway(job, seconds_ago=1)
    Job.objects.filter(pk=job.pk).update(worker_id=worker_id)
    assert jobs.jobs_recover_stale() == {job.pk: "failed"}


def test_a_library_row_left_running_after_its_job_ended_is_closed(cast, plan, settings):
    job = queued_on_database(cast, plan, settings, plain_task)
    result = kill_worker_midway(job)
    jobs.job_finish(job.pk, result={"summary": {}})
    assert jobs.jobs_recover_stale() == {}
    result.refresh_from_db()
    assert result.status == TaskResultStatus.SUCCESSFUL


def test_progress_reports_its_phase_and_is_a_heartbeat(cast, plan, monkeypatch):
    job = make_job(cast, plan)
    monkeypatch.setattr(jobs.time, "monotonic", lambda: 10.0)
    jobs.job_progress(job.pk, 5, Job.Phase.READING)
    jobs.job_progress(job.pk, 20, Job.Phase.CHECKING)  # a new phase is written at once
    job.refresh_from_db()
    assert (job.progress, job.phase) == (20, Job.Phase.CHECKING)
    assert job.heartbeat_at is not None


def test_a_failed_job_keeps_its_progress_and_says_whose_fault(cast, plan):
    job = make_job(cast, plan)
    jobs.job_progress(job.pk, 40)
    jobs.job_finish(job.pk, result={"problems": ["x"]}, failed=True)
    job.refresh_from_db()
    assert (job.status, job.progress, job.failure) == (Job.Status.FAILED, 40, Job.Failure.INPUT)


def test_an_unexpected_error_is_a_system_failure(cast, plan, settings):
    @jobs.job_step
    def broken(job_id):
        raise RuntimeError("a bug")

    job = make_job(cast, plan)
    with pytest.raises(RuntimeError):
        broken(job.pk)
    job.refresh_from_db()
    assert (job.status, job.failure) == (Job.Status.FAILED, Job.Failure.SYSTEM)
