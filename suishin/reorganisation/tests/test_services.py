"""Applying a reorganisation: what follows the mapping, what stays, the report, the audit entry."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from suishin.core.fiscal_year import fiscal_year_of
from suishin.core.models import AuditLog
from suishin.plans.models import MeasureDepartment
from suishin.plans.tests.factories import make_plan
from suishin.reorganisation.checks import reorganisation_problems
from suishin.reorganisation.models import Reorganisation
from suishin.reorganisation.services import (
    department_successors_set,
    draft_department_close,
    draft_department_create,
    reorganisation_apply,
    reorganisation_create,
    reorganisation_schedule,
)
from suishin.tenants.models import Department, Membership

from .factories import merge_reorganisation, node_of

THIS_YEAR = fiscal_year_of(timezone.localdate())
APRIL = dt.date(THIS_YEAR, 4, 1)


def owners(plan) -> dict[str, list[str]]:
    rows = MeasureDepartment.objects.filter(measure__plan=plan).select_related("measure", "department")
    found: dict[str, list[str]] = {}
    for row in rows.order_by("measure__title", "department__code"):
        found.setdefault(row.measure.title, []).append(row.department.code)
    return found


@pytest.fixture
def plans(cast):
    """A plan that ended last year and the plan of this year, each with measures of 第2課 and 第3課."""
    ended = make_plan(cast.town, measures=4, start_fy=THIS_YEAR - 5, end_fy=THIS_YEAR - 1)
    current = make_plan(cast.town, measures=4, start_fy=THIS_YEAR, end_fy=THIS_YEAR + 4)
    return ended, current


def test_the_current_plans_measures_follow_and_an_ended_plan_keeps_its_departments(cast, plans):
    ended, current = plans
    ended_before = owners(ended)
    assert {"D02", "D03"} <= {code for codes in owners(current).values() for code in codes}

    reorganisation = merge_reorganisation(cast.town, APRIL)
    reorganisation_apply(actor=cast.town.actor("admin"), reorganisation=reorganisation)

    assert owners(ended) == ended_before, "a plan whose period ended keeps its departments as they were"
    assert {code for codes in owners(current).values() for code in codes} == {"D02"}
    second, third = Department.objects.get(pk=cast.town.departments[1].pk), cast.town.departments[2]
    assert second.name == "デジタル推進課"
    third.refresh_from_db()
    assert third.closed_on == APRIL and third.name == cast.town.departments[2].name
    new = Department.objects.get(organization=cast.town.organization, code="N01")
    assert new.parent_id == cast.town.departments[0].pk


def test_a_merge_moves_users_and_keeps_one_owner_where_both_owned_a_measure(cast, plans):
    _ended, current = plans
    shared = current.measures.order_by("pk").first()
    held = set(shared.ownerships.values_list("department_id", flat=True))
    for department in cast.town.departments[1:]:
        if department.pk not in held:
            MeasureDepartment.objects.create(organization=cast.town.organization, measure=shared, department=department)
    reorganisation = merge_reorganisation(cast.town, APRIL)
    applied = reorganisation_apply(actor=cast.town.actor("admin"), reorganisation=reorganisation)

    assert list(shared.ownerships.values_list("department__code", flat=True)) == ["D02"]
    member = Membership.objects.get(user=cast.town.users["department2"])
    assert member.department_id == cast.town.departments[1].pk
    kinds = {kind["label"]: kind for kind in applied.report["kinds"]}
    measures = kinds["施策の担当課"]
    assert measures["merged"] == 1
    assert measures["count"] == 2  # the current plan's two other measures of 第3課
    assert measures["moves"] == [{"from": cast.town.departments[2].name, "to": "デジタル推進課", "count": 2}]


def test_the_report_lists_every_kind_and_the_tree_changes(cast, plans):
    reorganisation = merge_reorganisation(cast.town, APRIL)
    applied = reorganisation_apply(actor=cast.town.actor("admin"), reorganisation=reorganisation)
    report = applied.report
    from suishin.core import registry

    assert [kind["label"] for kind in report["kinds"]][: len(registry.department_owned)] == [
        str(kind.label) for kind in registry.department_owned
    ]
    assert report["created"] == ["新設課"]
    assert report["renamed"] == [[cast.town.departments[1].name, "デジタル推進課"]]
    assert report["closed"] == [{"name": cast.town.departments[2].name, "successor": "デジタル推進課"}]
    assert [row["name"] for row in applied.tree_before] == [d.name for d in cast.town.departments]
    assert {row["name"] for row in applied.tree_after} == {cast.town.departments[0].name, "デジタル推進課", "新設課"}
    assert applied.status == Reorganisation.Status.APPLIED and applied.applied_on == APRIL


def test_the_audit_log_records_one_entry_with_the_counts(cast, plans):
    reorganisation = merge_reorganisation(cast.town, APRIL)
    reorganisation_apply(actor=cast.town.actor("admin"), reorganisation=reorganisation)
    entry = AuditLog.objects.get(verb="reorganisation.apply")
    assert entry.organization_id == cast.town.organization.pk
    assert entry.data["closed"] == 1 and entry.data["created"] == 1 and entry.data["renamed"] == 1
    assert "施策の担当課 2件" in entry.data["moved_rows"]


def test_applying_twice_does_nothing_the_second_time(cast, plans):
    reorganisation = merge_reorganisation(cast.town, APRIL)
    actor = cast.town.actor("admin")
    first = reorganisation_apply(actor=actor, reorganisation=reorganisation)
    departments = list(Department.objects.filter(organization=cast.town.organization).values_list("pk", "name"))
    again = reorganisation_apply(actor=actor, reorganisation=Reorganisation.objects.get(pk=reorganisation.pk))
    assert again.report == first.report
    assert list(Department.objects.filter(organization=cast.town.organization).values_list("pk", "name")) == departments
    assert AuditLog.objects.filter(verb="reorganisation.apply").count() == 1


def test_a_successor_of_another_town_is_refused_as_not_found(cast):
    actor = cast.town.actor("admin")
    reorganisation = reorganisation_create(
        actor=actor, organization=cast.town.organization, title="改編", effective_on=APRIL
    )
    draft_department_close(actor=actor, node=node_of(reorganisation, cast.town.departments[2]))
    theirs = reorganisation_create(
        actor=cast.other.actor("admin"), organization=cast.other.organization, title="改編", effective_on=APRIL
    )
    foreign = node_of(theirs, cast.other.departments[1])
    with pytest.raises(Http404):
        department_successors_set(
            actor=actor, reorganisation=reorganisation, successors={cast.town.departments[2].pk: foreign}
        )
    denied = AuditLog.objects.filter(verb="authorization.denied", organization=cast.town.organization).last()
    assert denied.data["reason"] == "other_organization"


def test_a_department_closed_without_successor_while_it_owns_open_rows_is_refused(cast, plans):
    actor = cast.town.actor("admin")
    reorganisation = reorganisation_create(
        actor=actor, organization=cast.town.organization, title="改編", effective_on=APRIL
    )
    draft_department_close(actor=actor, node=node_of(reorganisation, cast.town.departments[2]))
    problems = reorganisation_problems(reorganisation)
    assert any("引継ぎ先を選んでください" in p and "施策の担当課" in p for p in problems), problems
    with pytest.raises(ValidationError):
        reorganisation_schedule(actor=actor, reorganisation=reorganisation)
    with pytest.raises(ValidationError):
        reorganisation_apply(actor=actor, reorganisation=reorganisation)
    assert Department.objects.get(pk=cast.town.departments[2].pk).closed_on is None


def test_a_department_added_after_the_draft_must_be_placed_first(cast):
    actor = cast.town.actor("admin")
    reorganisation = reorganisation_create(
        actor=actor, organization=cast.town.organization, title="改編", effective_on=APRIL
    )
    Department.objects.create(organization=cast.town.organization, code="L01", name="後から課")
    assert any("後から課" in p for p in reorganisation_problems(reorganisation))


def test_a_new_department_may_not_take_the_name_of_another(cast):
    actor = cast.town.actor("admin")
    reorganisation = reorganisation_create(
        actor=actor, organization=cast.town.organization, title="改編", effective_on=APRIL
    )
    draft_department_close(actor=actor, node=node_of(reorganisation, cast.town.departments[2]))
    draft_department_create(actor=actor, reorganisation=reorganisation, code="N09", name=cast.town.departments[2].name)
    assert any("別の課" in p for p in reorganisation_problems(reorganisation))


def test_the_secretariat_prepares_but_only_the_admin_applies_now(cast):
    secretariat = cast.town.actor("secretariat")
    reorganisation = reorganisation_create(
        actor=secretariat, organization=cast.town.organization, title="改編", effective_on=APRIL
    )
    with pytest.raises(PermissionDenied):
        reorganisation_apply(actor=secretariat, reorganisation=reorganisation)
    with pytest.raises(PermissionDenied):
        reorganisation_create(
            actor=cast.town.actor("department"), organization=cast.town.organization, title="x", effective_on=APRIL
        )


def test_only_one_reorganisation_is_prepared_at_a_time(cast):
    actor = cast.town.actor("admin")
    reorganisation_create(actor=actor, organization=cast.town.organization, title="改編", effective_on=APRIL)
    with pytest.raises(ValidationError):
        reorganisation_create(actor=actor, organization=cast.town.organization, title="改編2", effective_on=APRIL)
