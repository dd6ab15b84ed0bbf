#!/usr/bin/env python
"""National-scale benchmark: `make bench`.

For each data size (1 town, then all 1,788 団体) it seeds (or reuses) a PostgreSQL database, starts
Suishin as production does (bin/serve: gunicorn, DEBUG off, task worker), loads it from this second
process on loopback only (wrk, 8 connections, bounded in time, warm-up excluded), and prints one table.
Then, with a server up for each size, it measures each per-town page on both in turn for the growth
ratio. The table is also written to bench/results/. `bench/run.py --levels` runs only the comparison of the
工程表 of 4 levels with today's (on the first size; seeds it if needed). Environment: BENCH_SIZES (default "1,1788"),
BENCH_SECONDS (default 10), BENCH_WARMUP (default 2), BENCH_GROWTH_SECONDS (default 5),
PGURL (default postgresql://postgres@127.0.0.1:5432).
"""

import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from datetime import datetime
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PORT = int(os.environ.get("BENCH_PORT", "8200"))
BASE = f"http://127.0.0.1:{PORT}"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "2"))
CONNECTIONS = 8
PGURL = os.environ.get("PGURL", "postgresql://postgres@127.0.0.1:5432")


# --- orchestration (the parent process) -----------------------------------------------------


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1,1788").split(",")]
    phases = {}
    for size in sizes:
        print(f"== phase: {size} organization(s)", flush=True)
        env = os.environ | {"DATABASE_URL": f"{PGURL}/suishin_bench_{size}"}
        out = subprocess.run([PY, __file__, "--phase", str(size)], env=env, cwd=ROOT, capture_output=True, text=True)
        sys.stderr.write(out.stderr[-3000:])
        lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
        if out.returncode != 0 or not lines:
            print(out.stdout[-3000:])
            raise SystemExit(f"phase {size} failed")
        phases[size] = json.loads(lines[-1])
    growth = interleaved_growth(min(sizes), max(sizes)) if len(sizes) >= 2 else {}
    table = render(phases, growth)
    print(table)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    path = results / f"{datetime.now().astimezone():%Y%m%d-%H%M%S}.md"
    path.write_text(table, encoding="utf-8")
    print(f"written: {path.relative_to(ROOT)}")


def ms(value) -> str:
    return "-" if value is None else f"{value:.1f}"


