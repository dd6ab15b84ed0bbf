"""Every change to a plan goes through these functions: they check the actor's right,
apply the change in one transaction and write the audit log."""

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from suishin.core.audit import audit_record
from suishin.core.bulk import bulk_insert
from suishin.core.concurrency import save_if_unchanged
from suishin.core.fiscal_year import fiscal_year_bounds
from suishin.core.ordering import next_position
from suishin.core.service import service
from suishin.core.wareki import fiscal_year_label
from suishin.tabular.writes import bulk_update_rows
from suishin.tenants.access import require_same_organization
from suishin.tenants.actor import Actor
from suishin.tenants.models import Department

from .access import can_edit_plan, require_measure_editor, require_plan_editor
from .carry_report import carry_report
from .models import Goal, Measure, MeasureDepartment, Plan, PlanRevision, PriorityArea, RoadmapEntry
from .national_templates import TEMPLATES, national_structure
from .snapshots import plan_snapshot

if TYPE_CHECKING:
    from .spreadsheets import ImportedMeasure, RoadmapImport

PLAN_FIELDS = ["title", "start_fy", "end_fy", "mission", "vision", "positioning"]
MEASURE_TEXT_FIELDS = ["title", "problem", "causes", "actions", "expected_effects", "stage", "national_kpi_note"]


def check_span_in_period(plan: Plan, start_fy: int, end_fy: int) -> None:
    """Raise ValidationError unless start_fy..end_fy lies inside the plan's period."""
    if start_fy > end_fy:
        raise ValidationError(_("終了年度は開始年度以降にしてください。"), code="span_order")
    if start_fy < plan.start_fy or end_fy > plan.end_fy:
        raise ValidationError(
            _("工程は計画期間（%(start)s〜%(end)s）の中に収めてください。")
            % {"start": fiscal_year_label(plan.start_fy), "end": fiscal_year_label(plan.end_fy)},
            code="span_outside_period",
        )


# --- plan -------------------------------------------------------------------------------------


def starting_structure(template: str, based_on: Plan | None = None) -> dict:
    """Return what a new plan starts with: nothing, a national list of priority items, or a copy."""
    if template == "copy":
        return plan_snapshot(based_on)
    if template in TEMPLATES:
        return national_structure(template)
    return {}


@service
def plan_create(*, actor: Actor, structure: dict, based_on: Plan | None = None) -> Plan:
    """Create a plan of the actor's organization from `structure` (see snapshots.py).

    A plan made from another (`based_on`) keeps the report of what was carried (carry_report.py).
    """
    require_plan_editor(actor, "plan.create", based_on)
    plan = _plan_build(organization=actor.organization, structure=structure, based_on=based_on)
    data = {"based_on": based_on.pk if based_on else None, "measures": plan.measures.count()}
    if plan.carry_report:
        data["carry_report"] = plan.carry_report
    audit_record(actor=actor.user, organization=actor.organization, verb="plan.create", target=plan, data=data)
    return plan


@service
def plan_roll_over(*, actor: Actor, plan: Plan, title: str, start_fy: int, end_fy: int) -> Plan:
    """Start the next plan from `plan`: its goals, priority areas, measures, owners and spans, carried into
    start_fy..end_fy where they overlap; the new plan keeps the report of what was carried and what not."""
    require_plan_editor(actor, "plan.roll_over", plan)
    structure = plan_snapshot(plan) | {"title": title, "start_fy": start_fy, "end_fy": end_fy}
    new_plan = _plan_build(organization=plan.organization, structure=structure, based_on=plan)
    audit_record(
        actor=actor.user,
        organization=plan.organization,
        verb="plan.roll_over",
        target=new_plan,
        data={
            "based_on": plan.pk,
            "measures": new_plan.carry_report["measures"],
            "carry_report": new_plan.carry_report,
        },
    )
    return new_plan


@service
def plan_carry_report_dismiss(*, actor: Actor, plan: Plan) -> Plan:
    """Take the report of what was carried off the plan's page (its audit entry keeps it)."""
    require_plan_editor(actor, "plan.carry_report_dismiss", plan)
    if plan.carry_report:
        plan.carry_report = {}
        plan.save(update_fields=["carry_report", "updated_at"])
    audit_record(actor=actor.user, organization=plan.organization, verb="plan.carry_report_dismiss", target=plan)
    return plan


