"""Start background work, report its progress, and read it back for the page that started it.

Every job ends: a job whose worker stops answering (killed, out of memory, machine restarted) is
recovered by `jobs_recover_stale` — run by every worker every few seconds and by the job page when it
polls — which either queues it once more (tasks that declare themselves safe to retry) or ends it as
failed for a system reason, and closes the task library's own result row with it.
"""

import datetime as dt
import functools
import logging
import os
import socket
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from suishin.core.audit import audit_record
from suishin.core.models import Job

logger = logging.getLogger(__name__)

# A worker writes its running job's heartbeat every HEARTBEAT_INTERVAL seconds; a job not heard from
# for STALE_AFTER seconds has lost its worker. With the workers' recovery pass every RECOVER_INTERVAL,
# a stuck job ends within STALE_AFTER + RECOVER_INTERVAL (under a minute).
HEARTBEAT_INTERVAL = 5
STALE_AFTER = 40
RECOVER_INTERVAL = 10
MAX_RETRIES = 1  # a task safe to retry is queued again at most this many times after losing its worker
# Uploads above this size go to the "large" queue, which a worker of its own serves, so that an
# ordinary import never waits behind a heavy one.
LARGE_JOB_BYTES = 256 * 1024
QUEUE_DEFAULT = "default"
QUEUE_LARGE = "large"

UNFINISHED = (Job.Status.QUEUED, Job.Status.RUNNING)
CONNECTION_ERRORS = (OperationalError, InterfaceError)


def system_failure_message() -> str:
    return _(
        "システムで問題が起きました（ファイルの内容の問題ではありません）。処理は途中で止まり、"
        "何も保存されていません。時間をおいてもう一度お試しください。"
    )


_worker_id = ""


def current_worker_id() -> str:
    """Return the id of this process as a worker: host, process id and a per-start token."""
    global _worker_id
    if not _worker_id:
        _worker_id = f"{socket.gethostname()[:40]}:{os.getpid()}"
    return _worker_id


def set_worker_id(worker_id: str) -> None:
    global _worker_id
    _worker_id = worker_id


def job_start(
    *, actor, kind: str, title: str, target, task, payload: bytes = b"", result_url: str = "", start_url: str = ""
) -> Job:
    """Record a job for `target` and hand it to the background worker (or run it now, in tests).

    `start_url` is the page the user started it from, offered again when the job fails.
    """
    with transaction.atomic():  # never a job without its queued task (the connection may drop in between)
        return _start(actor, kind, title, target, task, payload, result_url, start_url)


def _start(actor, kind, title, target, task, payload, result_url, start_url) -> Job:
    job = Job.objects.create(
        organization=actor.organization,
        created_by=actor.user,
        kind=kind,
        title=title,
        target_id=target.pk,
        payload=payload,
        result_url=result_url,
        start_url=start_url,
    )
    audit_record(actor=actor.user, organization=actor.organization, verb="job.start", target=job, data={"kind": kind})
    _enqueue(job, task)
    job.refresh_from_db()
    return job


def _enqueue(job: Job, task) -> None:
    queue = QUEUE_LARGE if len(job.payload or b"") > LARGE_JOB_BYTES else QUEUE_DEFAULT
    result = task.using(queue_name=queue).enqueue(job.pk)
    # The worker also records the id when it claims the task (it may claim it before this line runs).
    Job.objects.filter(pk=job.pk, task_result_id="").update(task_result_id=str(result.id))


PROGRESS_INTERVAL = 0.5  # seconds between progress writes: the page polls about once a second
_progress_written: dict[int, tuple[float, str]] = {}  # job id → (when progress was last written, phase)


