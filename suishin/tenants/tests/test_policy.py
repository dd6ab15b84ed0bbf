"""The policy: one rule answers "may this actor do X to this object" and "which objects", from roles
and from grants that apps register (appointments, later), following the object's fiscal year."""

import pytest

from suishin.plans.access import can_edit_measure, editable_measures, policy
from suishin.plans.models import Measure
from suishin.tenants import policy as policy_module
from suishin.tenants.models import Department
from suishin.tenants.policy import Grant, departments_under


@pytest.fixture
def grants():
    """A grant provider for the test, standing in for the governance app's appointments."""
    given: list[Grant] = []

    def provider(organization_id, user_id=None):
        return [g for g in given if g.organization_id == organization_id and user_id in (None, g.user_id)]

    policy_module.register_grant_provider(provider)
    yield given
    policy_module.grant_providers.remove(provider)


def test_the_instance_rule_and_the_queryset_rule_agree_for_every_role(cast, plan, other_plan):
    measures = list(Measure.objects.all())
    for town in (cast.town, cast.other):
        for role in town.users:
            actor = town.actor(role)
            one_by_one = {m.pk for m in measures if can_edit_measure(actor, m)}
            assert set(editable_measures(actor).values_list("pk", flat=True)) == one_by_one, role
    secretariat = cast.town.actor("secretariat")
    assert set(editable_measures(secretariat).values_list("pk", flat=True)) == set(
        plan.measures.values_list("pk", flat=True)
    ), "the secretariat edits every measure of its town, none of the other's"


def test_a_grant_gives_a_right_for_its_departments_only(cast, plan, grants):
    staff = cast.town.actor("staff")
    owned = Measure.objects.filter(plan=plan, ownerships__department=cast.town.departments[1]).first()
    other = Measure.objects.filter(plan=plan).exclude(ownerships__department=cast.town.departments[1]).first()
    assert not can_edit_measure(staff, owned)
    policy.grants["measure.edit"] = "measure.edit"
    try:
        grants.append(
            Grant(
                "measure.edit", cast.town.organization.pk, staff.user.pk, None, frozenset({cast.town.departments[1].pk})
            )
        )
        staff = cast.town.actor("staff")  # grants are read once per actor
        assert can_edit_measure(staff, owned)
        assert not can_edit_measure(staff, other)
        assert set(editable_measures(staff).values_list("pk", flat=True)) == set(
            Measure.objects.filter(plan=plan, ownerships__department=cast.town.departments[1]).values_list(
                "pk", flat=True
            )
        )
        assert staff.user.pk in policy.users_with_permission_for_instance("measure.edit", owned)
        assert staff.user.pk not in policy.users_with_permission_for_instance("measure.edit", other)
        # The other town's staff gets nothing from a grant of this town.
        assert not can_edit_measure(cast.other.actor("staff"), owned)
    finally:
        del policy.grants["measure.edit"]


def test_a_grant_follows_the_objects_fiscal_year(cast, plan, grants, monkeypatch):
    """The FY2025 leader keeps the FY2025 objects after the FY2026 leader is appointed."""
    staff = cast.town.actor("staff")
    measure = plan.measures.first()
    monkeypatch.setitem(policy.grants, "measure.edit", "measure.edit")
    monkeypatch.setattr(type(policy), "fiscal_year_of", lambda self, instance: 2025)
    grants.append(Grant("measure.edit", cast.town.organization.pk, staff.user.pk, 2026))
    assert not can_edit_measure(cast.town.actor("staff"), measure)
    grants.append(Grant("measure.edit", cast.town.organization.pk, staff.user.pk, 2025))
    assert can_edit_measure(cast.town.actor("staff"), measure)


def test_a_bureau_covers_the_departments_below_it(cast):
    bureau, section = cast.town.departments[0], cast.town.departments[1]
    Department.objects.filter(pk=section.pk).update(parent=bureau)
    child = Department.objects.create(organization=cast.town.organization, code="D9", name="係", parent=section)
    covered = departments_under(cast.town.organization.pk, [bureau.pk])
    assert covered == {bureau.pk, section.pk, child.pk}
    assert departments_under(cast.town.organization.pk, [section.pk]) == {section.pk, child.pk}


def test_a_grant_for_a_bureau_covers_its_departments_measures(cast, plan, grants, monkeypatch):
    bureau, section = cast.town.departments[0], cast.town.departments[1]
    Department.objects.filter(pk=section.pk).update(parent=bureau)
    monkeypatch.setitem(policy.grants, "measure.edit", "measure.edit")
    staff = cast.town.actor("staff")
    grants.append(Grant("measure.edit", cast.town.organization.pk, staff.user.pk, None, frozenset({bureau.pk})))
    owned_by_section = Measure.objects.filter(plan=plan, ownerships__department=section).first()
    assert can_edit_measure(cast.town.actor("staff"), owned_by_section)
    assert owned_by_section in editable_measures(cast.town.actor("staff"))


def test_users_with_a_role_right_are_listed(cast, plan):
    measure = Measure.objects.filter(plan=plan, ownerships__department=cast.town.departments[1]).first()
    users = set(policy.users_with_permission_for_instance("measure.edit", measure))
    assert cast.town.users["secretariat"].pk in users
    assert cast.town.users["department"].pk in users
    assert cast.town.users["department2"].pk not in users
    assert cast.other.users["secretariat"].pk not in users
