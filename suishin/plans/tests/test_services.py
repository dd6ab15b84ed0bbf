import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from suishin.core.concurrency import ConcurrentEditError
from suishin.core.models import AuditLog
from suishin.plans import services
from suishin.plans.models import Measure, Plan, RoadmapEntry
from suishin.plans.national_templates import MIC_2020, MIC_2024, national_structure
from suishin.plans.snapshots import plan_diff, plan_snapshot
from suishin.plans.tests.factories import decided_revision, make_plan


def measure_of(plan, department):
    return Measure.objects.filter(plan=plan, ownerships__department=department).first()


def test_plan_create_from_national_templates(cast):
    actor = cast.town.actor("secretariat")
    for template, titles in (("mic_2020", MIC_2020), ("mic_2024", MIC_2024)):
        structure = national_structure(template) | {"title": template, "start_fy": 2024, "end_fy": 2028}
        plan = services.plan_create(actor=actor, structure=structure)
        assert [a.title for a in plan.items.all()] == titles
    assert len(MIC_2020) == 6 and len(MIC_2024) == 7
    assert AuditLog.objects.filter(verb="plan.create", organization=cast.town.organization).count() == 2


def test_plan_copy_keeps_measures_and_clips_spans_to_the_new_period(cast, plan):
    structure = plan_snapshot(plan) | {"title": "次期計画", "start_fy": 2024, "end_fy": 2028}
    copy = services.plan_create(actor=cast.town.actor("secretariat"), structure=structure, based_on=plan)
    assert copy.measures.count() == plan.measures.count()
    assert set(copy.measures.values_list("number", flat=True)) == set(plan.measures.values_list("number", flat=True))
    spans = RoadmapEntry.objects.filter(measure__plan=copy)
    assert spans.exists()
    assert all(2024 <= e.start_fy <= e.end_fy <= 2028 for e in spans)


@pytest.mark.parametrize("role", ["committee", "council", "staff", "department", "admin"])
def test_only_the_secretariat_creates_plans_and_measures(cast, plan, role):
    actor = cast.town.actor(role)
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=actor, structure={"title": "x", "start_fy": 2024, "end_fy": 2025})
    with pytest.raises(PermissionDenied):
        services.measure_create(actor=actor, plan=plan, item=plan.items.first(), data={"title": "x"}, departments=[])


def test_measure_create_assigns_a_new_number_and_writes_the_audit_log(cast, plan):
    area = plan.items.first()
    measure = services.measure_create(
        actor=cast.town.actor("secretariat"),
        plan=plan,
        item=area,
        data={"title": "書かない窓口", "problem": "窓口の混雑"},
        departments=[cast.town.departments[1]],
    )
    assert measure.number not in set(plan.measures.exclude(pk=measure.pk).values_list("number", flat=True))
    assert measure.number.startswith(f"{area.position:02d}-")
    entry = AuditLog.objects.get(verb="measure.create", target_id=str(measure.pk))
    assert entry.actor == cast.town.users["secretariat"]
    assert entry.organization == cast.town.organization


def test_department_user_edits_own_measure_but_not_another(cast, plan):
    actor = cast.town.actor("department")
    own = measure_of(plan, cast.town.departments[1])
    other = measure_of(plan, cast.town.departments[2])
    services.measure_update(actor=actor, measure=own, version=own.version, data={"problem": "新しい課題"})
    own.refresh_from_db()
    assert own.problem == "新しい課題"
    with pytest.raises(PermissionDenied):
        services.measure_update(actor=actor, measure=other, version=other.version, data={"problem": "x"})
    with pytest.raises(PermissionDenied):
        services.roadmap_entry_create(actor=actor, measure=other, label="x", start_fy=2022, end_fy=2022)


def test_department_user_cannot_change_owners_or_area(cast, plan):
    actor = cast.town.actor("department")
    own = measure_of(plan, cast.town.departments[1])
    services.measure_update(
        actor=actor,
        measure=own,
        version=own.version,
        data={"title": own.title},
        departments=[cast.town.departments[2]],
        item=plan.items.last(),
    )
    own.refresh_from_db()
    assert list(own.departments.all()) == [cast.town.departments[1]]


def test_second_save_of_the_same_version_is_refused(cast, plan):
    actor = cast.town.actor("secretariat")
    measure = plan.measures.first()
    opened_at = measure.version
    first = Measure.objects.get(pk=measure.pk)
    second = Measure.objects.get(pk=measure.pk)
    services.measure_update(actor=actor, measure=first, version=opened_at, data={"title": "一人目"})
    with pytest.raises(ConcurrentEditError):
        services.measure_update(actor=actor, measure=second, version=opened_at, data={"title": "二人目"})
    measure.refresh_from_db()
    assert measure.title == "一人目"


def test_roadmap_span_must_lie_inside_the_plan_period(cast, plan):
    measure = plan.measures.first()
    with pytest.raises(ValidationError, match="計画期間"):
        services.roadmap_entry_create(
            actor=cast.town.actor("secretariat"), measure=measure, label="x", start_fy=2024, end_fy=2027
        )
    with pytest.raises(ValidationError):
        services.roadmap_entry_create(
            actor=cast.town.actor("secretariat"), measure=measure, label="x", start_fy=2024, end_fy=2023
        )


def test_plan_period_cannot_shrink_below_its_spans(cast, plan):
    with pytest.raises(ValidationError):
        services.plan_update(
            actor=cast.town.actor("secretariat"), plan=plan, version=plan.version, data={"end_fy": 2023}
        )
    plan.refresh_from_db()
    assert plan.end_fy == 2025


def test_item_with_measures_cannot_be_deleted(cast, plan):
    with pytest.raises(ValidationError):
        services.plan_item_delete(actor=cast.town.actor("secretariat"), item=plan.items.first())


def test_published_revision_is_frozen_and_diff_lists_changes(cast, plan):
    actor = cast.town.actor("secretariat")
    first = decided_revision(cast.town, plan, dt.date(2023, 4, 1))
    measure = plan.measures.first()
    services.measure_update(actor=actor, measure=measure, version=measure.version, data={"actions": "新しい取組"})
    services.roadmap_entry_create(actor=actor, measure=measure, label="拡大", start_fy=2025, end_fy=2025)
    added = services.measure_create(
        actor=actor, plan=plan, item=plan.items.first(), data={"title": "新施策"}, departments=[]
    )
    second = decided_revision(cast.town, plan, dt.date(2024, 4, 1))
    first.refresh_from_db()
    assert first.number == 1 and second.number == 2
    frozen_actions = [m["actions"] for a in first.snapshot["items"] for m in a["measures"]]
    assert "新しい取組" not in frozen_actions
    changes = plan_diff(first.snapshot, second.snapshot)
    kinds = {(c.kind, c.item) for c in changes}
    assert ("added", "施策") in kinds and ("changed", "施策") in kinds and ("added", "工程") in kinds
    assert any(c.name.startswith(added.number) for c in changes if c.kind == "added")
    changed = next(c for c in changes if c.kind == "changed" and c.item == "施策")
    assert ("具体的な取組内容", "取組", "新しい取組") in changed.fields


def test_snapshot_costs_a_constant_number_of_queries(cast, django_assert_max_num_queries):
    small, large = make_plan(cast.town, measures=4), make_plan(cast.town, measures=40, areas=4)
    for plan in (small, large):
        plan = Plan.objects.get(pk=plan.pk)
        with django_assert_max_num_queries(6):
            plan_snapshot(plan)
