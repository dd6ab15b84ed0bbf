"""The background worker: django-tasks' database worker, made to outlive the database and to report.

Three things the library's `db_worker` does not do:
- a lost or refused database connection does not end the process: the worker closes its connections,
  waits (0.5 s, doubling up to 30 s) and goes on, and recovers the job that was cut short;
- a heartbeat thread writes, every few seconds, the running job's heartbeat and this worker's last poll
  (`WorkerBeat`), so that `manage.py queue_health` can report and a dead worker's job can be told apart;
- the same thread recovers any worker's stuck jobs (`jobs_recover_stale`), so jobs end even when nobody
  looks at their page.
"""

import datetime
import logging
import os
import random
import socket
import threading
import time

from django.db import DatabaseError, OperationalError, close_old_connections, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from suishin.core import jobs
from suishin.core.models import WorkerBeat

logger = logging.getLogger("suishin.worker")

BACKOFF_FIRST = 0.5
BACKOFF_MAX = 30.0


def new_worker_id() -> str:
    """Return a worker id that names this host and process (so that a successor can tell it is gone)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{get_random_string(8)}"


def job_id_of(db_task_result: DBTaskResult) -> int | None:
    """Return the job a queued task works on: every job task takes the job's id as first argument."""
    args = (db_task_result.args_kwargs or {}).get("args") or []
    return args[0] if args and isinstance(args[0], int) else None


class SuishinWorker(Worker):
    def __init__(self, *, heartbeat: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.heartbeat = heartbeat
        self.current_job_id: int | None = None
        self.interrupted: list[int] = []  # jobs whose run a database error cut short
        self.last_poll_at: datetime.datetime | None = None
        self.started_at = timezone.now()
        self.connection_errors = 0  # counted for the fault bench and the log
        self._stop = threading.Event()

    # --- the loop -------------------------------------------------------------------------------

    def run(self) -> None:
        jobs.set_worker_id(self.worker_id)
        logger.info("worker %s starts on queues %s", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 - spread workers started together
        beat = threading.Thread(target=self._beat_loop, name="suishin-heartbeat", daemon=True)
        if self.heartbeat:
            beat.start()
        backoff = 0.0
        try:
            while self.running:
                try:
                    ran = self._poll_once()
                except jobs.CONNECTION_ERRORS as error:
                    self.connection_errors += 1
                    backoff = min(BACKOFF_MAX, backoff * 2 if backoff else BACKOFF_FIRST)
                    logger.warning(
                        "worker %s: database unavailable (%s); trying again in %.1f s",
                        self.worker_id,
                        jobs.first_line(error),
                        backoff,
                    )
                    connections.close_all()
                    time.sleep(backoff)
                    continue
                if backoff:
                    logger.warning("worker %s: database reachable again; going on", self.worker_id)
                    backoff = 0.0
                if ran is None:
                    return  # batch or max-tasks reached
                if self.running and not ran:
                    time.sleep(self.interval)
        finally:
            self._stop.set()
            if self.heartbeat:
                beat.join(timeout=2)
            self._forget_beat()

    def _poll_once(self) -> bool | None:
        """Take and run one task. Return True if one ran, False if none was waiting, None to stop."""
        close_old_connections()
        self._recover_interrupted()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        task_result = None
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
        except OperationalError as error:
            if not (error.args and is_locked_database_exception(error)):
                raise  # a locked SQLite database is only busy: try again at the next poll
        self.last_poll_at = timezone.now()
        if task_result is not None:
            self.run_task(task_result)
        elif self.batch:
            return None
        if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
            return None
        close_old_connections()
        return task_result is not None

    def run_task(self, db_task_result: DBTaskResult) -> None:
        job_id = job_id_of(db_task_result)
        self.current_job_id = job_id
        try:
            if job_id is not None:
                jobs.job_claimed(job_id, worker_id=self.worker_id, task_result_id=str(db_task_result.pk))
            super().run_task(db_task_result)
        except BaseException:
            # The library could not record the outcome (the database went away): recover the job
            # once the database answers again.
            if job_id is not None:
                self.interrupted.append(job_id)
            raise
        finally:
            self.current_job_id = None

    def _recover_interrupted(self) -> None:
        while self.interrupted:
            job_id = self.interrupted[0]
            jobs.job_recover(job_id)
            self.interrupted.pop(0)

    # --- the heartbeat thread ---------------------------------------------------------------------

    def _beat_loop(self) -> None:
        last_recover = 0.0
        while not self._stop.is_set():
            try:
                self.beat()
                if time.monotonic() - last_recover >= jobs.RECOVER_INTERVAL:
                    last_recover = time.monotonic()
                    recovered = jobs.jobs_recover_stale()
                    if recovered:
                        logger.warning("worker %s recovered stuck jobs: %s", self.worker_id, recovered)
            except DatabaseError as error:
                logger.warning("worker %s: heartbeat not written (%s)", self.worker_id, jobs.first_line(error))
                connections.close_all()  # this thread's own connections
            except Exception:
                logger.exception("worker %s: heartbeat thread error", self.worker_id)
            self._stop.wait(jobs.HEARTBEAT_INTERVAL)
        connections.close_all()

    def beat(self) -> None:
        """Write this worker's last poll and its running job's heartbeat."""
        now = timezone.now()
        WorkerBeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "queues": ",".join(self.queue_names)[:200],
                "started_at": self.started_at,
                "last_poll_at": self.last_poll_at,
                "last_beat_at": now,
            },
        )
        job_id = self.current_job_id
        if job_id is not None:
            jobs.job_heartbeat(job_id)

    def _forget_beat(self) -> None:
        try:
            WorkerBeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            pass