def render(phases: dict, growth: dict | None = None) -> str:
    lines = [
        f"Suishin benchmark {datetime.now().astimezone():%Y-%m-%d %H:%M} — {os.cpu_count()} cores, "
        f"{CONNECTIONS} connections, "
        f"{SECONDS} s per scenario after {WARMUP} s warm-up",
        "",
        "| data | scenario | req/s | p50 ms | p95 ms | p99 ms | errors | queries/req | SQL ms/req | p50 ÷ SQL |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size, phase in phases.items():
        for row in phase["scenarios"]:
            ratio = row["p50_ms"] / row["sql_ms"] if row.get("sql_ms") else None
            lines.append(
                f"| {size} | {row['name']} | {row['rps']:.1f} | {ms(row['p50_ms'])} | {ms(row['p95_ms'])} | "
                f"{ms(row['p99_ms'])} | {row['errors']} | {row['queries']} | {ms(row['sql_ms'])} | "
                f"{'-' if ratio is None else f'{ratio:.1f}'} |"
            )
    lines.append("")
    for size, phase in phases.items():
        imp = phase["import"]
        lines.append(
            f"- {size}: 工程表 import of {imp['rows']} rows, openpyxl's read-only parse {imp['openpyxl_ms']:.0f} ms; "
            f"read+check+apply {imp['in_process_ms']:.0f} ms when every span changes "
            f"(ratio {imp['in_process_ms'] / imp['openpyxl_ms']:.2f}), {imp['unchanged_ms']:.0f} ms when the plan "
            f"already matches (ratio {imp['unchanged_ms'] / imp['openpyxl_ms']:.2f}); "
            f"upload→job done over HTTP p50 {imp['http_p50_ms']:.0f} ms"
        )
        for big in phase.get("oversized_import", []):
            lines.append(
                f"- {size}: oversized import ({big['file']}, {big['kb']:.0f} KB): refused in-process in "
                f"{big['in_process_ms']:.0f} ms; upload→refusal over HTTP {big['http_ms']:.0f} ms (the task worker "
                f"polls every 0.5 s); task worker RSS +{big['worker_growth_mb']:.0f} MB "
                f"(peak {big['worker_peak_mb']:.0f} MB)"
            )
        if levels := phase.get("levels"):
            lines.append(levels_line(size, levels))
        lines.append(
            f"- {size}: worker RSS after the run: max {phase['rss_mb']:.0f} MB over {phase['workers']} workers"
        )
        if burst := phase.get("login_burst"):
            lines.append(
                f"- {size}: log-in burst of {burst['count']} from 16 connections: {burst['per_s']:.1f} log-ins/s, "
                f"{burst['errors']} errors; peak RSS of one worker during it {burst['peak_rss_mb']:.0f} MB"
            )
        lines.append(f"- {size}: seed {phase['seed_s']:.1f} s")
    if growth:
        small, large = min(phases), max(phases)
        lines += [
            "",
            f"Growth ({large} vs {small} organizations, per-town pages, p50 ratio; both servers up, runs "
            f"interleaved {GROWTH_ORDER} so that drift of the machine cancels out):",
            "",
        ]
        lines += [f"- {name}: {ratio:.2f}" for name, ratio in growth.items()]
    return "\n".join(lines) + "\n"


# --- levels: the 工程表 of a plan of 4 levels against today's, in turn on one server -------------

LEVELS_ORDER = "today's, 4 levels, 4 levels, today's"


def levels_scenario(town, cookie, seconds: int | None = None) -> dict:
    """Return the rate (req/s) of today's 工程表 page (1 level of items + 80 measures) and of the 4-level
    page (3 levels of items + the same 80 measures), each measured twice in turn so that drift cancels out."""
    from bench.scenarios import LEVELS_PAGES, LEVELS_TARGET, PAGES

    seconds = seconds or GROWTH_SECONDS
    by_name = {s.name: s for s in PAGES}
    base, leveled = (by_name[name].url(town) for name in LEVELS_PAGES)
    rates: dict[str, list[float]] = {base: [], leveled: []}
    for url in (base, leveled):
        wrk(url, cookie, WARMUP)
    for url in (base, leveled, leveled, base):
        result = wrk(url, cookie, seconds)
        if result["non2xx"] + result["errors"]:
            raise SystemExit(f"{url}: {result['non2xx'] + result['errors']} errors")
        rates[url].append(result["requests"] / (result["duration_us"] / 1e6))
    # The target travels with the result: the parent process that writes the table has no Django to import it.
    result = {
        "base_rps": statistics.mean(rates[base]),
        "leveled_rps": statistics.mean(rates[leveled]),
        "target": LEVELS_TARGET,
    }
    result["ratio"] = result["leveled_rps"] / result["base_rps"]
    print(f"  工程表 4 levels ÷ today's: {result['ratio']:.2f}", file=sys.stderr)
    return result


def levels_line(size, levels: dict) -> str:
    target = levels["target"]
    verdict = "met" if levels["ratio"] >= target else "NOT met"
    return (
        f"- {size}: 工程表 of 4 levels (柱 → 大項目 → 中項目 → 80 個別項目) {levels['leveled_rps']:.1f} req/s against "
        f"today's shape (重点取組事項 → 80 施策) {levels['base_rps']:.1f} req/s: {levels['ratio']:.2f}× "
        f"(target ≥ {target}×: {verdict}; runs in turn {LEVELS_ORDER})"
    )


def levels_only() -> None:
    """Seed the first size if needed, serve it, and time only the 工程表 of 4 levels against today's."""
    size = int(os.environ.get("BENCH_SIZES", "1").split(",")[0])
    os.environ.setdefault("DATABASE_URL", f"{PGURL}/suishin_bench_{size}")
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("bench_seed", organizations=size, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    from bench.scenarios import bench_town

    town = bench_town()
    server = start_server()
    try:
        _opener, cookie = login(town)
        print(levels_line(size, levels_scenario(town, cookie)))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


# --- growth: one server per data size, the same page measured on each in turn ---------------

GROWTH_ORDER = "small, large, large, small"
GROWTH_SECONDS = int(os.environ.get("BENCH_GROWTH_SECONDS", "5"))


def interleaved_growth(small: int, large: int) -> dict[str, float]:
    """Return p50(large) ÷ p50(small) for each per-town page, measured alternately on two live servers.

    Phases run minutes apart, and a shared machine's speed drifts by more than the 10% to detect;
    alternating small, large, large, small on servers that are both up makes the drift cancel out.
    """
    print(f"== growth: {small} vs {large} organizations, interleaved", flush=True)
    probes = {}
    try:
        for offset, size in enumerate((small, large), start=1):
            env = os.environ | {"DATABASE_URL": f"{PGURL}/suishin_bench_{size}", "BENCH_PORT": str(PORT + offset)}
            probes[size] = subprocess.Popen(
                [PY, __file__, "--probe"], env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
            )
            pages = _probe_reply(probes[size]).get("pages")
            if not pages:
                raise SystemExit(f"the {size} server did not start")
        growth = {}
        for name in pages:
            p50 = {small: [], large: []}
            for size in (small, large, large, small):
                probes[size].stdin.write(name + "\n")
                probes[size].stdin.flush()
                p50[size].append(_probe_reply(probes[size])["p50_ms"])
            growth[name] = statistics.mean(p50[large]) / statistics.mean(p50[small])
            print(f"  {name}: {growth[name]:.2f}", file=sys.stderr)
        return growth
    finally:
        for probe in probes.values():
            if probe.poll() is None:
                probe.stdin.close()
                probe.wait(timeout=60)


def _probe_reply(probe) -> dict:
    for line in probe.stdout:
        if line.startswith("{"):
            return json.loads(line)
    raise SystemExit("a growth probe stopped")


def probe() -> None:
    """Serve one data size and, for each page name read from stdin, print its p50 under load (a child)."""
    setup_django()
    from bench.scenarios import PAGES, bench_town

    town = bench_town()
    server = start_server()
    try:
        opener, cookie = login(town)
        by_name = {s.name: s for s in PAGES if s.per_town}
        print(json.dumps({"pages": list(by_name)}), flush=True)
        for line in sys.stdin:
            url = by_name[line.strip()].url(town)
            wrk(url, cookie, WARMUP)
            result = wrk(url, cookie, GROWTH_SECONDS)
            print(json.dumps({"p50_ms": result["p50_us"] / 1000}), flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


# --- one phase (a child process with DATABASE_URL set) --------------------------------------


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    os.environ.setdefault("SECRET_KEY", uuid.uuid4().hex + uuid.uuid4().hex)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ["SUISHIN_PLAIN_HTTP"] = "1"
    sys.path.insert(0, str(ROOT))
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()


def phase(size: int) -> dict:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("bench_seed", organizations=size, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    seed_seconds = time.perf_counter() - started

    from bench.scenarios import bench_town

    vacuum(os.environ["DATABASE_URL"])
    town = bench_town()
    server = start_server()
    try:
        opener, cookie = login(town)
        scenarios = [login_scenario(town)]
        login_burst = login_burst_scenario(town, server)
        scenarios += [page_scenario(s, town, opener, cookie) for s in page_scenarios()]
        levels = levels_scenario(town, cookie)
        scenarios.append(measure_edit_scenario(town, opener))
        vacuum(os.environ["DATABASE_URL"])  # the edits left thousands of dead row versions behind
        result = {
            "scenarios": scenarios,
            "levels": levels,
            "import": import_scenario(town, opener),
            "oversized_import": oversized_import_scenario(town, opener, server),
            "seed_s": seed_seconds,
            "login_burst": login_burst,
        }
        result["rss_mb"], result["workers"] = worker_rss()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return result


def page_scenarios():
    from bench.scenarios import PAGES

    return PAGES


def ensure_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(url.replace(parts.path, "/postgres", 1), autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def vacuum(url: str) -> None:
    """VACUUM ANALYZE the database, as autovacuum keeps a production one (it may be off on a test server).

    The write scenarios rewrite the same rows hundreds of times; without this, later scenarios and later
    runs would measure dead rows left by earlier ones rather than Suishin.
    """
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        if connection.execute("SHOW autovacuum").fetchone()[0] != "on":
            print("  (autovacuum is off on this server: the benchmark vacuums between scenarios)", file=sys.stderr)
        connection.execute("VACUUM ANALYZE")
        try:  # write out now the pages vacuum dirtied, rather than during the next scenarios
            connection.execute("CHECKPOINT")
        except psycopg.errors.InsufficientPrivilege:
            pass


def start_server() -> subprocess.Popen:
    with socket.socket() as probe:  # a server left over from an interrupted run would be measured instead
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            raise SystemExit(f"port {PORT} is already in use: stop the earlier server (pkill -f gunicorn) first")
    env = os.environ | {"BIND": f"127.0.0.1:{PORT}", "SUISHIN_QUERY_STATS": "1"}
    server = subprocess.Popen(
        [str(ROOT / "bin" / "serve")],
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{BASE}/login/", timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("the server did not start")


def login_form(town):
    """Open the login form with a new cookie jar; return the opener, the jar and the POST of the credentials."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    opener.open(f"{BASE}/login/").read()
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    data = urllib.parse.urlencode(
        {"username": town.username, "password": town.password, "csrfmiddlewaretoken": csrf}
    ).encode()
    return opener, jar, urllib.request.Request(f"{BASE}/login/", data=data, headers={"Referer": f"{BASE}/login/"})


def login(town):
    opener, jar, request = login_form(town)
    response = opener.open(request)
    if response.status != 302:
        raise SystemExit("login failed")
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return opener, cookie


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, request, response, code, message, headers):
        return response


def sample_stats(opener, url: str, count: int = 10) -> tuple[int, float]:
    """Request `url` a few times; return its query count and average SQL time from the headers."""
    queries, sql = [], []
    for _ in range(count):
        with opener.open(f"{BASE}{url}") as response:
            response.read()
            if response.status != 200:
                raise SystemExit(f"{url} answered {response.status}")
            queries.append(int(response.headers["X-Query-Count"]))
            sql.append(float(response.headers["X-SQL-Time-Ms"]))
    return max(queries), statistics.mean(sql)


def wrk(url: str, cookie: str, seconds: int) -> dict:
    env = os.environ | {"BENCH_COOKIE": cookie}
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "wrk.lua"),
            f"{BASE}{url}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    return json.loads([line for line in out.stdout.splitlines() if line.startswith("{")][-1])


def page_scenario(scenario, town, opener, cookie) -> dict:
    url = scenario.url(town)
    queries, sql_ms = sample_stats(opener, url)
    wrk(url, cookie, WARMUP)
    result = wrk(url, cookie, SECONDS)
    print(f"  {scenario.name}: {result['requests'] / (result['duration_us'] / 1e6):.1f} req/s", file=sys.stderr)
    return {
        "name": scenario.name,
        "per_town": scenario.per_town,
        "rps": result["requests"] / (result["duration_us"] / 1e6),
        "p50_ms": result["p50_us"] / 1000,
        "p95_ms": result["p95_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "errors": result["non2xx"] + result["errors"],
        "queries": queries,
        "sql_ms": sql_ms,
    }


def timed_threads(name: str, attempt) -> dict:
    """Run `attempt()` from 8 threads for WARMUP + SECONDS seconds; summarise the measured part.

    `attempt` returns (seconds, ok, response) for one request; the warm-up is not counted.
    """
    latencies, queries, sql, errors = [], [], [], [0]
    lock = threading.Lock()
    measure_from = time.time() + WARMUP
    stop_at = measure_from + SECONDS

    def worker(index):
        from django.db import close_old_connections

        try:
            while time.time() < stop_at:
                elapsed, ok, response = attempt(index)
                now = time.time()
                if measure_from <= now < stop_at:
                    with lock:
                        latencies.append(elapsed * 1000)
                        queries.append(int(response.headers.get("X-Query-Count", 0)))
                        sql.append(float(response.headers.get("X-SQL-Time-Ms", 0)))
                        errors[0] += 0 if ok else 1
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "name": name,
        "per_town": True,
        "rps": len(latencies) / SECONDS,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "errors": errors[0],
        "queries": max(queries) if queries else 0,
        "sql_ms": statistics.mean(sql) if sql else None,
    }


def login_scenario(town) -> dict:
    """Log in from 8 threads: the login form, then the POST of the credentials (which is timed)."""

    def attempt(index):
        opener, _jar, request = login_form(town)
        started = time.perf_counter()
        with opener.open(request) as response:
            response.read()
            return time.perf_counter() - started, response.status == 302, response

    return timed_threads("log in", attempt)


LOGIN_BURST = int(os.environ.get("BENCH_LOGIN_BURST", "300"))


def login_burst_scenario(town, server, count: int = LOGIN_BURST) -> dict:
    """Log in `count` times at once from 16 threads (staff arriving at 8:30): form, then credentials.

    Return the log-ins per second over the whole burst and the peak resident memory of any one gunicorn
    worker during it, the cost the password hash sets. The peak is the kernel's high-water mark (VmHWM),
    reset before the burst through /proc/<pid>/clear_refs, so nothing samples while it runs.
    """
    workers = _gunicorn_workers(server.pid)
    for pid in workers:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # 5: reset the peak resident set size
    todo = list(range(count))
    lock = threading.Lock()
    failures = [0]

    def worker():
        while True:
            with lock:
                if not todo:
                    return
                todo.pop()
            opener, _jar, request = login_form(town)
            with opener.open(request) as response:
                response.read()
                if response.status != 302:
                    with lock:
                        failures[0] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    peaks = [_status_mb(pid, "VmHWM") for pid in workers]
    result = {"count": count, "per_s": count / elapsed, "errors": failures[0]}
    result["peak_rss_mb"] = max((p for p in peaks if p is not None), default=0.0)
    print(f"  log-in burst: {result['per_s']:.1f}/s, worker peak {result['peak_rss_mb']:.0f} MB", file=sys.stderr)
    return result


def _gunicorn_workers(session: int) -> list[int]:
    """Return the pids of this run's gunicorn workers (their parent, the master, left out).

    Only processes of the server's own session count: another gunicorn on the machine is not ours.
    """
    out = subprocess.run(["pgrep", "-s", str(session), "-f", "gunicorn config.wsgi"], capture_output=True, text=True)
    pids = {int(pid) for pid in out.stdout.split()}
    parents = {}
    for pid in pids:
        try:
            parents[pid] = int(re.search(r"PPid:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1))
        except OSError:
            continue
    return [pid for pid, parent in parents.items() if parent in pids]


def _status_mb(pid: int, key: str) -> float | None:
    try:
        return int(re.search(rf"{key}:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1)) / 1024
    except OSError:
        return None


def measure_edit_scenario(town, opener) -> dict:
    """POST the measure edit form from 8 threads, each on its own measures (so no save is stale)."""
    from bench.scenarios import MEASURE_EDIT_PATH, measure_edit_form
    from suishin.plans.models import Measure

    token = csrf_token(opener)
    rounds = [0] * CONNECTIONS

    def attempt(index):
        ids = town.measure_ids[index::CONNECTIONS]
        rounds[index] += 1
        measure_id = ids[rounds[index] % len(ids)]
        measure = Measure.objects.prefetch_related("ownerships").get(pk=measure_id)
        form = measure_edit_form(measure, rounds[index]) | {"csrfmiddlewaretoken": token}
        url = f"{BASE}{MEASURE_EDIT_PATH.format(measure=measure_id)}"
        request = urllib.request.Request(
            url, data=urllib.parse.urlencode(form, doseq=True).encode(), headers={"Referer": url}
        )
        started = time.perf_counter()
        with opener.open(request) as response:
            response.read()
            return time.perf_counter() - started, response.status == 302, response

    return timed_threads("measure edit (POST)", attempt)


def csrf_token(opener) -> str:
    for handler in opener.handlers:
        jar = getattr(handler, "cookiejar", None)
        if jar is not None:
            return next(c.value for c in jar if c.name == "csrftoken")
    raise SystemExit("no csrf cookie")


def percentile(values: list[float], pct: int) -> float | None:
    if not values:
        return None
    index = min(len(values) - 1, max(0, round(pct / 100 * len(values)) - 1))
    return values[index]


def import_scenario(town, opener, runs: int = 5) -> dict:
    """Time the 500-row import in-process beside openpyxl's read-only parse, and end to end over HTTP."""
    from django.contrib.auth import get_user_model

    from bench.scenarios import IMPORT_PATH, time_import_in_process
    from suishin.core.models import Job
    from suishin.plans.models import Plan
    from suishin.tenants.actor import actor_for_user

    plan = Plan.objects.get(pk=town.plan_id)
    actor = actor_for_user(get_user_model().objects.get(username=town.username))
    in_process = time_import_in_process(plan, actor, runs)  # the same timing as bench/tabular_import.py
    files = in_process["files"]

    token = csrf_token(opener)
    http = []
    for run in range(runs):
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="roadmap.xlsx"\r\n'
                "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
            ).encode()
            + files[run % 2]
            + f"\r\n--{boundary}--\r\n".encode()
        )
        url = f"{BASE}{IMPORT_PATH.format(plan=town.plan_id)}"
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": url}
        )
        started = time.perf_counter()
        with opener.open(request) as response:
            response.read()
            location = response.headers["Location"]
        job_id = int(re.search(r"/jobs/(\d+)/", location).group(1))
        while Job.objects.filter(pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).exists():
            time.sleep(0.05)
        http.append(time.perf_counter() - started)
        job = Job.objects.get(pk=job_id)
        if job.status != Job.Status.DONE:
            raise SystemExit(f"import job failed: {job.result}")
    return {
        "rows": in_process["rows"],
        "openpyxl_ms": in_process["openpyxl_ms"],
        "in_process_ms": in_process["in_process_ms"],
        "unchanged_ms": in_process["unchanged_ms"],
        "http_p50_ms": statistics.median(http) * 1000,
    }


def oversized_import_scenario(town, opener, server) -> list[dict]:
    """Upload files that are small but hold far more than a 工程表 (340,000 rows; 1,000,000 merged ranges).

    For each: the time the reader takes to refuse it in this process, the time from upload to the job's
    refusal over HTTP, and the task worker's resident memory before and at its peak while it refused the
    file (sampled every 20 ms from /proc). Target: refused within 1 s, the worker growing by at most 50 MB.
    """
    from bench.scenarios import IMPORT_PATH, many_merged_ranges_file, many_rows_file
    from suishin.core.models import Job
    from suishin.tabular.uploads import UploadError, read_xlsx_grid

    found = subprocess.run(
        ["pgrep", "-s", str(server.pid), "-f", "db_worker|run_worker"], capture_output=True, text=True
    )
    workers = [int(pid) for pid in found.stdout.split()]  # whichever serves the queue of large uploads

    def rss_mb() -> dict[int, float]:
        rss = {}
        for pid in workers:
            status = Path(f"/proc/{pid}/status").read_text()
            rss[pid] = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
        return rss

    def sample(peak: dict[int, float], done: threading.Event) -> None:
        while not done.is_set():
            for pid, rss in rss_mb().items():
                peak[pid] = max(peak[pid], rss)
            time.sleep(0.02)

    token = csrf_token(opener)
    url = f"{BASE}{IMPORT_PATH.format(plan=town.plan_id)}"
    results = []
    for name, content in [("340,000 rows", many_rows_file()), ("1,000,000 merged ranges", many_merged_ranges_file())]:
        started = time.perf_counter()
        try:
            read_xlsx_grid(content)
        except UploadError:
            pass
        else:
            raise SystemExit(f"oversized import ({name}) was read whole")
        in_process = time.perf_counter() - started

        before, done = rss_mb(), threading.Event()
        peak = dict(before)
        sampler = threading.Thread(target=sample, args=(peak, done))
        sampler.start()
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="roadmap.xlsx"\r\n'
                "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": url}
        )
        started = time.perf_counter()
        with opener.open(request) as response:
            response.read()
            location = response.headers["Location"]
        job_id = int(re.search(r"/jobs/(\d+)/", location).group(1))
        while Job.objects.filter(pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).exists():
            if time.perf_counter() - started > 120:
                done.set()
                raise SystemExit(f"oversized import ({name}): no task worker took the job within 120 s")
            time.sleep(0.01)
        http = time.perf_counter() - started
        time.sleep(0.1)  # the worker's memory after it finished, too
        done.set()
        sampler.join()
        job = Job.objects.get(pk=job_id)
        if job.status != Job.Status.FAILED or len(job.result["problems"]) != 1:
            raise SystemExit(f"oversized import ({name}) was not refused with one message: {job.status}")
        grown = max(workers, key=lambda pid: peak[pid] - before[pid])  # the worker that ran the job
        results.append(
            {
                "file": name,
                "kb": len(content) / 1024,
                "in_process_ms": in_process * 1000,
                "http_ms": http * 1000,
                "worker_growth_mb": peak[grown] - before[grown],
                "worker_peak_mb": peak[grown],
            }
        )
        growth = peak[grown] - before[grown]
        print(f"  oversized import ({name}): {http * 1000:.0f} ms, worker +{growth:.0f} MB", file=sys.stderr)
    return results


def worker_rss() -> tuple[float, int]:
    """Return the largest resident memory of the gunicorn workers (MB) and how many there are."""
    out = subprocess.run(["pgrep", "-f", "gunicorn config.wsgi"], capture_output=True, text=True)
    rss = []
    for pid in out.stdout.split():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        rss.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    workers = max(len(rss) - 1, 0)  # one of them is the master
    return (max(rss) if rss else 0.0), workers


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--phase":
        print(json.dumps(phase(int(sys.argv[2]))))
    elif sys.argv[1:] == ["--probe"]:
        probe()
    elif sys.argv[1:] == ["--levels"]:
        levels_only()
    else:
        main()
