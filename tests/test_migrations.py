"""Migrations apply forwards and backwards on the database under test (SQLite or PostgreSQL)."""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Every app of the project that has migrations, in INSTALLED_APPS order (which follows their
# dependencies): a new app is covered without an edit here.
PROJECT_APPS = [
    config.label
    for config in apps.get_app_configs()
    if config.name.startswith(("suishin.", "tests.")) and (Path(config.path) / "migrations").is_dir()
]


@pytest.mark.django_db(transaction=True)
def test_every_project_migration_is_reversible():
    executor = MigrationExecutor(connection)
    leaves = {app: executor.loader.graph.leaf_nodes(app) for app in PROJECT_APPS}
    for app in reversed(PROJECT_APPS):
        call_command("migrate", app, "zero", verbosity=0)
    tables = set(connection.introspection.table_names())
    assert not any(t.startswith(tuple(f"{app}_" for app in PROJECT_APPS)) for t in tables)
    call_command("migrate", verbosity=0)
    executor = MigrationExecutor(connection)
    for nodes in leaves.values():
        for node in nodes:
            assert node in executor.loader.applied_migrations
    assert "plans_measure" in set(connection.introspection.table_names())


@pytest.mark.django_db(transaction=True)
def test_plans_of_before_levels_migrate_unchanged_as_one_level_of_priority_areas():
    """A plan written before plans had levels: its priority areas become its level-1 items, named 重点取組事項,
    its measures keep their numbers and areas, and a revision frozen then still reads as the same plan."""
    from suishin.plans.levels import structure_tree
    from suishin.tenants.link_guards import drop_link_triggers

    executor = MigrationExecutor(connection)
    before = [("plans", "0008_optional_stage_reasons_carry_report"), ("tenants", "0001_initial")]
    drop_link_triggers()  # made from today's models; `migrate` below makes them again
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Organization = old.get_model("tenants", "Organization")
    town = Organization.objects.create(local_government_code="113816", name="上里町", kind="municipality")
    Plan = old.get_model("plans", "Plan")
    plan = Plan.objects.create(organization=town, title="DX推進計画", start_fy=2023, end_fy=2027)
    Area = old.get_model("plans", "PriorityArea")
    Measure = old.get_model("plans", "Measure")
    bpr = Area.objects.create(organization=town, plan=plan, position=1, title="BPRの徹底", cross_cutting=True)
    online = Area.objects.create(organization=town, plan=plan, position=2, title="行政手続のオンライン化")
    Measure.objects.create(organization=town, plan=plan, priority_area=bpr, number="00-01", title="業務改革")
    Measure.objects.create(organization=town, plan=plan, priority_area=online, number="01-01", title="電子申請")
    snapshot = {"title": "DX推進計画", "priority_areas": [{"title": "BPRの徹底", "measures": [{"number": "00-01"}]}]}

    call_command("migrate", verbosity=0)
    new = MigrationExecutor(connection).loader.project_state().apps
    migrated = new.get_model("plans", "Plan").objects.get(pk=plan.pk)
    assert (migrated.level_names, migrated.leaf_name) == (["重点取組事項"], "施策")
    items = new.get_model("plans", "PlanItem").objects.filter(plan_id=plan.pk).order_by("position")
    assert [(i.title, i.level, i.parent_id, i.number, i.cross_cutting) for i in items] == [
        ("BPRの徹底", 1, None, "", True),
        ("行政手続のオンライン化", 1, None, "", False),
    ]
    measures = new.get_model("plans", "Measure").objects.filter(plan_id=plan.pk).order_by("number")
    assert [(m.number, m.title, m.item_id) for m in measures] == [
        ("00-01", "業務改革", bpr.pk),
        ("01-01", "電子申請", online.pk),
    ]
    tree = structure_tree(snapshot)
    assert tree.level_names == ["重点取組事項"] and tree.items[0]["title"] == "BPRの徹底"


@pytest.mark.django_db(transaction=True)
def test_going_back_before_levels_is_refused_while_a_plan_has_another_shape(cast):
    from suishin.plans.tests.factories import make_leveled_plan

    make_leveled_plan(cast.town, ["柱", "大項目"], fanout=1, measures=1)
    with pytest.raises(RuntimeError, match="other shapes"):
        call_command("migrate", "plans", "0010_goal_items", verbosity=0)
    call_command("migrate", verbosity=0)
