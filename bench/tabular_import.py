#!/usr/bin/env python
"""Import benchmark, alone: `.venv/bin/python bench/tabular_import.py` (no server; PostgreSQL).

Seeds one bench town (reused when present) in DATABASE_URL's database (default
postgresql://postgres@127.0.0.1:5432/suishin_bench_import, created if missing), then times the 500-row
工程表 import in this process beside openpyxl's read-only parse of the same file, as `make bench` does
(bench/scenarios.py: `time_import_in_process`): RUNS rounds (BENCH_IMPORT_RUNS, default 15), median
and each round's ratio. Target: the full-rewrite import ≤ 1.0× openpyxl's parse.
"""

import os
import statistics
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_IMPORT_RUNS", "15"))


def main() -> None:
    os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/suishin_bench_import")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    os.environ.setdefault("SECRET_KEY", uuid.uuid4().hex + uuid.uuid4().hex)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ["SUISHIN_PLAIN_HTTP"] = "1"
    sys.path.insert(0, str(ROOT))
    from bench.run import ensure_database, vacuum

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from bench.scenarios import bench_town, time_import_in_process
    from suishin.plans.models import Plan
    from suishin.tenants.actor import actor_for_user

    call_command("migrate", verbosity=0)
    call_command("bench_seed", organizations=1, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    vacuum(os.environ["DATABASE_URL"])
    town = bench_town()
    plan = Plan.objects.get(pk=town.plan_id)
    actor = actor_for_user(get_user_model().objects.get(username=town.username))
    time_import_in_process(plan, actor, runs=3)  # warm-up: imports, caches, the plan's first rewrite
    result = time_import_in_process(plan, actor, runs=RUNS)
    ratios = result["ratios"]
    print(
        f"工程表 import of {result['rows']} rows: openpyxl read-only parse {result['openpyxl_ms']:.1f} ms; "
        f"full rewrite {result['in_process_ms']:.1f} ms (ratio {result['in_process_ms'] / result['openpyxl_ms']:.2f}, "
        f"per round {min(ratios):.2f}–{max(ratios):.2f}, median {statistics.median(ratios):.2f}); "
        f"unchanged {result['unchanged_ms']:.1f} ms (ratio {result['unchanged_ms'] / result['openpyxl_ms']:.2f})"
    )


if __name__ == "__main__":
    main()
