"""Every write service, called directly with another town's actor, refuses as not found.

The service layer is the authority for writes, whoever calls it (a view, a task, a command, an
API): the views' own access checks are not what keeps towns apart. Every function decorated with
`@service` is found by importing every module of the project; one without a case in CASES fails
`test_every_service_has_a_case`, so a new service cannot be added without this test.
"""

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import Http404

import suishin
from suishin.core.models import AuditLog
from suishin.core.service import SERVICES
from suishin.notices.models import MailPreference, Notice
from suishin.plans.models import Goal, Measure, Plan, PlanItem, PlanRevision, RoadmapEntry
from suishin.reorganisation.spreadsheets import DraftImport
from suishin.tabular.tables import TableImport
from suishin.tabular.uploads import read_xlsx_grid
from suishin.tenants.actor import Actor
from suishin.tenants.department_import import DepartmentImport, DepartmentRow
from suishin.tenants.models import Department, Membership, Organization, Role
from suishin.tenants.services import system_actor
from suishin.tenants.tests.factories import code_for
from suishin.workflows.models import TransitionRecord


def import_every_module() -> None:
    for module in pkgutil.walk_packages(suishin.__path__, "suishin."):
        if ".tests" in module.name or ".migrations" in module.name:
            continue
        importlib.import_module(module.name)


def strongest_actor(town) -> Actor:
    """The other town's user holding every role: only the organization can stop them."""
    return Actor(
        user=town.users["secretariat"],
        organization=town.organization,
        roles=frozenset(Role.values),
        department_ids=frozenset(d.pk for d in town.departments),
    )


def first_measure(plan) -> Measure:
    return plan.measures.order_by("pk").first()


def draft_revision(plan, town):
    from suishin.plans.services import plan_revision_create

    return plan.revisions.first() or plan_revision_create(
        actor=town.actor("secretariat"), plan=plan, published_on=dt.date(2024, 4, 1)
    )


def imported_roadmap(plan):
    from suishin.plans.spreadsheets import parse_roadmap_sheet, roadmap_xlsx_bytes

    return parse_roadmap_sheet(plan, read_xlsx_grid(roadmap_xlsx_bytes(plan)))


def own_notice(town):
    return Notice.objects.create(
        organization=town.organization,
        recipient=town.users["secretariat"],
        kind="task",
        verb="x.y",
        summary="s",
        url="/",
    )


def own_reorganisation(town):
    from suishin.reorganisation.tests.access_cases import draft_of

    return draft_of(town)


def own_person(town):
    from suishin.staff.models import Person

    return Person.objects.create(organization=town.organization, name="職員", staff_number="S1")


def own_rank(town):
    from suishin.staff.models import Rank

    return Rank.objects.create(organization=town.organization, name="係長", level=35)


