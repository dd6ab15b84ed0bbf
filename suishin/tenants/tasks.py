"""Background work of the tenants app."""

from django_tasks import task

from suishin.core.jobs import job_step
from suishin.core.models import Job
from suishin.tabular.jobs import run_table_import

from .department_import import departments_import, parse_department_grid
from .models import Organization


# Safe to run again: nothing is written until every row is right, and then in one transaction.
@task()
@job_step(retry_safe=True)
def department_import_task(job_id: int) -> None:
    """Check an uploaded department list (CSV or .xlsx), then create its departments if every row is right."""
    job = Job.objects.select_related("created_by").get(pk=job_id)  # scoped: the job this task was handed
    # The job's target is the organization it was queued in: never another one.
    organization = Organization.objects.get(pk=job.organization_id)
    run_table_import(
        job,
        parse=lambda grid, progress: parse_department_grid(organization, grid, progress),
        apply=lambda actor, imported: {
            "created": len(departments_import(actor=actor, organization=organization, imported=imported))
        },
    )
