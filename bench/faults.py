#!/usr/bin/env python
"""Fault experiments: `make faults`.

Starts Suishin as production does (bin/serve: gunicorn + two supervised task workers) on a PostgreSQL
database of its own, on loopback only, loads it with logged-in page views and 工程表 imports queued
every 0.3 s, and injects, one after the other, bounded in time:
  1. database connections killed (pg_terminate_backend every 0.5 s for FAULT_SECONDS),
  2. database connections refused for FAULT_SECONDS (ALLOW_CONNECTIONS false, then true again),
  3. the task worker SIGKILLed while it runs an import,
  4. a gunicorn worker SIGKILLed under load,
  5. a backup taken while imports and page views write, then restored into an empty database, where
     `restore` checks every table against the manifest taken from the backup's own snapshot.
Prints one table: requests, errors seen (5xx other than 503, 503, socket errors), time to recover (from
the end of the fault to the first good page and to the last job ended), jobs done / failed / stuck, and
data lost (jobs that never ended, or an import reported done whose change is not in the database).
Environment: PGURL (default postgresql://postgres@127.0.0.1:5432), FAULT_SECONDS (default 10),
FAULTS_DB (default suishin_faults), FAULTS_PORT (default 8300).
"""

import http.cookiejar
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PGURL = os.environ.get("PGURL", "postgresql://postgres@127.0.0.1:5432")
DBNAME = os.environ.get("FAULTS_DB", "suishin_faults")
PORT = int(os.environ.get("FAULTS_PORT", "8300"))
BASE = f"http://127.0.0.1:{PORT}"
FAULT_SECONDS = float(os.environ.get("FAULT_SECONDS", "10"))
DATABASE_URL = f"{PGURL}/{DBNAME}"


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PGURL}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def terminate_backends() -> int:
    import psycopg

    with psycopg.connect(f"{PGURL}/postgres", autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [DBNAME],
        ).fetchone()
    return row[0]


# --- Django side: the script queues imports and checks the data as the app sees it -----------------


def django_setup() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATABASE_URL=DATABASE_URL,
        SECRET_KEY=os.environ.get("SECRET_KEY", "faults-only-key-" + "x" * 40),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SUISHIN_PLAIN_HTTP="1",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def with_db(function, *args, attempts: int = 200):
    """Run `function` against the database, waiting out the faults this script injects itself."""
    from django.db import DatabaseError, connections

    for _ in range(attempts):
        try:
            return function(*args)
        except DatabaseError:
            connections.close_all()
            time.sleep(0.1)
    raise SystemExit("the database did not come back")