# Each case: (town A's plan, town A, town B) -> keyword arguments that name town A's objects. The
# actor is added by the test.
Builder = Callable[..., dict]
CASES: dict[str, Builder] = {
    "suishin.plans.services.plan_create": lambda plan, town, other: {
        "structure": {"title": "写し", "start_fy": 2026, "end_fy": 2030},
        "based_on": plan,
    },
    "suishin.plans.services.plan_roll_over": lambda plan, town, other: {
        "plan": plan,
        "title": "次期",
        "start_fy": 2026,
        "end_fy": 2030,
    },
    "suishin.plans.services.plan_carry_report_dismiss": lambda plan, town, other: {"plan": plan},
    "suishin.plans.services.plan_update": lambda plan, town, other: {
        "plan": plan,
        "version": plan.version,
        "data": {"title": "書き換え"},
    },
    "suishin.plans.services.goal_create": lambda plan, town, other: {"plan": plan, "title": "書き換え"},
    "suishin.plans.services.goal_update": lambda plan, town, other: {
        "goal": plan.goals.first(),
        "version": plan.goals.first().version,
        "title": "書き換え",
        "description": "",
        "position": 1,
    },
    "suishin.plans.services.goal_delete": lambda plan, town, other: {"goal": plan.goals.first()},
    "suishin.plans.services.plan_item_create": lambda plan, town, other: {"plan": plan, "title": "書き換え"},
    "suishin.plans.services.plan_levels_update": lambda plan, town, other: {
        "plan": plan,
        "version": plan.version,
        "level_names": ["柱"],
        "leaf_name": "施策",
    },
    "suishin.plans.services.plan_item_update": lambda plan, town, other: {
        "item": plan.items.first(),
        "version": plan.items.first().version,
        "title": "書き換え",
        "description": "",
        "cross_cutting": False,
        "position": 1,
    },
    "suishin.plans.services.plan_item_delete": lambda plan, town, other: {"item": plan.items.first()},
    "suishin.plans.services.measure_create": lambda plan, town, other: {
        "plan": plan,
        "item": plan.items.first(),
        "data": {"title": "書き換え"},
        "departments": [town.departments[1]],
    },
    "suishin.plans.services.measure_update": lambda plan, town, other: {
        "measure": first_measure(plan),
        "version": first_measure(plan).version,
        "data": {"title": "書き換え"},
    },
    "suishin.plans.services.measure_delete": lambda plan, town, other: {"measure": first_measure(plan)},
    "suishin.plans.services.roadmap_entry_create": lambda plan, town, other: {
        "measure": first_measure(plan),
        "label": "書き換え",
        "start_fy": plan.start_fy,
        "end_fy": plan.start_fy,
    },
    "suishin.plans.services.roadmap_entry_update": lambda plan, town, other: {
        "entry": first_measure(plan).roadmap_entries.first(),
        "version": first_measure(plan).roadmap_entries.first().version,
        "label": "書き換え",
        "start_fy": plan.start_fy,
        "end_fy": plan.start_fy,
    },
    "suishin.plans.services.roadmap_entry_delete": lambda plan, town, other: {
        "entry": first_measure(plan).roadmap_entries.first()
    },
    "suishin.plans.services.plan_revision_create": lambda plan, town, other: {
        "plan": plan,
        "published_on": dt.date(2024, 4, 1),
    },
    "suishin.plans.services.plan_revision_update": lambda plan, town, other: {
        "revision": draft_revision(plan, town),
        "published_on": dt.date(2024, 4, 1),
        "decided_by": "書き換え",
        "note": "",
    },
    "suishin.plans.services.plan_revision_reasons_update": lambda plan, town, other: {
        "revision": draft_revision(plan, town),
        "reasons": {"plan": "書き換え"},
    },
    "suishin.plans.services.plan_revision_transition": lambda plan, town, other: {
        "revision": draft_revision(plan, town),
        "action": "submit",
    },
    "suishin.workflows.services.transition": lambda plan, town, other: {
        "obj": draft_revision(plan, town),
        "action": "submit",
    },
    "suishin.plans.roadmap_import.roadmap_import_apply": lambda plan, town, other: {
        "plan": plan,
        "imported": imported_roadmap(plan),
    },
    "suishin.tenants.services.department_create": lambda plan, town, other: {
        "organization": town.organization,
        "code": "X99",
        "name": "書き換え課",
    },
    "suishin.tenants.department_import.departments_import": lambda plan, town, other: {
        "organization": town.organization,
        "imported": DepartmentImport(rows=[DepartmentRow(2, "X97", "取込課", "")]),
    },
    "suishin.tenants.services.department_update": lambda plan, town, other: {
        "department": town.departments[0],
        "code": "X97",
        "name": "書き換え課",
    },
    "suishin.tenants.services.user_create_with_role": lambda plan, town, other: {
        "organization": town.organization,
        "username": "intruder",
        "password": "correct-horse-battery",
        "role": Role.SECRETARIAT,
    },
    "suishin.tenants.services.department_move": lambda plan, town, other: {
        "department": town.departments[2],
        "parent": town.departments[0],
    },
    "suishin.tenants.services.department_close": lambda plan, town, other: {
        "department": town.departments[2],
        "closed_on": dt.date(2025, 3, 31),
    },
    "suishin.tenants.services.department_reopen": lambda plan, town, other: {"department": town.departments[2]},
    "suishin.tenants.services.department_merge": lambda plan, town, other: {
        "source": town.departments[2],
        "target": town.departments[1],
        "closed_on": dt.date(2025, 3, 31),
    },
    "suishin.tenants.services.user_create": lambda plan, town, other: {
        "organization": town.organization,
        "username": "intruder",
        "full_name": "侵入",
        "roles": {Role.ADMIN},
    },
    "suishin.tenants.services.user_update": lambda plan, town, other: {
        "user": town.users["staff"],
        "full_name": "書き換え",
        "email": "",
        "roles": {Role.ADMIN},
    },
    "suishin.tenants.services.user_deactivate": lambda plan, town, other: {"user": town.users["staff"]},
    "suishin.tenants.services.user_reactivate": lambda plan, town, other: {"user": town.users["staff"]},
    "suishin.tenants.services.user_password_reset": lambda plan, town, other: {"user": town.users["staff"]},
    "suishin.tenants.services.user_password_temporary_set": lambda plan, town, other: {"user": town.users["staff"]},
    "suishin.tenants.services.user_mfa_reset": lambda plan, town, other: {
        "user": town.users["admin"],
        "confirmation_code": "00000000",
    },
    "suishin.tenants.services.organization_settings_update": lambda plan, town, other: {
        "organization": town.organization,
        "name": "書き換え町",
        "population": 1,
        "plan_level_names": [],
        "mail_sender": "",
        "mfa_required_roles": [],
    },
    "suishin.staff.services.ranks_create_defaults": lambda plan, town, other: {"organization": town.organization},
    "suishin.staff.services.person_create": lambda plan, town, other: {
        "organization": town.organization,
        "data": {"name": "侵入", "staff_number": "X1"},
    },
    "suishin.staff.services.person_update": lambda plan, town, other: {
        "person": own_person(town),
        "data": {"name": "書き換え"},
    },
    "suishin.staff.services.person_login_create": lambda plan, town, other: {
        "person": own_person(town),
        "username": "intruder",
        "roles": {Role.ADMIN},
    },
    "suishin.staff.services.person_link_user": lambda plan, town, other: {
        "person": own_person(town),
        "user": town.users["staff"],
    },
    "suishin.staff.services.rank_create": lambda plan, town, other: {
        "organization": town.organization,
        "name": "侵入",
        "level": 99,
    },
    "suishin.staff.services.rank_update": lambda plan, town, other: {
        "rank": own_rank(town),
        "name": "侵入",
        "level": 1,
    },
    "suishin.staff.services.rank_move": lambda plan, town, other: {"rank": own_rank(town), "direction": "up"},
    "suishin.staff.services.rank_delete": lambda plan, town, other: {"rank": own_rank(town)},
    "suishin.staff.services.staff_import_apply": lambda plan, town, other: {
        "organization": town.organization,
        "imported": TableImport(rows=[], problems=[], result=[]),
    },
    "suishin.notices.services.notice_mark_read": lambda plan, town, other: {"notice": own_notice(town)},
    "suishin.notices.services.notices_mark_all_read": lambda plan, town, other: {"organization": town.organization},
    "suishin.notices.services.mail_preference_update": lambda plan, town, other: {
        "preference": MailPreference.objects.create(organization=town.organization, user=town.users["secretariat"]),
        "kinds": set(),
    },
    **{
        f"suishin.reorganisation.services.{name}": builder
        for name, builder in {
            "reorganisation_create": lambda plan, town, other: {
                "organization": town.organization,
                "title": "書き換え",
                "effective_on": dt.date(2026, 4, 1),
            },
            "reorganisation_update": lambda plan, town, other: {
                "reorganisation": own_reorganisation(town),
                "title": "書き換え",
                "effective_on": dt.date(2026, 4, 1),
            },
            "reorganisation_delete": lambda plan, town, other: {"reorganisation": own_reorganisation(town)},
            "draft_department_create": lambda plan, town, other: {
                "reorganisation": own_reorganisation(town),
                "code": "X96",
                "name": "書き換え課",
            },
            "draft_department_update": lambda plan, town, other: {
                "node": own_reorganisation(town).draft_departments.first(),
                "code": "X96",
                "name": "書き換え課",
                "parent": None,
                "position": 0,
            },
            "draft_department_close": lambda plan, town, other: {
                "node": own_reorganisation(town).draft_departments.first()
            },
            "draft_department_restore": lambda plan, town, other: {
                "mapping": own_reorganisation(town).mappings.first()
            },
            "department_successors_set": lambda plan, town, other: {
                "reorganisation": own_reorganisation(town),
                "successors": {},
            },
            "reorganisation_import": lambda plan, town, other: {
                "reorganisation": own_reorganisation(town),
                "imported": DraftImport(),
            },
            "reorganisation_schedule": lambda plan, town, other: {"reorganisation": own_reorganisation(town)},
            "reorganisation_unschedule": lambda plan, town, other: {"reorganisation": own_reorganisation(town)},
            "reorganisation_apply": lambda plan, town, other: {"reorganisation": own_reorganisation(town)},
        }.items()
    },
}

