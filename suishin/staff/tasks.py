"""Background work of the staff register."""

from django_tasks import task

from suishin.core.jobs import job_for_task, job_step
from suishin.tabular.jobs import run_table_import
from suishin.tenants.models import Organization

from .services import staff_import_apply
from .staff_import import parse_staff_grid


# Safe to run again: nothing is written until every row is right, and then in one transaction.
@task()
@job_step(retry_safe=True)
def staff_import_task(job_id: int) -> None:
    """Check an uploaded staff list (CSV or .xlsx), then apply it if every row is right."""
    job = job_for_task(job_id)
    organization = Organization.objects.get(pk=job.organization_id)  # the job's own organization, never another
    run_table_import(
        job,
        parse=lambda grid, progress: parse_staff_grid(organization, grid, progress),
        apply=lambda actor, imported: staff_import_apply(actor=actor, organization=organization, imported=imported),
    )