def _owner_departments(organization, structure: dict, based_on: Plan | None) -> dict[str, Department]:
    """Return the departments a new plan's measures may be given, by name: for a plan made from another,
    those not closed before its period starts (a reorganisation's old departments stay behind)."""
    departments = Department.objects.for_organization(organization)
    if based_on is not None and structure.get("start_fy"):
        first_day, _last_day = fiscal_year_bounds(int(structure["start_fy"]))
        departments = departments.exclude(closed_on__lt=first_day)
    return {d.name: d for d in departments}


def _plan_build(*, organization, structure: dict, based_on: Plan | None) -> Plan:
    plan = Plan(organization=organization, based_on=based_on, **{f: structure.get(f, "") for f in PLAN_FIELDS})
    departments = _owner_departments(organization, structure, based_on)
    if based_on is not None:
        plan.carry_report = carry_report(structure, based_on, set(departments))
    plan.full_clean()
    plan.save()
    for position, goal in enumerate(structure.get("goals", []), start=1):
        if isinstance(goal, str):
            goal = {"title": goal}
        Goal.objects.create(
            organization=organization,
            plan=plan,
            position=position,
            title=goal["title"],
            description=goal.get("description", ""),
        )
    for area_position, area_data in enumerate(structure.get("priority_areas", []), start=1):
        area = PriorityArea.objects.create(
            organization=organization,
            plan=plan,
            position=area_position,
            title=area_data["title"],
            description=area_data.get("description", ""),
            cross_cutting=bool(area_data.get("cross_cutting", False)),
        )
        for measure_position, measure_data in enumerate(area_data.get("measures", []), start=1):
            measure = Measure.objects.create(
                organization=organization,
                plan=plan,
                priority_area=area,
                number=measure_data.get("number") or f"{area_position:02d}-{measure_position:02d}",
                position=measure_position,
                title=measure_data["title"],
                problem=measure_data.get("problem", ""),
                causes=measure_data.get("causes", ""),
                actions=measure_data.get("actions", ""),
                expected_effects=measure_data.get("expected_effects", ""),
                stage=measure_data.get("stage") or "",  # a plan need not give its measures a 段階
                national_kpi_note=measure_data.get("national_kpi_note", ""),
            )
            MeasureDepartment.objects.bulk_create(
                MeasureDepartment(organization=organization, measure=measure, department=departments[name])
                for name in measure_data.get("departments", [])
                if name in departments
            )
            entries = []
            for entry_position, span in enumerate(measure_data.get("roadmap", []), start=1):
                start_fy, end_fy = int(span["start_fy"]), int(span["end_fy"])
                # A copied plan may cover other years: keep what overlaps the new period.
                start_fy, end_fy = max(start_fy, plan.start_fy), min(end_fy, plan.end_fy)
                if start_fy <= end_fy:
                    entries.append(
                        RoadmapEntry(
                            organization=organization,
                            measure=measure,
                            label=span["label"],
                            start_fy=start_fy,
                            end_fy=end_fy,
                            position=entry_position,
                        )
                    )
            RoadmapEntry.objects.bulk_create(entries)
    return plan


@service
def plan_update(*, actor: Actor, plan: Plan, version: int, data: dict) -> Plan:
    """Change the plan's own fields (title, period, mission, vision, positioning)."""
    require_plan_editor(actor, "plan.update", plan)
    before = {f: getattr(plan, f) for f in PLAN_FIELDS}
    for field in PLAN_FIELDS:
        if field in data:
            setattr(plan, field, data[field])
    plan.full_clean()
    outside = (
        RoadmapEntry.objects.for_organization(plan.organization_id)
        .filter(measure__plan=plan)
        .exclude(start_fy__gte=plan.start_fy, end_fy__lte=plan.end_fy)
    )
    if outside.exists():
        raise ValidationError(
            _("計画期間の外にかかる工程があります。先に工程表を直してから期間を変えてください。"),
            code="period_excludes_spans",
        )
    save_if_unchanged(plan, version, PLAN_FIELDS)
    changed = {f: [str(before[f]), str(getattr(plan, f))] for f in PLAN_FIELDS if before[f] != getattr(plan, f)}
    audit_record(actor=actor.user, organization=plan.organization, verb="plan.update", target=plan, data=changed)
    return plan


# --- goals and priority areas -----------------------------------------------------------------