# Links from one's own object to another town's: the service must refuse these too.
MIXED_CASES: dict[str, Builder] = {
    "measure_create: own plan, other town's area": lambda plan, town, other, own_plan: (
        "suishin.plans.services.measure_create",
        {
            "plan": own_plan,
            "item": plan.items.first(),
            "data": {"title": "書き換え"},
            "departments": [],
        },
    ),
    "measure_create: own plan and area, other town's department": lambda plan, town, other, own_plan: (
        "suishin.plans.services.measure_create",
        {
            "plan": own_plan,
            "item": own_plan.items.first(),
            "data": {"title": "書き換え"},
            "departments": [town.departments[1]],
        },
    ),
    "measure_update: own measure moved into other town's area": lambda plan, town, other, own_plan: (
        "suishin.plans.services.measure_update",
        {
            "measure": first_measure(own_plan),
            "version": first_measure(own_plan).version,
            "data": {},
            "item": plan.items.first(),
        },
    ),
    "department_create: own organization, other town's parent": lambda plan, town, other, own_plan: (
        "suishin.tenants.services.department_create",
        {"organization": other.organization, "code": "X98", "name": "子課", "parent": town.departments[0]},
    ),
    "user_create_with_role: own organization, other town's department": lambda plan, town, other, own_plan: (
        "suishin.tenants.services.user_create_with_role",
        {
            "organization": other.organization,
            "username": "mixed",
            "password": "correct-horse-battery",
            "role": Role.DEPARTMENT,
            "department": town.departments[1],
        },
    ),
    "department_successors_set: own reorganisation, other town's successor": lambda plan, town, other, own_plan: (
        "suishin.reorganisation.services.department_successors_set",
        {
            "reorganisation": own_reorganisation(other),
            "successors": {
                own_reorganisation(other).mappings.first().old_department_id: own_reorganisation(
                    town
                ).draft_departments.first()
            },
        },
    ),
}

