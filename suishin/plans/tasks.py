"""Background work of the plans app."""

from django_tasks import task

from suishin.core.jobs import job_finish, job_progress, job_step
from suishin.core.models import Job
from suishin.core.uploads import UploadError, read_xlsx_grid
from suishin.tenants.actor import actor_for_user

from .models import Plan
from .spreadsheets import parse_roadmap_sheet, roadmap_import_apply

READING, CHECKING, WRITING = Job.Phase.READING, Job.Phase.CHECKING, Job.Phase.WRITING


# Safe to run again from the start: nothing is written until every row is right, and then in one
# transaction, so a run cut short (worker killed, database connection lost) has written nothing.
@task()
@job_step(retry_safe=True)
def roadmap_import_task(job_id: int) -> None:
    """Parse an uploaded 工程表, then apply it if, and only if, every row is right."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    plan = Plan.objects.get(pk=job.target_id, organization_id=job.organization_id)
    job_progress(job.pk, 5, READING)
    try:
        grid = read_xlsx_grid(bytes(job.payload))
    except UploadError as error:
        job_finish(job.pk, result={"problems": [str(error)]}, failed=True)
        return
    job_progress(job.pk, 20, CHECKING)
    imported = parse_roadmap_sheet(plan, grid, progress=lambda share: job_progress(job.pk, 20 + int(share * 60)))
    if imported.problems:
        job_finish(job.pk, result={"problems": [str(p) for p in imported.problems]}, failed=True)
        return
    job_progress(job.pk, 80, WRITING)
    # The job runs as the person who queued it, in the organization it was queued in (not their first
    # membership); rights are checked again now: they may have changed since the upload.
    actor = actor_for_user(job.created_by, organization_id=job.organization_id)
    summary = roadmap_import_apply(actor=actor, plan=plan, imported=imported)
    job_finish(job.pk, result={"summary": summary})
