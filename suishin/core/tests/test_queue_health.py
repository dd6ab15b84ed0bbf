"""`manage.py queue_health` reports the queue and fails when the workers are silent or a job is stuck."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from suishin.core.models import Job, WorkerBeat


def report(**options) -> str:
    out = io.StringIO()
    call_command("queue_health", stdout=out, **options)
    return out.getvalue()


def job(cast, plan, **fields) -> Job:
    return Job.objects.create(
        organization=cast.town.organization, kind="roadmap_import", title="取込み", target_id=plan.pk, **fields
    )


def test_a_healthy_queue(cast, plan):
    now = timezone.now()
    WorkerBeat.objects.create(
        worker_id="vm:10:a", host="vm", pid=10, queues="default", started_at=now, last_poll_at=now, last_beat_at=now
    )
    job(cast, plan, status=Job.Status.RUNNING, heartbeat_at=now, worker_id="vm:10:a", progress=30)
    job(cast, plan)
    text = report()
    assert "vm:10:a queues=default last poll 0 s ago" in text
    assert "waiting: 1, oldest job" in text and "running: 1" in text and "healthy" in text


def test_silent_workers_and_stuck_jobs_fail_the_check_and_can_be_recovered(cast, plan):
    old = timezone.now() - dt.timedelta(minutes=5)
    WorkerBeat.objects.create(
        worker_id="vm:11:b", host="vm", pid=11, queues="default", started_at=old, last_beat_at=old
    )
    stuck = job(cast, plan, status=Job.Status.RUNNING, heartbeat_at=old, worker_id="vm:11:b")
    job(cast, plan)
    with pytest.raises(CommandError, match="no worker has reported"):
        report()
    with pytest.raises(CommandError):  # the waiting job still has no worker
        assert f"job {stuck.pk}: failed" in report(recover=True)
    stuck.refresh_from_db()
    assert stuck.status == Job.Status.FAILED