@service
def goal_create(*, actor: Actor, plan: Plan, title: str, description: str = "") -> Goal:
    require_plan_editor(actor, "goal.create", plan)
    goal = Goal.objects.create(
        organization=plan.organization,
        plan=plan,
        position=next_position(plan.goals.all()),
        title=title,
        description=description,
    )
    audit_record(actor=actor.user, organization=plan.organization, verb="goal.create", target=goal)
    return goal


@service
def goal_update(*, actor: Actor, goal: Goal, version: int, title: str, description: str, position: int) -> Goal:
    require_plan_editor(actor, "goal.update", goal)
    goal.title, goal.description, goal.position = title, description, position
    save_if_unchanged(goal, version, ["title", "description", "position"])
    audit_record(actor=actor.user, organization=goal.organization, verb="goal.update", target=goal)
    return goal


@service
def goal_delete(*, actor: Actor, goal: Goal) -> None:
    require_plan_editor(actor, "goal.delete", goal)
    audit_record(actor=actor.user, organization=goal.organization, verb="goal.delete", target=goal)
    goal.delete()


@service
def priority_area_create(
    *, actor: Actor, plan: Plan, title: str, description: str = "", cross_cutting: bool = False
) -> PriorityArea:
    require_plan_editor(actor, "priority_area.create", plan)
    area = PriorityArea.objects.create(
        organization=plan.organization,
        plan=plan,
        position=next_position(plan.priority_areas.all()),
        title=title,
        description=description,
        cross_cutting=cross_cutting,
    )
    audit_record(actor=actor.user, organization=plan.organization, verb="priority_area.create", target=area)
    return area


@service
def priority_area_update(
    *,
    actor: Actor,
    area: PriorityArea,
    version: int,
    title: str,
    description: str,
    cross_cutting: bool,
    position: int,
) -> PriorityArea:
    require_plan_editor(actor, "priority_area.update", area)
    area.title, area.description, area.cross_cutting, area.position = title, description, cross_cutting, position
    save_if_unchanged(area, version, ["title", "description", "cross_cutting", "position"])
    audit_record(actor=actor.user, organization=area.organization, verb="priority_area.update", target=area)
    return area


@service
def priority_area_delete(*, actor: Actor, area: PriorityArea) -> None:
    """Delete an empty priority area; one that still holds measures is refused."""
    require_plan_editor(actor, "priority_area.delete", area)
    if area.measures.exists():
        raise ValidationError(_("施策がある重点取組事項は削除できません。先に施策を移すか削除してください。"))
    audit_record(actor=actor.user, organization=area.organization, verb="priority_area.delete", target=area)
    area.delete()


# --- measures ---------------------------------------------------------------------------------


class MeasureNumbering:
    """Propose free 施策番号 「AA-NN」 for new measures of a plan.

    An area's number 「AA」 is the one its measures already carry (the town's own: a cross-cutting
    item may be 00 and the fourth item the fifth by position), or, for an area without measures,
    its position unless another area uses that number, then the first number no area uses. Numbers
    stay unique within the plan.
    """

    def __init__(self, pairs):
        self.taken: set[str] = set()
        self.prefixes: dict[int, Counter] = {}
        for area_id, number in pairs:
            self.taken.add(number)
            prefix, _dash, _sequence = number.rpartition("-")
            if prefix:
                self.prefixes.setdefault(area_id, Counter())[prefix] += 1

    @classmethod
    def for_plan(cls, plan: Plan) -> "MeasureNumbering":
        return cls(plan.measures.values_list("priority_area_id", "number"))

    def area_prefix(self, area: PriorityArea) -> str:
        own = self.prefixes.get(area.pk)
        if own:
            return own.most_common(1)[0][0]
        used = {p for area_id, counter in self.prefixes.items() if area_id != area.pk for p in counter}
        prefix = f"{area.position:02d}"
        candidate = 1
        while prefix in used:
            prefix = f"{candidate:02d}"
            candidate += 1
        return prefix

    def next_for(self, area: PriorityArea) -> str:
        """Return a free number for a new measure of `area`, and count it as taken."""
        prefix = self.area_prefix(area)
        sequences = [
            int(number.rpartition("-")[2])
            for number in self.taken
            if number.rpartition("-")[0] == prefix and number.rpartition("-")[2].isdigit()
        ]
        sequence = max(sequences, default=0) + 1
        while f"{prefix}-{sequence:02d}" in self.taken:
            sequence += 1
        number = f"{prefix}-{sequence:02d}"
        self.taken.add(number)
        self.prefixes.setdefault(area.pk, Counter())[prefix] += 1
        return number


