"""The cached 工程表 never hides a change: every service that changes a plan makes the next read render again."""

import inspect

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suishin.plans import services
from suishin.plans.roadmap_import import roadmap_import_apply
from suishin.plans.spreadsheets import parse_roadmap_sheet, roadmap_columns, roadmap_workbook
from suishin.plans.tests.test_spreadsheets import as_upload
from suishin.tabular.uploads import open_xlsx_upload
from suishin.tenants.models import Organization
from suishin.tenants.services import department_update, system_actor


def _first_measure(plan):
    return plan.measures.order_by("item__position", "position").first()


def _import_renamed_span(cast, plan):
    workbook = roadmap_workbook(plan)
    workbook.active.cell(3, roadmap_columns(plan).first_year).value = "取込みで変えた工程"
    imported = parse_roadmap_sheet(plan, open_xlsx_upload(as_upload(workbook)))
    roadmap_import_apply(actor=cast.town.actor("secretariat"), plan=plan, imported=imported)
    return "取込みで変えた工程"


def _data(measure, **changes):
    return {f: getattr(measure, f) for f in services.MEASURE_TEXT_FIELDS} | changes


# Each change, done through its service; it returns a text the 工程表 must show afterwards (None: the
# change is not on the 工程表, and only the version bump is checked).
CHANGES = {
    "plan_update": lambda actor, plan: (
        services.plan_update(
            actor=actor, plan=plan, version=plan.version, data={"title": plan.title, "end_fy": plan.end_fy + 1}
        ),
        "2026年度",
    )[1],
    "goal_create": lambda actor, plan: (services.goal_create(actor=actor, plan=plan, title="新しい目標"), None)[1],
    "goal_update": lambda actor, plan: (
        services.goal_update(
            actor=actor,
            goal=(g := plan.goals.first()),
            version=g.version,
            title="変えた目標",
            description="",
            position=1,
        ),
        None,
    )[1],
    "goal_delete": lambda actor, plan: (services.goal_delete(actor=actor, goal=plan.goals.first()), None)[1],
    "plan_levels_update": lambda actor, plan: (
        services.plan_levels_update(
            actor=actor, plan=plan, version=plan.version, level_names=["重点分野"], leaf_name=plan.leaf_name
        ),
        "重点分野",  # the 工程表 names the level in its heading column
    )[1],
    "plan_item_create": lambda actor, plan: (
        services.plan_item_create(actor=actor, plan=plan, title="空の重点取組事項"),
        None,  # an area without measures is not drawn on the 工程表
    )[1],
    "plan_item_update": lambda actor, plan: (
        services.plan_item_update(
            actor=actor,
            item=(a := plan.items.first()),
            version=a.version,
            title="名前を変えた重点取組事項",
            description=a.description,
            position=a.position,
            cross_cutting=a.cross_cutting,
        ),
        "名前を変えた重点取組事項",
    )[1],
    "plan_item_delete": lambda actor, plan: (
        services.plan_item_delete(
            actor=actor, item=services.plan_item_create(actor=actor, plan=plan, title="消す重点取組事項")
        ),
        None,
    )[1],
    "measure_create": lambda actor, plan: (
        services.measure_create(
            actor=actor,
            plan=plan,
            item=plan.items.first(),
            data={"title": "新しく足した施策"},
            departments=[],
        ),
        "新しく足した施策",
    )[1],
    "measure_update": lambda actor, plan: (
        services.measure_update(
            actor=actor,
            measure=(m := _first_measure(plan)),
            version=m.version,
            data=_data(m, title="名前を変えた施策"),
        ),
        "名前を変えた施策",
    )[1],
    "measure_delete": lambda actor, plan: (
        services.measure_delete(actor=actor, measure=_first_measure(plan)),
        None,  # checked below: its title is gone
    )[1],
    "roadmap_entry_create": lambda actor, plan: (
        services.roadmap_entry_create(
            actor=actor, measure=_first_measure(plan), label="足した工程", start_fy=plan.start_fy, end_fy=plan.start_fy
        ),
        "足した工程",
    )[1],
    "roadmap_entry_update": lambda actor, plan: (
        services.roadmap_entry_update(
            actor=actor,
            entry=(e := _first_measure(plan).roadmap_entries.first()),
            version=e.version,
            label="変えた工程",
            start_fy=e.start_fy,
            end_fy=e.end_fy,
        ),
        "変えた工程",
    )[1],
    "roadmap_entry_delete": lambda actor, plan: (
        services.roadmap_entry_delete(actor=actor, entry=_first_measure(plan).roadmap_entries.first()),
        None,
    )[1],
}