class Imports:
    """Queue 工程表 imports, each changing one measure's title to a value of its own."""

    def __init__(self):
        from suishin.plans.models import Plan

        self.plan = Plan.objects.select_related("organization").first()
        self.queued: dict[int, str] = {}  # job id → the title its file sets
        self.count = 0

    def queue_heavy(self) -> int:
        """Queue a big 工程表 file (4,000 extra rows of unique text, over LARGE_JOB_BYTES): the large queue."""
        import io
        import secrets

        from suishin.core.jobs import job_start
        from suishin.plans.spreadsheets import roadmap_workbook
        from suishin.plans.tasks import roadmap_import_task

        workbook = roadmap_workbook(self.plan)
        sheet = workbook.active
        for row in range(4000):
            sheet.append([f"99-{row:04d}", "重点取組事項", secrets.token_hex(60), secrets.token_hex(60)])
        data = io.BytesIO()
        workbook.save(data)
        job = job_start(
            actor=self.actor(),
            kind="roadmap_import",
            title="大きな取込み",
            target=self.plan,
            task=roadmap_import_task,
            payload=data.getvalue(),
        )
        return job.pk, len(data.getvalue()) // 1024

    def actor(self):
        from suishin.tenants.actor import actor_for_user
        from suishin.tenants.models import Membership, Role

        member = Membership.objects.filter(organization=self.plan.organization, role=Role.SECRETARIAT).first()
        return actor_for_user(member.user, organization_id=self.plan.organization_id)

    def queue_one(self) -> int:
        import io

        from suishin.core.jobs import job_start
        from suishin.plans.spreadsheets import FIRST_DATA_ROW, roadmap_workbook
        from suishin.plans.tasks import roadmap_import_task
        from suishin.tenants.actor import actor_for_user
        from suishin.tenants.models import Membership, Role

        self.count += 1
        title = f"障害試験の施策 {self.count}"
        workbook = roadmap_workbook(self.plan)
        workbook.active.cell(FIRST_DATA_ROW, 3).value = title
        data = io.BytesIO()
        workbook.save(data)
        member = Membership.objects.filter(organization=self.plan.organization, role=Role.SECRETARIAT).first()
        actor = actor_for_user(member.user, organization_id=self.plan.organization_id)
        job = job_start(
            actor=actor,
            kind="roadmap_import",
            title="障害試験",
            target=self.plan,
            task=roadmap_import_task,
            payload=data.getvalue(),
        )
        self.queued[job.pk] = title
        return job.pk

    def outcome(self) -> dict:
        from suishin.core.models import Job
        from suishin.plans.models import Measure

        jobs = {j.pk: j for j in Job.objects.filter(pk__in=self.queued)}
        done = [pk for pk, j in jobs.items() if j.status == Job.Status.DONE]
        failed = [pk for pk, j in jobs.items() if j.status == Job.Status.FAILED]
        stuck = [pk for pk in self.queued if pk not in jobs or not jobs[pk].is_finished]
        lost = len(stuck)
        if done:
            last = max(done, key=lambda pk: jobs[pk].updated_at)
            titles = set(Measure.objects.filter(plan=self.plan).values_list("title", flat=True))
            if self.queued[last] not in titles:
                lost += 1  # an import said done, and its change is not there
        return {
            "done": len(done),
            "failed": len(failed),
            "stuck": len(stuck),
            "lost": lost,
            "retried": sum(1 for j in jobs.values() if j.attempts),
        }

    def all_ended(self) -> bool:
        from suishin.core.models import Job

        return not Job.objects.filter(pk__in=self.queued, status__in=["queued", "running"]).exists()


# --- HTTP load ----------------------------------------------------------------------------------


class Load:
    """Logged-in page views from a few threads; counts what came back and when the last good page was."""

    def __init__(self, threads: int = 3):
        self.stats = {"requests": 0, "ok": 0, "503": 0, "5xx": 0, "socket": 0, "other": 0}
        self.last_ok = 0.0
        self.first_ok_after: float | None = None
        self.mark = float("inf")
        self.lock = threading.Lock()
        self.running = True
        self.openers = [self.login() for _ in range(threads)]
        self.threads = [threading.Thread(target=self.loop, args=(o,), daemon=True) for o in self.openers]

    @staticmethod
    def login():
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(f"{BASE}/login/", timeout=10).read()
        token = next(c.value for c in jar if c.name == "csrftoken")
        form = {"username": "kamisato-staff", "password": "suishin-demo-2023", "csrfmiddlewaretoken": token}
        request = urllib.request.Request(
            f"{BASE}/login/", data=urllib.parse.urlencode(form).encode(), headers={"Referer": f"{BASE}/login/"}
        )
        opener.open(request, timeout=10).read()
        return opener

    def start(self):
        for thread in self.threads:
            thread.start()

    def reset(self, mark: float = float("inf")):
        with self.lock:
            self.stats = dict.fromkeys(self.stats, 0)
            self.first_ok_after = None
            self.mark = mark

    def loop(self, opener):
        while self.running:
            outcome = "ok"
            try:
                with opener.open(f"{BASE}/plans/", timeout=10) as response:
                    response.read()
                    if "/login/" in response.url:
                        raise SystemExit("the load is not logged in")
            except urllib.error.HTTPError as error:
                outcome = "503" if error.code == 503 else "5xx" if error.code >= 500 else "other"
            except OSError:
                outcome = "socket"
            now = time.monotonic()
            with self.lock:
                self.stats["requests"] += 1
                self.stats[outcome] += 1
                if outcome == "ok" and now > self.mark and self.first_ok_after is None:
                    self.first_ok_after = now
            if outcome != "ok":
                time.sleep(0.05)