def next_measure_number(plan: Plan, area: PriorityArea) -> str:
    """Return a free 施策番号 for a new measure of `area` (see MeasureNumbering)."""
    return MeasureNumbering.for_plan(plan).next_for(area)


def _check_departments(plan: Plan, departments) -> list[Department]:
    departments = list(departments)
    if any(d.organization_id != plan.organization_id for d in departments):
        raise ValidationError(_("他の団体の組織は担当課にできません。"))
    return departments


def _set_departments(measure: Measure, departments: list[Department]) -> None:
    measure.ownerships.exclude(department__in=departments).delete()
    existing = set(measure.ownerships.values_list("department_id", flat=True))
    MeasureDepartment.objects.bulk_create(
        MeasureDepartment(organization=measure.organization, measure=measure, department=d)
        for d in departments
        if d.pk not in existing
    )


@service
def measure_create(*, actor: Actor, plan: Plan, priority_area: PriorityArea, data: dict, departments) -> Measure:
    """Add a measure to `priority_area`, with a new 施策番号."""
    departments = list(departments)
    require_plan_editor(actor, "measure.create", plan, priority_area, *departments)
    if priority_area.plan_id != plan.pk:
        raise ValidationError(_("重点取組事項がこの計画のものではありません。"))
    departments = _check_departments(plan, departments)
    measure = Measure(
        organization=plan.organization,
        plan=plan,
        priority_area=priority_area,
        number=data.get("number") or next_measure_number(plan, priority_area),
        position=next_position(priority_area.measures.all()),
        **{f: data.get(f) or "" for f in MEASURE_TEXT_FIELDS},
    )
    measure.full_clean()
    measure.save()
    _set_departments(measure, departments)
    audit_record(
        actor=actor.user,
        organization=plan.organization,
        verb="measure.create",
        target=measure,
        data={"departments": [d.name for d in departments]},
    )
    return measure


@service
def measure_update(
    *,
    actor: Actor,
    measure: Measure,
    version: int,
    data: dict,
    departments=None,
    priority_area: PriorityArea | None = None,
) -> Measure:
    """Change a measure. A department user may change the logic model of its own measures;
    only the secretariat moves a measure or changes its owners."""
    departments = list(departments) if departments is not None else None
    require_measure_editor(actor, measure, "measure.update", priority_area, *(departments or []))
    if (departments is not None or priority_area is not None) and not can_edit_plan(actor):
        departments = None
        priority_area = None
    before = {f: getattr(measure, f) for f in MEASURE_TEXT_FIELDS}
    for field in MEASURE_TEXT_FIELDS:
        if field in data:
            setattr(measure, field, data[field])
    fields = list(MEASURE_TEXT_FIELDS)
    if priority_area is not None and priority_area.pk != measure.priority_area_id:
        if priority_area.plan_id != measure.plan_id:
            raise ValidationError(_("重点取組事項がこの計画のものではありません。"))
        measure.priority_area = priority_area
        measure.position = next_position(priority_area.measures.all())
        fields += ["priority_area", "position"]
    measure.full_clean(exclude=["plan", "organization"])
    save_if_unchanged(measure, version, fields)
    changed = {f: [before[f], getattr(measure, f)] for f in MEASURE_TEXT_FIELDS if before[f] != getattr(measure, f)}
    if departments is not None:
        departments = _check_departments(measure.plan, departments)
        _set_departments(measure, departments)
        changed["departments"] = [d.name for d in departments]
    audit_record(
        actor=actor.user, organization=measure.organization, verb="measure.update", target=measure, data=changed
    )
    return measure


@service
def measure_delete(*, actor: Actor, measure: Measure) -> None:
    require_plan_editor(actor, "measure.delete", measure)
    audit_record(actor=actor.user, organization=measure.organization, verb="measure.delete", target=measure)
    measure.delete()


# --- roadmap ----------------------------------------------------------------------------------