# Services that have no "another town's object" to refuse, each with the reason.
EXEMPT = {
    # Creates a tenant; refused for every signed-in user (test_organization_create_is_for_operators_only).
    "suishin.tenants.services.organization_create",
    # Sets the acting user's own password (from their one-time link): it names no object of any town.
    "suishin.tenants.services.user_password_set",
    # Changes the acting user's own password (the form checked the current one): it names no object of any town.
    "suishin.tenants.services.user_password_change",
}


def tenant_rows() -> dict[str, int]:
    models = [Plan, Goal, PlanItem, Measure, RoadmapEntry, PlanRevision, Department, Membership, TransitionRecord]
    counts = {m._meta.label: m.objects.count() for m in models}
    counts["revision states"] = list(PlanRevision.objects.order_by("pk").values_list("status", flat=True))
    counts["users"] = apps.get_model("auth", "User").objects.count()
    return counts


def snapshot_of(plan) -> list:
    return [
        list(Plan.objects.filter(pk=plan.pk).values_list("title", "version")),
        list(Measure.objects.filter(plan=plan).order_by("pk").values_list("title", "version", "item_id")),
        list(RoadmapEntry.objects.filter(measure__plan=plan).order_by("pk").values_list("label", "version")),
        list(Goal.objects.filter(plan=plan).order_by("pk").values_list("title", "version")),
        list(PlanItem.objects.filter(plan=plan).order_by("pk").values_list("title", "version")),
    ]