# --- the experiments -----------------------------------------------------------------------------


def server_children(server) -> list[tuple[int, int, str]]:
    out = subprocess.run(["ps", "-eo", "pid=,ppid=,pgid=,args="], capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        pid, ppid, pgid, args = line.split(None, 3)
        if int(pgid) == server.pid:
            rows.append((int(pid), int(ppid), args))
    return rows


def queue_latency(imports) -> dict:
    """Queue a heavy import, then an ordinary one at once: how long until the ordinary one starts?"""
    from suishin.core.models import Job

    heavy, heavy_kb = with_db(imports.queue_heavy)
    queued = time.monotonic()
    ordinary = with_db(imports.queue_one)
    started = None
    while time.monotonic() - queued < 60:
        job = with_db(lambda: Job.objects.get(pk=ordinary))
        if started is None and job.status != Job.Status.QUEUED:
            started = time.monotonic() - queued
        heavy_job = with_db(lambda: Job.objects.get(pk=heavy))
        if started is not None and heavy_job.is_finished:
            break
        time.sleep(0.02)
    heavy_job = with_db(lambda: Job.objects.get(pk=heavy))
    return {
        "ordinary_started": started if started is not None else float("inf"),
        "heavy_seconds": (heavy_job.updated_at - heavy_job.created_at).total_seconds(),
        "heavy_kb": heavy_kb,
    }


def run_experiment(name, load, imports, fault) -> dict:
    """Queue imports every 0.3 s while `fault()` runs; then measure the recovery."""
    load.reset()
    before = time.monotonic()
    stop = threading.Event()

    def feeder():
        while not stop.is_set():
            with_db(imports.queue_one)
            stop.wait(0.3)

    imports.queued.clear()
    thread = threading.Thread(target=feeder, daemon=True)
    thread.start()
    fault()
    fault_end = time.monotonic()
    load.mark = fault_end
    time.sleep(1.5)
    stop.set()
    thread.join()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not with_db(imports.all_ended):
        time.sleep(0.2)
    jobs_end = time.monotonic()
    outcome = with_db(imports.outcome)
    with load.lock:
        stats = dict(load.stats)
        first_ok = load.first_ok_after
    return {
        "name": name,
        **stats,
        **outcome,
        "page_recovery": (first_ok - fault_end) if first_ok else None,
        "jobs_recovery": jobs_end - fault_end,
        "seconds": fault_end - before,
    }


def main() -> None:
    import psycopg

    with psycopg.connect(f"{PGURL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DBNAME}" WITH (FORCE)')  # this script's own database
        connection.execute(f'CREATE DATABASE "{DBNAME}"')
    env = os.environ | {"DATABASE_URL": DATABASE_URL, "BIND": f"127.0.0.1:{PORT}", "WEB_CONCURRENCY": "2"}
    # Production settings, so that the demo passwords are hashed as the server checks them.
    setup_env = env | {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "faults-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    subprocess.run(
        [PY, "manage.py", "migrate", "-v0"],
        env=setup_env,
        cwd=ROOT,
        check=True,
    )
    subprocess.run(
        [PY, "manage.py", "load_demo", "--quiet-logins"],
        env=setup_env,
        cwd=ROOT,
        check=True,
    )
    log = open(ROOT / "bench" / "results" / "faults-server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [str(ROOT / "bin" / "serve")], env=env, cwd=ROOT, start_new_session=True, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{BASE}/login/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        django_setup()
        imports = with_db(Imports)
        load = Load()
        load.start()
        rows = []

        def kill_connections():
            end = time.monotonic() + FAULT_SECONDS
            while time.monotonic() < end:
                terminate_backends()
                time.sleep(0.5)

        def refuse_connections():
            admin(f'ALTER DATABASE "{DBNAME}" ALLOW_CONNECTIONS false')
            try:
                terminate_backends()
                time.sleep(FAULT_SECONDS)
            finally:
                admin(f'ALTER DATABASE "{DBNAME}" ALLOW_CONNECTIONS true')

        def kill_task_worker():
            from suishin.core.models import Job

            for _ in range(40):  # catch an import while it runs, then SIGKILL the worker that has it
                job = with_db(lambda: Job.objects.filter(status="running").exclude(worker_id="").first())
                if job is not None:
                    pid = int(job.worker_id.split(":")[1])
                    try:
                        os.kill(pid, signal.SIGKILL)
                        print(f"  killed task worker {pid} running job {job.pk}", file=sys.stderr)
                        break
                    except ProcessLookupError:
                        pass
                time.sleep(0.005)
            time.sleep(2)

        def kill_web_worker():
            end = time.monotonic() + FAULT_SECONDS
            while time.monotonic() < end:
                masters = [
                    pid
                    for pid, ppid, args in server_children(server)
                    if "gunicorn" in args and ppid not in {p for p, _, a in server_children(server) if "gunicorn" in a}
                ]
                workers = [pid for pid, ppid, args in server_children(server) if ppid in masters]
                if workers:
                    os.kill(workers[0], signal.SIGKILL)
                time.sleep(FAULT_SECONDS / 3)

        backups: dict[str, str] = {}

        def backup_during_edits():
            """Back up while the feeder's imports and the page load write, then restore the archive
            into an empty database: `restore` refuses unless every table matches the manifest."""
            archive = ROOT / "bench" / "results" / "faults-backup.tar.gz"
            archive.unlink(missing_ok=True)
            time.sleep(1)  # let writes be under way
            started = time.monotonic()
            made = subprocess.run(
                [PY, "manage.py", "backup", str(archive)], env=setup_env, cwd=ROOT, capture_output=True, text=True
            )
            backups["backup"] = f"{time.monotonic() - started:.1f} s" if made.returncode == 0 else "failed"
            target = f"{DBNAME}_restored"
            admin(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
            admin(f'CREATE DATABASE "{target}"')
            try:
                restored = subprocess.run(
                    [PY, "manage.py", "restore", str(archive)],
                    env=setup_env | {"DATABASE_URL": f"{PGURL}/{target}"},
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                )
                backups["restore"] = "verified" if restored.returncode == 0 else "REFUSED: " + restored.stderr[-300:]
            finally:
                admin(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')

        for name, fault in (
            ("DB connections killed every 0.5 s", kill_connections),
            (f"DB refusing connections for {FAULT_SECONDS:.0f} s", refuse_connections),
            ("task worker SIGKILLed mid-import", kill_task_worker),
            ("gunicorn worker SIGKILLed (×3)", kill_web_worker),
            ("backup during edits, then restore", backup_during_edits),
        ):
            print(f"== {name}", file=sys.stderr, flush=True)
            rows.append(run_experiment(name, load, imports, fault))
        latency = queue_latency(imports)
        load.running = False
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        admin(f'ALTER DATABASE "{DBNAME}" ALLOW_CONNECTIONS true')
    log.close()
    lines = render(rows)
    if latency:
        lines += (
            f"\n\nAn ordinary import queued behind a heavy one ({latency['heavy_kb']} KB, large queue) started after "
            f"{latency['ordinary_started']:.2f} s (target ≤ 1 s); the heavy one took {latency['heavy_seconds']:.1f} s."
        )
    if backups:
        lines += f"\n\nBackup during edits: taken in {backups.get('backup')}, restore {backups.get('restore')}."
    print(lines)
    (ROOT / "bench" / "results" / "faults.md").write_text(lines + "\n")


def render(rows) -> str:
    head = (
        "| fault | pages | 5xx (not 503) | 503 | socket errors | first good page after | jobs | done / retried / "
        "failed / stuck | all jobs ended after | data lost |"
    )
    out = [head, "|" + "---|" * 10]
    for r in rows:
        page = f"{r['page_recovery']:.2f} s" if r["page_recovery"] is not None else "-"
        out.append(
            f"| {r['name']} | {r['requests']} | {r['5xx']} | {r['503']} | {r['socket']} | {page} | "
            f"{r['done'] + r['failed'] + r['stuck']} | {r['done']} / {r['retried']} / {r['failed']} / {r['stuck']} | "
            f"{r['jobs_recovery']:.1f} s | {r['lost']} |"
        )
    return "\n".join(out)


if __name__ == "__main__":
    main()