def test_every_service_that_changes_a_plan_is_checked_here():
    writes = {
        name
        for name, function in inspect.getmembers(services, inspect.isfunction)
        if function.__module__ == services.__name__ and name.rsplit("_", 1)[-1] in {"create", "update", "delete"}
    }
    # A new plan has no cached rows yet; a revision freezes the plan's contents without changing them
    # (nor do the 改定の理由 of its 新旧対照表).
    frozen = {"plan_create", "plan_revision_create", "plan_revision_update", "plan_revision_reasons_update"}
    assert writes - frozen == set(CHANGES)


def roadmap_page(client, plan) -> str:
    return client.get(reverse("plans:roadmap", args=[plan.pk])).content.decode()


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_shows_on_the_next_read(client, cast, plan, change):
    client.force_login(cast.town.users["secretariat"])
    first = _first_measure(plan)
    before = roadmap_page(client, plan)  # fills the cache
    version = Organization.objects.get(pk=plan.organization_id).content_version
    plan.refresh_from_db()
    shown = CHANGES[change](cast.town.actor("secretariat"), plan)
    assert Organization.objects.get(pk=plan.organization_id).content_version > version
    after = roadmap_page(client, plan)
    if shown is not None:
        assert shown not in before and shown in after
    elif change == "measure_delete":
        assert first.title in before and first.title not in after


def test_an_import_shows_on_the_next_read(client, cast, plan):
    client.force_login(cast.town.users["secretariat"])
    roadmap_page(client, plan)
    plan.refresh_from_db()
    assert _import_renamed_span(cast, plan) in roadmap_page(client, plan)


def test_a_department_rename_shows_on_the_next_read_though_no_plan_service_ran(client, cast, plan):
    """Invalidation comes from the one place every write passes, not from each writer remembering."""
    client.force_login(cast.town.users["secretariat"])
    owner = cast.town.departments[1]
    old_name = owner.name
    assert old_name in roadmap_page(client, plan)  # fills the cache
    department_update(actor=system_actor(cast.town.organization), department=owner, code=owner.code, name="新しい課名")
    page = roadmap_page(client, plan)
    assert "新しい課名" in page and old_name not in page


def test_a_write_of_another_town_keeps_this_towns_cache(cast, plan, other_plan):
    version = Organization.objects.get(pk=plan.organization_id).content_version
    other = cast.other.actor("secretariat")
    measure = other_plan.measures.first()
    services.measure_update(actor=other, measure=measure, version=measure.version, data={"title": "よその町"})
    assert Organization.objects.get(pk=plan.organization_id).content_version == version


def test_a_cached_read_skips_the_plan_queries(client, cast, plan):
    client.force_login(cast.town.users["secretariat"])
    url = reverse("plans:roadmap", args=[plan.pk])
    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    with CaptureQueriesContext(connection) as warm:
        page = client.get(url).content.decode()
    # items, measures, owners, spans, and (the plan ended before this fiscal year) its owners' names then: 2
    assert len(warm) == len(cold) - 6
    assert _first_measure(plan).title in page


def test_each_town_and_each_filter_has_its_own_rows(client, cast, plan, other_plan):
    client.force_login(cast.town.users["secretariat"])
    mine = roadmap_page(client, plan)
    department = _first_measure(plan).ownerships.first().department
    filtered = client.get(reverse("plans:roadmap", args=[plan.pk]), {"department": department.pk}).content.decode()
    assert filtered != mine
    client.force_login(cast.other.users["secretariat"])
    theirs = roadmap_page(client, other_plan)
    assert other_plan.title in theirs and plan.title not in theirs
    assert client.get(reverse("plans:roadmap", args=[plan.pk])).status_code == 404