def test_every_service_has_a_case():
    import_every_module()
    assert set(SERVICES) - CASES.keys() - EXEMPT == set(), "services without a cross-town case"
    assert CASES.keys() - set(SERVICES) == set(), "cases for services that no longer exist"


def test_every_public_function_of_a_services_module_is_a_service():
    """A write function in a services module that forgot `@service` would escape the frame."""
    import_every_module()
    forgotten = []
    for module in pkgutil.walk_packages(suishin.__path__, "suishin."):
        if not module.name.endswith(".services") or ".tests" in module.name:
            continue
        loaded = importlib.import_module(module.name)
        for name, function in inspect.getmembers(loaded, inspect.isfunction):
            if function.__module__ != loaded.__name__ or name.startswith("_"):
                continue
            if "actor" in inspect.signature(function).parameters and f"{module.name}.{name}" not in SERVICES:
                forgotten.append(f"{module.name}.{name}")
    assert forgotten == []


def assert_refused(call, town, other, plan):
    rows, before = tenant_rows(), snapshot_of(plan)
    denied = AuditLog.objects.filter(verb="authorization.denied", organization=other.organization).count()
    with pytest.raises(Http404):
        call()
    assert tenant_rows() == rows, "nothing is written"
    assert snapshot_of(plan) == before, "nothing is changed"
    refusals = AuditLog.objects.filter(verb="authorization.denied", organization=other.organization)
    assert refusals.count() == denied + 1, "the refusal is audited, although the transaction rolled back"
    assert refusals.first().data["reason"] == "other_organization"


@pytest.mark.parametrize("name", sorted(CASES))
def test_service_refuses_another_towns_actor(cast, plan, name):
    import_every_module()
    kwargs = CASES[name](plan, cast.town, cast.other)
    actor = strongest_actor(cast.other)
    assert_refused(lambda: SERVICES[name](actor=actor, **kwargs), cast.town, cast.other, plan)


@pytest.mark.parametrize("label", sorted(MIXED_CASES))
def test_service_refuses_a_link_to_another_towns_object(cast, plan, other_plan, label):
    import_every_module()
    name, kwargs = MIXED_CASES[label](plan, cast.town, cast.other, other_plan)
    actor = strongest_actor(cast.other)
    assert_refused(lambda: SERVICES[name](actor=actor, **kwargs), cast.town, cast.other, plan)


def test_the_same_call_with_the_own_towns_actor_works(cast, plan):
    """The cases are real calls: the own town's secretariat succeeds with them (a control)."""
    import_every_module()
    for name in ["suishin.plans.services.plan_update", "suishin.plans.services.roadmap_entry_create"]:
        SERVICES[name](actor=strongest_actor(cast.town), **CASES[name](plan, cast.town, cast.other))
    assert Plan.objects.get(pk=plan.pk).title == "書き換え"
    assert RoadmapEntry.objects.filter(label="書き換え", measure__plan=plan).exists()


def test_organization_create_is_for_operators_only(cast):
    from suishin.tenants.services import organization_create

    new_town = {"kind": "municipality", "local_government_code": code_for(11, 383), "name": "神川町"}
    with pytest.raises(PermissionDenied):
        organization_create(actor=strongest_actor(cast.town), **new_town)
    assert not Organization.objects.filter(name="神川町").exists()
    organization_create(actor=system_actor(None), **new_town)
    assert Organization.objects.filter(name="神川町").exists()
