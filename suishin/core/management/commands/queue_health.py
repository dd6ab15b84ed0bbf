"""`manage.py queue_health`: the background queue at a glance, for operators and monitoring.

Prints the workers and their last poll, the oldest waiting job and the running jobs with their
heartbeat. Exits with status 1 when something needs a look: no worker has polled for a minute while
jobs wait, or a running job has not been heard from (`--recover` ends such jobs at once).
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from suishin.core import jobs
from suishin.core.models import Job, WorkerBeat

WORKER_SILENT_AFTER = 60  # seconds


def age(moment, now) -> str:
    return "-" if moment is None else f"{(now - moment).total_seconds():.0f} s ago"


class Command(BaseCommand):
    help = "Report the background queue: workers' last poll, oldest waiting job, running jobs' heartbeat."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--recover", action="store_true", help="End (or retry) jobs whose worker is gone.")

    def handle(self, *, recover: bool, **options) -> None:
        now = timezone.now()
        if recover:
            for job_id, outcome in jobs.jobs_recover_stale().items():
                self.stdout.write(f"job {job_id}: {outcome}")
        problems = []
        live = now - dt.timedelta(seconds=WORKER_SILENT_AFTER)
        workers = list(WorkerBeat.objects.all())
        self.stdout.write(f"workers: {len(workers)}")
        for beat in workers:
            state = "ok" if beat.last_beat_at >= live else "SILENT"
            self.stdout.write(
                f"  {beat.worker_id} queues={beat.queues} last poll {age(beat.last_poll_at, now)}, "
                f"last beat {age(beat.last_beat_at, now)} [{state}]"
            )
        waiting = Job.objects.filter(status=Job.Status.QUEUED).order_by("created_at")
        oldest = waiting.first()
        self.stdout.write(
            f"waiting: {waiting.count()}"
            + (f", oldest job {oldest.pk} queued {age(oldest.created_at, now)}" if oldest else "")
        )
        if oldest and not any(b.last_beat_at >= live for b in workers):
            problems.append("jobs are waiting and no worker has reported for a minute")
        running = Job.objects.filter(status=Job.Status.RUNNING).order_by("created_at")
        self.stdout.write(f"running: {running.count()}")
        stale = now - dt.timedelta(seconds=jobs.STALE_AFTER)
        for job in running:
            silent = job.heartbeat_at is None or job.heartbeat_at < stale
            self.stdout.write(
                f"  job {job.pk} {job.kind} {job.progress}% {job.phase or '-'} on {job.worker_id or '?'}, "
                f"heartbeat {age(job.heartbeat_at, now)}{' [STALE]' if silent else ''}"
            )
            if silent:
                problems.append(f"job {job.pk} has not been heard from")
        if problems:
            raise CommandError("; ".join(problems), returncode=1)
        self.stdout.write("healthy")
