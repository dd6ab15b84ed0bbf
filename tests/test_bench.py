"""The benchmark cannot rot: bench_seed runs at a tiny size and every scenario runs once."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.scenarios import (
    IMPORT_PATH,
    IMPORT_ROWS,
    MEASURE_EDIT_PATH,
    PAGES,
    bench_town,
    import_file,
    measure_edit_form,
    openpyxl_read_only_rows,
)
from suishin.core.models import Job
from suishin.demo.national import municipality_code, split
from suishin.plans.models import Measure, Plan, RoadmapEntry
from suishin.tenants.local_government_code import is_valid_local_government_code
from suishin.tenants.models import Department, Membership, Organization


def test_generated_codes_are_valid_and_unique():
    codes = [municipality_code(i) for i in range(1741)]
    assert len(set(codes)) == 1741
    assert all(is_valid_local_government_code(c) for c in codes)
    assert split(1788) == (47, 1741)
    assert split(1) == (0, 1)


@pytest.fixture
def seeded(db):
    call_command("bench_seed", organizations=3, stdout=io.StringIO())
    return bench_town()


def test_bench_seed_builds_towns_shaped_like_real_ones(seeded):
    assert Organization.objects.count() == 3
    town = Organization.objects.get(local_government_code=seeded.code)
    assert Department.objects.filter(organization=town).count() == 17
    assert Membership.objects.filter(organization=town).count() == 6
    plan = Plan.objects.get(organization=town, pk=seeded.plan_id)
    assert plan.measures.count() == 80
    assert RoadmapEntry.objects.filter(measure__plan=plan, start_fy__gte=2021, end_fy__lte=2025).count() == 160
    call_command("bench_seed", organizations=3, stdout=io.StringIO())  # reused, not duplicated
    assert Organization.objects.count() == 3


def test_bench_town_has_the_same_80_measures_under_four_levels(seeded):
    """The 工程表 of 4 levels is timed against today's shape: same measures and spans, 3 levels of items."""
    today, leveled = Plan.objects.get(pk=seeded.plan_id), Plan.objects.get(pk=seeded.leveled_plan_id)
    assert (today.depth, leveled.depth) == (1, 3)
    assert leveled.organization_id == today.organization_id
    assert leveled.measures.count() == 80 and {m.item.level for m in leveled.measures.all()} == {3}
    assert RoadmapEntry.objects.filter(measure__plan=leveled).count() == 160
    assert Plan.objects.filter(title__endswith="（4階層）").count() == 1  # one town has it, not every town


def test_every_page_scenario_answers_within_its_query_budget(client, seeded):
    client.force_login(get_user_model().objects.get(username=seeded.username))
    for scenario in PAGES:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(scenario.url(seeded))
        assert response.status_code == 200, scenario.name
        # A finished plan (the bench plans end in 2025) reads its departments' names of its last year: 2 more.
        assert len(queries) <= 12, (scenario.name, len(queries))


def test_measure_edit_scenario_saves(client, seeded):
    client.force_login(get_user_model().objects.get(username=seeded.username))
    measure = Measure.objects.prefetch_related("ownerships").get(pk=seeded.measure_ids[0])
    response = client.post(MEASURE_EDIT_PATH.format(measure=measure.pk), measure_edit_form(measure, 1))
    assert response.status_code == 302
    assert Measure.objects.get(pk=measure.pk).actions == "具体的な取組内容（第1回の見直し）"


def test_import_scenario_file_imports_cleanly_and_repeatably(client, seeded):
    plan = Plan.objects.get(pk=seeded.plan_id)
    data = import_file(plan)
    assert openpyxl_read_only_rows(data) > IMPORT_ROWS
    client.force_login(get_user_model().objects.get(username=seeded.username))
    for _ in range(2):
        upload = io.BytesIO(data)
        upload.name = "roadmap.xlsx"
        response = client.post(IMPORT_PATH.format(plan=plan.pk), {"file": upload})
        assert response.status_code == 302
    assert [job.status for job in Job.objects.all()] == [Job.Status.DONE, Job.Status.DONE]
    assert plan.measures.count() == 80
    assert RoadmapEntry.objects.filter(measure__plan=plan).count() == IMPORT_ROWS


