"""Who may open a background job's page."""

from django.http import Http404

from suishin.core.models import Job
from suishin.tenants.access import deny


def access_job(actor, job_id) -> Job:
    """Return a job of the actor's organization that the actor started, or any one to the secretariat.

    Another organization's job, or a missing one, is a 404; another person's job a refusal (audited).
    """
    try:
        job = Job.objects.for_organization(actor.organization).defer("payload").get(pk=int(job_id))
    except (Job.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if job.created_by_id != getattr(actor.user, "pk", None) and not actor.is_secretariat:
        raise deny(actor, "job.view", job)
    return job
