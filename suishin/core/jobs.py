"""Start background work, report its progress, and read it back for the page that started it."""

import functools
import logging
import time

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from suishin.core.audit import audit_record
from suishin.core.models import Job

logger = logging.getLogger(__name__)


def job_start(*, actor, kind: str, title: str, target, task, payload: bytes = b"", result_url: str = "") -> Job:
    """Record a job for `target` and hand it to the background worker (or run it now, in tests)."""
    job = Job.objects.create(
        organization=actor.organization,
        created_by=actor.user,
        kind=kind,
        title=title,
        target_id=target.pk,
        payload=payload,
        result_url=result_url,
    )
    audit_record(actor=actor.user, organization=actor.organization, verb="job.start", target=job, data={"kind": kind})
    task.enqueue(job.pk)
    job.refresh_from_db()
    return job


PROGRESS_INTERVAL = 0.5  # seconds between progress writes: the page polls about once a second
_progress_written: dict[int, float] = {}  # job id → when its progress was last written, in this worker


def job_progress(job_id: int, percent: int) -> None:
    """Record how far a running job has come (0–100).

    The first call marks the job as running; later ones are written at most every PROGRESS_INTERVAL,
    so a short job costs one write and a long one a couple a second, however often it reports.
    """
    now = time.monotonic()
    last = _progress_written.get(job_id)
    if last is not None and now - last < PROGRESS_INTERVAL:
        return
    _progress_written[job_id] = now
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.RUNNING, progress=max(0, min(100, percent)), updated_at=timezone.now()
    )


def job_finish(job_id: int, *, result: dict, failed: bool = False) -> None:
    """Record a job's outcome and drop its input, which is no longer needed."""
    _progress_written.pop(job_id, None)
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.FAILED if failed else Job.Status.DONE,
        progress=100,
        result=result,
        payload=b"",
        updated_at=timezone.now(),
    )


def job_step(function):
    """Wrap a task's body so that an unexpected error ends its job as failed, never as running forever.

    The error is logged with its trace for the operators; the page shows a plain message.
    """

    @functools.wraps(function)
    def run(job_id: int, *args, **kwargs):
        try:
            return function(job_id, *args, **kwargs)
        except Exception:
            logger.exception("background job %s failed", job_id)
            job_finish(
                job_id,
                result={"problems": [_("システムで問題が起きました。時間をおいてもう一度お試しください。")]},
                failed=True,
            )
            raise

    return run


def access_job(actor, job_id) -> Job:
    """Return a job of the actor's organization, or 404."""
    try:
        return Job.objects.for_organization(actor.organization).defer("payload").get(pk=int(job_id))
    except (Job.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