def test_login_scenario_logs_in(seeded):
    from django.test import Client

    client = Client()
    response = client.post("/login/", {"username": seeded.username, "password": seeded.password})
    assert response.status_code == 302 and response["Location"] == "/"


def test_table_prints_every_scenario_the_import_ratio_and_the_growth():
    from bench.run import render

    row = {"name": "工程表 page", "per_town": True, "rps": 200.0, "p50_ms": 40.0, "p95_ms": 50.0, "p99_ms": 60.0}
    row |= {"errors": 0, "queries": 9, "sql_ms": 2.0}
    imported = {"rows": 500, "openpyxl_ms": 26.0, "in_process_ms": 34.0, "unchanged_ms": 24.0, "http_p50_ms": 530.0}
    phase = {"scenarios": [row], "import": imported, "rss_mb": 79.0, "workers": 4, "seed_s": 0.5}
    table = render({1: phase, 1788: phase}, {"工程表 page": 1.03})
    assert "| 1788 | 工程表 page | 200.0 | 40.0 | 50.0 | 60.0 | 0 | 9 | 2.0 | 20.0 |" in table
    assert "(ratio 1.31)" in table and "(ratio 0.92)" in table
    assert "- 工程表 page: 1.03" in table


def test_oversized_import_files_are_refused_with_one_message_and_reported(client, seeded):
    from bench.run import render
    from bench.scenarios import many_merged_ranges_file, many_rows_file

    client.force_login(get_user_model().objects.get(username=seeded.username))
    for content in (many_rows_file(), many_merged_ranges_file()):
        upload = io.BytesIO(content)
        upload.name = "roadmap.xlsx"
        assert client.post(IMPORT_PATH.format(plan=seeded.plan_id), {"file": upload}).status_code == 302
    assert [(job.status, len(job.result["problems"])) for job in Job.objects.all()] == [(Job.Status.FAILED, 1)] * 2

    big = {"file": "340,000 rows", "kb": 1644.7, "in_process_ms": 61.0, "http_ms": 420.0}
    big |= {"worker_growth_mb": 3.2, "worker_peak_mb": 90.4}
    imported = {"rows": 500, "openpyxl_ms": 26.0, "in_process_ms": 34.0, "unchanged_ms": 24.0, "http_p50_ms": 530.0}
    phase = {"scenarios": [], "import": imported, "oversized_import": [big], "rss_mb": 79.0, "workers": 4}
    table = render({1: phase | {"seed_s": 0.5}})
    assert "oversized import (340,000 rows, 1645 KB): refused in-process in 61 ms" in table
    assert "upload→refusal over HTTP 420 ms" in table and "task worker RSS +3 MB (peak 90 MB)" in table


def test_table_prints_the_login_burst():
    from bench.run import render

    imported = {"rows": 500, "openpyxl_ms": 26.0, "in_process_ms": 34.0, "unchanged_ms": 24.0, "http_p50_ms": 530.0}
    burst = {"count": 300, "per_s": 42.0, "errors": 0, "peak_rss_mb": 96.0}
    phase = {"scenarios": [], "import": imported, "rss_mb": 79.0, "workers": 4, "seed_s": 0.5, "login_burst": burst}
    table = render({1: phase})
    assert "log-in burst of 300 from 16 connections: 42.0 log-ins/s, 0 errors" in table
    assert "peak RSS of one worker during it 96 MB" in table


def test_the_levels_line_is_written_by_the_parent_process_without_django():
    """bench/run.py writes its table in the parent process, which has neither Django nor `bench` on its path."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    code = (
        "import run; print(run.levels_line(1, {'ratio': 0.98, 'leveled_rps': 154.7, 'base_rps': 159.9, 'target': 0.8}))"
    )
    out = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code], cwd=root / "bench", capture_output=True, text=True, check=True, timeout=60
    )
    assert "0.98×" in out.stdout and "met" in out.stdout
