"""An import sent from a page runs as a background job (core/jobs.py): read, check, then one write.

The app's task finds its target and calls `run_table_import` with how to parse the grid and which
service applies it:

    @task()
    @job_step(retry_safe=True)
    def roadmap_import_task(job_id):
        job = Job.objects.select_related("created_by").get(pk=job_id)
        plan = ...
        run_table_import(job, parse=lambda grid, progress: parse_roadmap_sheet(plan, grid, progress),
                         apply=lambda actor, imported: roadmap_import_apply(actor=actor, plan=plan, imported=imported))

Nothing is written until every row is right, and then in the service's one transaction, so a run cut
short has written nothing and the task may declare itself safe to retry. Large files go to the job
queue of their own (`core.jobs.LARGE_JOB_BYTES`), so that an ordinary import never waits behind one.
"""

from collections.abc import Callable

from suishin.core.jobs import job_finish, job_progress
from suishin.core.models import Job
from suishin.core.registry import job_actor

from .uploads import UploadError, read_table_grid

READING, CHECKING, WRITING = Job.Phase.READING, Job.Phase.CHECKING, Job.Phase.WRITING


def run_table_import(job: Job, *, parse: Callable, apply: Callable[..., dict]) -> None:
    """Read the job's file, `parse(grid, progress)` it, and `apply(actor, imported)` it if it has no problem.

    The job's result holds the problems (at most MAX_PROBLEMS and a count) or the service's summary.
    """
    job_progress(job.pk, 5, READING)
    try:
        grid = read_table_grid(bytes(job.payload))
        job_progress(job.pk, 20, CHECKING)
        imported = parse(grid, lambda share: job_progress(job.pk, 20 + int(share * 60)))
    except UploadError as error:  # the file as a whole cannot be read (TableFileError included)
        job_finish(job.pk, result={"problems": [str(error)]}, failed=True)
        return
    if imported.problems:
        job_finish(job.pk, result={"problems": [str(p) for p in imported.problems]}, failed=True)
        return
    job_progress(job.pk, 80, WRITING)
    # The job runs as the person who queued it, in the organization it was queued in (not their first
    # membership); the service checks their rights again: they may have changed since the upload.
    actor = job_actor(job)
    job_finish(job.pk, result={"summary": apply(actor, imported)})
