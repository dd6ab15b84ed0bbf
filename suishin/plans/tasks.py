"""Background work of the plans app."""

from django_tasks import task

from suishin.core.jobs import job_step
from suishin.core.models import Job
from suishin.tabular.jobs import run_table_import

from .models import Plan
from .roadmap_import import roadmap_import_apply
from .spreadsheets import parse_roadmap_sheet


# Safe to run again from the start: nothing is written until every row is right, and then in one
# transaction, so a run cut short (worker killed, database connection lost) has written nothing.
@task()
@job_step(retry_safe=True)
def roadmap_import_task(job_id: int) -> None:
    """Parse an uploaded 工程表, then apply it if, and only if, every row is right."""
    job = Job.objects.select_related("created_by").get(pk=job_id)  # scoped: the job this task was handed
    plan = Plan.objects.for_organization(job.organization_id).get(pk=job.target_id)
    run_table_import(
        job,
        parse=lambda grid, progress: parse_roadmap_sheet(plan, grid, progress=progress),
        apply=lambda actor, imported: roadmap_import_apply(actor=actor, plan=plan, imported=imported),
    )
