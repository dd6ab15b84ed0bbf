"""The plans pages in the access matrix (see suishin/core/access_matrix.py)."""

import datetime as dt

from suishin.core.access_matrix import EVERYONE, SECRETARIAT, Case
from suishin.plans.models import Goal, GoalItem, Measure, Plan, PlanItem, PlanRevision, RoadmapEntry
from suishin.plans.tests.factories import decided_revision, make_plan

EDITORS = {"secretariat", "department"}

CASES = {
    "plans:plan_list": Case(None, EVERYONE, set()),
    "plans:plan_create": Case(None, SECRETARIAT, SECRETARIAT),
    "plans:plan_detail": Case("plan", EVERYONE, set()),
    "plans:plan_edit": Case("plan", SECRETARIAT, SECRETARIAT),
    "plans:plan_roll_over": Case("plan", SECRETARIAT, SECRETARIAT),
    # POST only: closes the report of what a plan made from another carried.
    "plans:carry_report_dismiss": Case("plan", set(), SECRETARIAT),
    "plans:goal_create": Case("plan", SECRETARIAT, SECRETARIAT),
    "plans:goal_edit": Case("goal", SECRETARIAT, SECRETARIAT),
    "plans:goal_delete": Case("goal", SECRETARIAT, SECRETARIAT),
    "plans:item_create": Case("plan", SECRETARIAT, SECRETARIAT),
    "plans:item_edit": Case("item", SECRETARIAT, SECRETARIAT),
    "plans:item_delete": Case("item", SECRETARIAT, SECRETARIAT),
    "plans:plan_levels": Case("plan", SECRETARIAT, SECRETARIAT),
    "plans:measure_list": Case("plan", EVERYONE, set()),
    "plans:measure_create": Case("plan", SECRETARIAT, SECRETARIAT),
    "plans:measure_detail": Case("measure", EVERYONE, set()),
    "plans:measure_edit": Case("measure", EDITORS, EDITORS, True),
    "plans:measure_delete": Case("measure", SECRETARIAT, SECRETARIAT, True),
    "plans:roadmap_entry_create": Case("measure", EDITORS, EDITORS, True),
    "plans:roadmap_entry_edit": Case("entry", EDITORS, EDITORS, True),
    "plans:roadmap_entry_delete": Case("entry", EDITORS, EDITORS, True),
    "plans:roadmap": Case("plan", EVERYONE, set()),
    "plans:roadmap_export": Case("plan", EVERYONE, set()),
    "plans:roadmap_pdf": Case("plan", EVERYONE, set()),
    "plans:roadmap_import": Case("plan", SECRETARIAT, SECRETARIAT),
    "plans:revision_list": Case("plan", EVERYONE, set()),
    "plans:revision_create": Case("plan", SECRETARIAT, SECRETARIAT),
    "plans:revision_edit": Case("revision", SECRETARIAT, SECRETARIAT),
    # POST only: the actions on a decided revision (再開) are the secretariat's.
    "plans:revision_transition": Case("revision", set(), SECRETARIAT),
    "plans:revision_compare": Case("plan", EVERYONE, set()),
    "plans:revision_detail": Case("revision", EVERYONE, set()),
    # The 新旧対照表: read by everyone; its 改定の理由 are the secretariat's to write.
    "plans:revision_comparison": Case("revision", EVERYONE, SECRETARIAT),
    "plans:revision_comparison_xlsx": Case("revision", EVERYONE, set()),
    "plans:revision_comparison_pdf": Case("revision", EVERYONE, set()),
}

WATCHED = [Plan, Goal, GoalItem, PlanItem, Measure, RoadmapEntry, PlanRevision]


def town_plan(town) -> Plan:
    return Plan.objects.filter(organization=town.organization).order_by("pk").first() or make_plan(town)


def objects_of(town) -> dict:
    plan = town_plan(town)
    own_department = town.departments[1]
    measure = Measure.objects.filter(plan=plan, ownerships__department=own_department).first()
    other_measure = Measure.objects.filter(plan=plan).exclude(ownerships__department=own_department).first()
    revision = plan.revisions.first() or decided_revision(town, plan, dt.date(2023, 4, 1))
    # A goal linked to the item it serves (the schema test points such a link at another town's rows).
    GoalItem.objects.get_or_create(organization=town.organization, goal=plan.goals.first(), item=plan.items.first())
    return {
        "plan": {"plan_id": plan.pk},
        "goal": {"goal_id": plan.goals.first().pk},
        "item": {"item_id": plan.items.last().pk},
        "measure": {"measure_id": measure.pk},
        "other_measure": {"measure_id": other_measure.pk},
        "entry": {"entry_id": measure.roadmap_entries.first().pk},
        "other_entry": {"entry_id": other_measure.roadmap_entries.first().pk},
        "revision": {"revision_id": revision.pk},
    }
