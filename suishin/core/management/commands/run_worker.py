"""`manage.py run_worker`: the background worker that outlives the database (see suishin/core/worker.py)."""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from suishin.core.worker import SuishinWorker, new_worker_id


class Command(DatabaseWorkerCommand):
    help = "Run the background worker: reconnects when the database goes away, heartbeats, recovers stuck jobs."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=None, reload=False)
        parser.add_argument("--no-heartbeat", action="store_false", dest="heartbeat", help="For tests only.")

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        max_tasks,
        worker_id,
        exclude_queues,
        heartbeat=True,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        worker = SuishinWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id or new_worker_id(),
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
            heartbeat=heartbeat,
        )
        worker.configure_signals()
        worker.run()