@service
def roadmap_entry_create(*, actor: Actor, measure: Measure, label: str, start_fy: int, end_fy: int) -> RoadmapEntry:
    """Add a labelled span to a measure's roadmap, inside the plan's period."""
    require_measure_editor(actor, measure, "roadmap_entry.create")
    check_span_in_period(measure.plan, start_fy, end_fy)
    entry = RoadmapEntry.objects.create(
        organization=measure.organization,
        measure=measure,
        label=label,
        start_fy=start_fy,
        end_fy=end_fy,
        position=next_position(measure.roadmap_entries.all()),
    )
    audit_record(actor=actor.user, organization=measure.organization, verb="roadmap_entry.create", target=entry)
    return entry


@service
def roadmap_entry_update(
    *, actor: Actor, entry: RoadmapEntry, version: int, label: str, start_fy: int, end_fy: int
) -> RoadmapEntry:
    require_measure_editor(actor, entry.measure, "roadmap_entry.update")
    check_span_in_period(entry.measure.plan, start_fy, end_fy)
    before = str(entry)
    entry.label, entry.start_fy, entry.end_fy = label, start_fy, end_fy
    save_if_unchanged(entry, version, ["label", "start_fy", "end_fy"])
    audit_record(
        actor=actor.user,
        organization=entry.organization,
        verb="roadmap_entry.update",
        target=entry,
        data={"before": before},
    )
    return entry


@service
def roadmap_entry_delete(*, actor: Actor, entry: RoadmapEntry) -> None:
    require_measure_editor(actor, entry.measure, "roadmap_entry.delete")
    audit_record(actor=actor.user, organization=entry.organization, verb="roadmap_entry.delete", target=entry)
    entry.delete()


# --- revisions --------------------------------------------------------------------------------


def _check_revision_date(revision_or_plan, published_on: dt.date, *, revision=None) -> None:
    from .revision_dates import check_revision_date

    check_revision_date(revision_or_plan, published_on, revision=revision)


@service
def plan_revision_create(
    *, actor: Actor, plan: Plan, published_on: dt.date, decided_by: str = "", note: str = ""
) -> PlanRevision:
    """Propose a revision of the plan as it stands: a numbered draft, to be submitted and decided.

    Refuse (ValidationError) a 改定日 that check_revision_date refuses, as the form does.
    """
    require_plan_editor(actor, "plan_revision.create", plan)
    Plan.objects.for_organization(plan.organization_id).select_for_update().filter(pk=plan.pk).get()
    # Checked under the plan's lock, so that a concurrent decision cannot slip an earlier date in.
    _check_revision_date(plan, published_on)
    number = (plan.revisions.aggregate(m=Max("number"))["m"] or 0) + 1
    revision = PlanRevision.objects.create(
        organization=plan.organization,
        plan=plan,
        number=number,
        published_on=published_on,
        decided_by=decided_by,
        note=note,
        snapshot=plan_snapshot(plan),
        published_by=actor.user,
    )
    audit_record(actor=actor.user, organization=plan.organization, verb="plan_revision.create", target=revision)
    return revision


@service
def plan_revision_update(
    *, actor: Actor, revision: PlanRevision, published_on: dt.date, decided_by: str, note: str
) -> PlanRevision:
    """Change a draft (or returned) revision's 改定日, deciding body and summary."""
    from suishin.workflows.services import require_editable

    require_plan_editor(actor, "plan_revision.update", revision)
    require_editable(revision)
    if revision.status not in (PlanRevision.Status.DRAFT, PlanRevision.Status.RETURNED):
        raise ValidationError(_("提出中の改定案は変更できません。差し戻されてから直してください。"))
    _check_revision_date(revision.plan, published_on, revision=revision)
    before = {"published_on": str(revision.published_on), "decided_by": revision.decided_by, "note": revision.note}
    revision.published_on, revision.decided_by, revision.note = published_on, decided_by, note
    revision.save(update_fields=["published_on", "decided_by", "note", "updated_at"])
    after = {"published_on": str(revision.published_on), "decided_by": revision.decided_by, "note": revision.note}
    audit_record(
        actor=actor.user,
        organization=revision.organization,
        verb="plan_revision.update",
        target=revision,
        data={k: [before[k], after[k]] for k in before if before[k] != after[k]},
    )
    return revision