def job_progress(job_id: int, percent: int, phase: str | None = None) -> None:
    """Record how far a running job has come (0–100) and, optionally, which phase it is in.

    The first call marks the job as running; later ones are written at most every PROGRESS_INTERVAL
    (or at once when the phase changes), so a short job costs a write or two and a long one a couple a
    second, however often it reports. Each write is also a heartbeat.
    """
    now = time.monotonic()
    last = _progress_written.get(job_id)
    if last is not None and now - last[0] < PROGRESS_INTERVAL and (phase is None or phase == last[1]):
        return
    _progress_written[job_id] = (now, phase or (last[1] if last else ""))
    changes = {
        "status": Job.Status.RUNNING,
        "progress": max(0, min(100, percent)),
        "heartbeat_at": timezone.now(),
        "updated_at": timezone.now(),
    }
    if phase is not None:
        changes["phase"] = phase
    Job.objects.filter(pk=job_id, status__in=UNFINISHED).update(**changes)


def job_finish(job_id: int, *, result: dict, failed: bool = False, failure: str = "") -> None:
    """Record a job's outcome and drop its input, which is no longer needed.

    A failed job says why: `Job.Failure.INPUT` (the default: the user's file) or `Job.Failure.SYSTEM`.
    Its progress stays where it stopped.
    """
    _progress_written.pop(job_id, None)
    changes = {"status": Job.Status.DONE, "progress": 100, "phase": ""}
    if failed:
        changes = {"status": Job.Status.FAILED, "failure": failure or Job.Failure.INPUT}
    Job.objects.filter(pk=job_id, status__in=UNFINISHED).update(
        **changes, result=result, payload=b"", updated_at=timezone.now()
    )


def job_claimed(job_id: int, *, worker_id: str, task_result_id: str) -> None:
    """Record that `worker_id` took the job: its first heartbeat."""
    Job.objects.filter(pk=job_id, status__in=UNFINISHED).update(
        worker_id=worker_id[:64], task_result_id=task_result_id, heartbeat_at=timezone.now()
    )


def job_heartbeat(job_id: int) -> None:
    Job.objects.filter(pk=job_id, status__in=UNFINISHED).update(heartbeat_at=timezone.now())


def job_step(function=None, *, retry_safe: bool = False):
    """Wrap a task's body so that an unexpected error ends its job as failed, never as running forever.

    The error is logged with its trace for the operators; the page says it was the system, not the
    user's file. `retry_safe=True` declares that running the task again from the start is harmless
    (its writes are all-or-nothing): a job that lost its worker or its database connection is then
    queued once more before it is given up.
    """

    def decorate(body):
        @functools.wraps(body)
        def run(job_id: int, *args, **kwargs):
            try:
                return body(job_id, *args, **kwargs)
            except Exception as error:
                lost_connection = isinstance(error, CONNECTION_ERRORS)
                if lost_connection:
                    logger.warning("background job %s lost its database connection: %s", job_id, first_line(error))
                    if not connection.in_atomic_block:
                        connection.close()  # the next query opens a fresh connection
                else:
                    logger.exception("background job %s failed", job_id)
                try:
                    job_recover(job_id, retry=lost_connection)
                except DatabaseError as again:
                    # The database is still away: the worker recovers the job when it is back.
                    logger.warning("background job %s could not be closed yet: %s", job_id, first_line(again))
                raise

        run.retry_safe = retry_safe  # type: ignore[attr-defined]  # a function attribute, read with getattr
        return run

    return decorate(function) if function is not None else decorate


def first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"[:300]


def _task_of(result: DBTaskResult | None):
    if result is None:
        return None
    try:
        return import_string(result.task_path)
    except (ImportError, ValueError):
        return None


def _close_task_result(result: DBTaskResult | None, *, succeeded: bool, reason: str) -> None:
    if result is None or result.status not in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
        return
    result.status = TaskResultStatus.SUCCESSFUL if succeeded else TaskResultStatus.FAILED
    result.finished_at = timezone.now()
    if not succeeded:
        result.exception_class_path = "suishin.core.jobs.WorkerLost"
        result.traceback = reason
    result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])


