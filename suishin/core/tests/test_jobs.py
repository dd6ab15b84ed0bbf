"""Job progress is written when a job starts running and then at most twice a second."""

from suishin.core import jobs
from suishin.core.models import Job


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