@service
def plan_revision_reasons_update(*, actor: Actor, revision: PlanRevision, reasons: dict[str, str]) -> PlanRevision:
    """Set the 新旧対照表's 改定の理由 of single changes of a draft (or returned) revision.

    `reasons` maps a change's key (snapshots.Change.key) to its reason; an empty reason removes it.
    Reasons of changes not named are kept (the plan may change back while the revision is a draft).
    """
    from suishin.workflows.services import require_editable

    require_plan_editor(actor, "plan_revision.reasons_update", revision)
    require_editable(revision)
    if revision.status not in (PlanRevision.Status.DRAFT, PlanRevision.Status.RETURNED):
        raise ValidationError(_("提出中の改定案は変更できません。差し戻されてから直してください。"))
    current = dict(revision.change_reasons or {})
    changed = 0
    for key, reason in reasons.items():
        reason = (reason or "").strip()
        if current.get(key, "") == reason:
            continue
        changed += 1
        if reason:
            current[key] = reason
        else:
            current.pop(key, None)
    if changed:
        revision.change_reasons = current
        revision.save(update_fields=["change_reasons", "updated_at"])
    audit_record(
        actor=actor.user,
        organization=revision.organization,
        verb="plan_revision.reasons_update",
        target=revision,
        data={"reasons": changed},
    )
    return revision


@service
def plan_revision_transition(*, actor: Actor, revision: PlanRevision, action: str, comment: str = "") -> PlanRevision:
    """Submit, decide (決定を記録), return or reopen a revision (see plans/workflows.py)."""
    from suishin.workflows.services import transition

    require_same_organization(actor, f"plan_revision.{action}", revision)
    if action == "accept":  # another revision may have been decided since this one was proposed
        Plan.objects.for_organization(revision.organization_id).select_for_update().filter(pk=revision.plan_id).get()
        _check_revision_date(revision.plan, revision.published_on, revision=revision)
    return transition(revision, action, actor=actor, comment=comment)


# --- 工程表 import (read and checked by spreadsheets.py) ---------------------------------------


@service
def roadmap_import_apply(*, actor: Actor, plan: Plan, imported: "RoadmapImport") -> dict:
    """Apply a problem-free import: update measures by 施策番号, add new ones, replace their owners and spans.

    Measures whose row says what the plan already says are left alone (an edited file usually changes a
    few rows); the others are written in bulk, in a fixed number of statements whatever the file's size.
    """
    require_same_organization(actor, "roadmap.import", plan)
    require_plan_editor(actor, "roadmap.import", plan)
    if imported.problems:
        raise ValueError("an import with problems is never applied")
    areas = {area.title: area for area in plan.priority_areas.all()}
    existing = {
        values[0]: values
        for values in plan.measures.values_list(
            "number", "pk", "priority_area_id", "position", "title", "national_kpi_note"
        )
    }
    current = _current_owners_and_spans(plan.organization_id, [values[1] for values in existing.values()])
    numbering = MeasureNumbering((values[2], number) for number, values in existing.items())
    last_position: dict[int, int] = {}
    for _number, _pk, area_id, position, _title, _note in existing.values():
        last_position[area_id] = max(last_position.get(area_id, 0), position)
    now = timezone.now()
    created, updated, renamed = [], [], []
    new_owners, new_spans = [], []  # (measure, owner ids) and (measure, spans) to write in place of the old
    unchanged = 0
    for row in imported.measures:
        area = areas[row.area_title]
        area_id = area.pk
        owners, spans = _owners_and_spans(row)
        if row.number not in existing:
            last_position[area_id] = last_position.get(area_id, 0) + 1
            measure = Measure(
                organization=plan.organization,
                plan=plan,
                priority_area=area,
                number=numbering.next_for(area),
                position=last_position[area_id],
                title=row.title,
                national_kpi_note=row.note,
            )
            created.append(measure)
            new_owners.append((measure, owners))
            new_spans.append((measure, spans))
            continue
        _number, pk, current_area_id, _position, title, note = existing[row.number]
        same_text = (title, current_area_id, note) == (row.title, area_id, row.note)
        current_owners, current_spans, _entries = current[pk]
        same_spans = sorted(spans) == current_spans  # the file lists spans by lane, the plan by position
        if same_text and owners == current_owners and same_spans:
            unchanged += 1
            continue
        measure = _Changed(pk)
        if same_text:
            updated.append(pk)
        else:
            renamed.append((pk, row.title, area_id, row.note))
        if owners != current_owners:
            new_owners.append((measure, owners))
        if not same_spans:
            new_spans.append((measure, spans))
    Measure.objects.bulk_create(created)
    # A changed measure gets a new version: edit forms opened before the import must reload.
    plan.measures.filter(pk__in=updated).update(version=F("version") + 1, updated_at=now)
    bulk_update_rows(Measure, ["title", "priority_area_id", "national_kpi_note"], renamed, versioned=True)
    organization_id = plan.organization_id
    if new_owners:
        MeasureDepartment.objects.for_organization(organization_id).filter(
            measure_id__in=[m.pk for m, _owners in new_owners]
        ).delete()
        bulk_insert(
            MeasureDepartment,
            ["organization_id", "measure_id", "department_id"],
            (
                (organization_id, measure.pk, department_id)
                for measure, owners in new_owners
                for department_id in owners
            ),
        )
    if new_spans:
        _rewrite_spans(organization_id, new_spans, current)
    summary = {"created": len(created), "updated": len(updated) + len(renamed), "unchanged": unchanged}
    audit_record(actor=actor.user, organization=plan.organization, verb="roadmap.import", target=plan, data=summary)
    return summary


