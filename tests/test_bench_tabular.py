"""The import benchmark cannot rot: its in-process timing (bench/tabular_import.py, `make bench`) runs once."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

from bench.scenarios import IMPORT_ROWS, bench_town, time_import_in_process
from suishin.plans.models import Plan, RoadmapEntry
from suishin.tenants.actor import actor_for_user


def test_the_timed_import_rewrites_every_span_and_then_matches_the_file(db):
    call_command("bench_seed", organizations=1, stdout=io.StringIO())
    town = bench_town()
    plan = Plan.objects.get(pk=town.plan_id)
    actor = actor_for_user(get_user_model().objects.get(username=town.username))
    result = time_import_in_process(plan, actor, runs=1)
    assert result["rows"] == IMPORT_ROWS and len(result["ratios"]) == 1
    assert result["openpyxl_ms"] > 0 and result["in_process_ms"] > 0
    labels = set(RoadmapEntry.objects.filter(measure__plan=plan).values_list("label", flat=True))
    assert labels and all(label.startswith("取組") for label in labels)  # the last file applied
    assert RoadmapEntry.objects.filter(measure__plan=plan).count() == IMPORT_ROWS
