"""The shell's pages in the access matrix: the home page and a background job's page."""

from suishin.core.access_matrix import EVERYONE, SECRETARIAT, Case
from suishin.core.models import Job

CASES = {
    "home": Case(None, EVERYONE, set()),
    # And the job's owner: suishin/portal/tests/test_job_detail.py.
    "job_detail": Case("job", SECRETARIAT, set()),
}

WATCHED = [Job]


def objects_of(town) -> dict:
    job = Job.objects.filter(organization=town.organization).first() or Job.objects.create(
        organization=town.organization, kind="roadmap_import", title="取込み", target_id=1
    )
    return {"job": {"job_id": job.pk}}