def job_recover(job_id: int, *, retry: bool = True) -> str:
    """End an unfinished job whose run was cut short, or queue it once more if its task allows.

    The task library's row for the lost run is closed (FAILED) either way. Return "retried",
    "failed", or "" when the job had already ended (its library row is then closed to match).
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return ""
        result = DBTaskResult.objects.filter(pk=job.task_result_id).first() if job.task_result_id else None
        if job.is_finished:
            _close_task_result(result, succeeded=job.status == Job.Status.DONE, reason="job ended")
            return ""
        _close_task_result(result, succeeded=False, reason=f"worker {job.worker_id or '?'} stopped answering")
        task = _task_of(result)
        safe = task is not None and getattr(task.func, "retry_safe", False)
        if retry and safe and result is not None and job.attempts < MAX_RETRIES:  # a task implies its result
            Job.objects.filter(pk=job.pk).update(
                status=Job.Status.QUEUED,
                progress=0,
                phase="",
                heartbeat_at=None,
                worker_id="",
                task_result_id="",
                attempts=job.attempts + 1,
                updated_at=timezone.now(),
            )
            new = task.using(queue_name=result.queue_name, priority=result.priority).enqueue(job.pk)
            Job.objects.filter(pk=job.pk, task_result_id="").update(task_result_id=str(new.id))
            outcome = "retried"
        else:
            _progress_written.pop(job.pk, None)
            Job.objects.filter(pk=job.pk).update(
                status=Job.Status.FAILED,
                failure=Job.Failure.SYSTEM,
                result={"problems": [system_failure_message()]},
                payload=b"",
                updated_at=timezone.now(),
            )
            outcome = "failed"
        audit_record(
            actor=None,
            organization=job.organization,
            verb=f"job.{outcome}",
            target=job,
            data={"worker": job.worker_id, "attempts": job.attempts},
        )
    logger.warning("background job %s %s after its run was cut short (worker %s)", job_id, outcome, job.worker_id)
    return outcome


def _worker_is_gone_here(worker_id: str) -> bool:
    """Whether `worker_id` names a process of this host that no longer exists."""
    host, _sep, rest = worker_id.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:40] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def jobs_recover_stale(*, now: dt.datetime | None = None, stale_after: float = STALE_AFTER) -> dict[int, str]:
    """Recover every job whose worker is gone; return {job id: "retried" | "failed"}.

    A worker is gone when the job's heartbeat is older than `stale_after` seconds, when it claimed the
    job and died before the first heartbeat, or (at once) when it was a process of this host that no
    longer exists. Also close library rows left RUNNING by a worker killed after its job had ended.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=stale_after)
    unfinished = Job.objects.filter(status__in=UNFINISHED)
    stale = set(unfinished.filter(heartbeat_at__lt=cutoff).values_list("pk", flat=True))
    for pk, worker_id in unfinished.exclude(worker_id="").values_list("pk", "worker_id"):
        if _worker_is_gone_here(worker_id):
            stale.add(pk)
    lost_runs = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    lost_ids = [str(pk) for pk in lost_runs.values_list("pk", flat=True)]
    if lost_ids:
        stale.update(unfinished.filter(heartbeat_at=None, task_result_id__in=lost_ids).values_list("pk", flat=True))
        for job in Job.objects.filter(task_result_id__in=lost_ids).exclude(status__in=UNFINISHED):
            job_recover(job.pk)
    return {pk: outcome for pk in sorted(stale) if (outcome := job_recover(pk))}


def job_check(job: Job) -> Job:
    """Recover `job` now if its worker is gone (the job page calls this as it polls)."""
    if job.is_finished or job.heartbeat_at is None:
        return job
    if timezone.now() - job.heartbeat_at > dt.timedelta(seconds=STALE_AFTER):
        job_recover(job.pk)
        job.refresh_from_db()
    return job


def job_for_task(job_id: int) -> Job:
    """Return the job a task was handed (with who started it): the task's way in, before it knows the
    organization; everything it reads next is narrowed to `job.organization_id`."""
    return Job.objects.select_related("created_by").get(pk=job_id)