def _owners_and_spans(row: "ImportedMeasure") -> tuple[list[int], list[tuple[str, int, int]]]:
    """Return a row's owners (department ids, sorted) and its spans as (label, start, end)."""
    return (
        sorted(set(row.department_ids)),
        [(span.label, span.start_fy, span.end_fy) for span in row.spans],
    )


class _Changed:
    """A measure the import changes, by its id alone (a model instance costs more than the write)."""

    __slots__ = ("pk",)

    def __init__(self, pk: int):
        self.pk = pk


def _rewrite_spans(organization_id: int, new_spans: list, current: dict[int, tuple]) -> None:
    """Write each measure's new spans over its old ones: the first ones in place (same rows, new values,
    version + 1), then the rest added or the old left over deleted.

    A full rewrite usually keeps the number of spans, so it is one UPDATE: no row is deleted and added
    again, and no link is checked again (see tabular/writes.py).
    """
    updates, inserts, deletes = [], [], []
    for measure, spans in new_spans:
        entries = current[measure.pk][2] if measure.pk in current else []  # (id, label, start, end, position)
        for position, (label, start_fy, end_fy) in enumerate(spans, start=1):
            if position > len(entries):
                inserts.append((organization_id, measure.pk, label, start_fy, end_fy, position))
            elif entries[position - 1][1:] != (label, start_fy, end_fy, position):  # a span left as it was stays
                updates.append((entries[position - 1][0], label, start_fy, end_fy, position))
        deletes.extend(entry[0] for entry in entries[len(spans) :])
    if deletes:
        RoadmapEntry.objects.for_organization(organization_id).filter(pk__in=deletes).delete()
    bulk_update_rows(RoadmapEntry, ["label", "start_fy", "end_fy", "position"], updates, versioned=True)
    bulk_insert(RoadmapEntry, ["organization_id", "measure_id", "label", "start_fy", "end_fy", "position"], inserts)


def _current_owners_and_spans(organization_id: int, measure_ids: list[int]) -> dict[int, tuple]:
    """Return each measure's owners and spans (both sorted, to compare with `_owners_and_spans` of a row)
    and its spans' rows in their order, as (id, label, start_fy, end_fy, position)."""
    owners: dict[int, set] = {pk: set() for pk in measure_ids}
    spans: dict[int, list] = {pk: [] for pk in measure_ids}
    entry_rows: dict[int, list] = {pk: [] for pk in measure_ids}
    for measure_id, department_id in (
        MeasureDepartment.objects.for_organization(organization_id)
        .filter(measure_id__in=measure_ids)
        .values_list("measure_id", "department_id")
    ):
        owners[measure_id].add(department_id)
    entries = (
        RoadmapEntry.objects.for_organization(organization_id)
        .filter(measure_id__in=measure_ids)
        .order_by("measure_id", "position", "id")
    )
    for pk, measure_id, label, start_fy, end_fy, position in entries.values_list(
        "pk", "measure_id", "label", "start_fy", "end_fy", "position"
    ):
        spans[measure_id].append((label, start_fy, end_fy))
        entry_rows[measure_id].append((pk, label, start_fy, end_fy, position))
    return {pk: (sorted(owners[pk]), sorted(spans[pk]), entry_rows[pk]) for pk in measure_ids}
