"""Every change to a plan goes through these functions: they check the actor's right,
apply the change in one transaction and write the audit log."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _

from suishin.core.audit import audit_record
from suishin.core.concurrency import save_if_unchanged
from suishin.core.fiscal_year import fiscal_year_bounds
from suishin.core.ordering import next_position
from suishin.core.service import service
from suishin.core.wareki import fiscal_year_label
from suishin.tenants.access import require_same_organization
from suishin.tenants.actor import Actor
from suishin.tenants.models import Department

from .access import can_edit_plan, require_measure_editor, require_plan_editor
from .carry_report import carry_report
from .levels import check_level_names, structure_tree
from .models import (
    DEFAULT_LEAF_NAME,
    DEFAULT_LEVEL_NAMES,
    Goal,
    GoalItem,
    Measure,
    MeasureDepartment,
    Plan,
    PlanItem,
    PlanRevision,
    RoadmapEntry,
)
from .national_templates import TEMPLATES, national_structure
from .numbering import Numbered, PlanNumbers, check_no_repeated_paths, path_text
from .snapshots import plan_snapshot

PLAN_FIELDS = ["title", "start_fy", "end_fy", "mission", "vision", "positioning"]
MEASURE_TEXT_FIELDS = ["title", "problem", "causes", "actions", "expected_effects", "stage", "national_kpi_note"]


def lock_plan(plan_id: int, organization_id: int) -> None:
    """Hold the plan's row until the transaction ends. Writes that check something of the plan and then act
    on it take this first: numbering an item or measure (two users, or a form and an import, must not take one
    number), and creating or deciding a revision (no concurrent decision slips an earlier date in)."""
    Plan.objects.for_organization(organization_id).select_for_update().filter(pk=plan_id).first()


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
    """Start the next plan from `plan`: its goals, levels and items, measures, owners and spans, carried into
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
    """Write a plan from `structure` (snapshots.py's shape, or an older revision's: see levels.structure_tree)."""
    tree = structure_tree(structure, default_level_names=organization.plan_level_names or DEFAULT_LEVEL_NAMES)
    tree.level_names = check_level_names(tree.level_names)
    plan = Plan(
        organization=organization,
        based_on=based_on,
        level_names=tree.level_names,
        leaf_name=tree.leaf_name,
        **{f: structure.get(f, "") for f in PLAN_FIELDS},
    )
    departments = _owner_departments(organization, structure, based_on)
    if based_on is not None:
        plan.carry_report = carry_report(structure, based_on, set(departments))
    plan.full_clean()
    plan.save()
    builder = _Builder(plan, departments)
    for position, data in enumerate(tree.items, start=1):
        builder.item(data, parent=None, level=1, position=position)
    for position, data in enumerate(tree.measures, start=1):
        builder.measure(data, item=None, position=position)
    RoadmapEntry.objects.bulk_create(builder.entries)
    for position, goal in enumerate(structure.get("goals", []), start=1):
        if isinstance(goal, str):
            goal = {"title": goal}
        created = Goal.objects.create(
            organization=organization,
            plan=plan,
            position=position,
            title=goal["title"],
            description=goal.get("description", ""),
        )
        GoalItem.objects.bulk_create(
            GoalItem(organization=organization, goal=created, item=builder.items_by_key[key])
            for key in goal.get("items", [])
            if key in builder.items_by_key
        )
    return plan


class _Builder:
    """Writes a structure's items and measures, numbering those without a number as the plan would."""

    def __init__(self, plan: Plan, departments: dict[str, Department]):
        self.plan, self.departments = plan, departments
        self.numbers = PlanNumbers(items={}, measures=[])
        self.items_by_key: dict = {}
        self.entries: list[RoadmapEntry] = []

    def item(self, data: dict, *, parent: PlanItem | None, level: int, position: int) -> None:
        plan = self.plan
        number = data.get("number") or ""
        item = PlanItem.objects.create(
            organization=plan.organization,
            plan=plan,
            parent=parent,
            level=level,
            number=number,
            position=position,
            title=data["title"],
            description=data.get("description", ""),
            cross_cutting=bool(data.get("cross_cutting", False)),
        )
        self.numbers.items[item.pk] = Numbered(item.pk, parent.pk if parent else None, number, level, position)
        self.numbers.take(item.parent_id, number)
        if "id" in data:
            self.items_by_key[data["id"]] = item
        for child_position, child in enumerate(data.get("items", []), start=1):
            self.item(child, parent=item, level=level + 1, position=child_position)
        for measure_position, measure_data in enumerate(data.get("measures", []), start=1):
            self.measure(measure_data, item=item, position=measure_position)

    def measure(self, data: dict, *, item: PlanItem | None, position: int) -> None:
        plan, organization = self.plan, self.plan.organization
        item_id = item.pk if item else None
        number = data.get("number") or ""
        if number:
            self.numbers.measures.append((0, item_id, number))
            self.numbers.take(item_id, number)
        else:
            number = self.numbers.propose_measure(item_id)
        measure = Measure.objects.create(
            organization=organization,
            plan=plan,
            item=item,
            number=number,
            position=position,
            title=data["title"],
            problem=data.get("problem", ""),
            causes=data.get("causes", ""),
            actions=data.get("actions", ""),
            expected_effects=data.get("expected_effects", ""),
            stage=data.get("stage") or "",  # a plan need not give its measures a 段階
            national_kpi_note=data.get("national_kpi_note", ""),
        )
        MeasureDepartment.objects.bulk_create(
            MeasureDepartment(organization=organization, measure=measure, department=self.departments[name])
            for name in data.get("departments", [])
            if name in self.departments
        )
        for entry_position, span in enumerate(data.get("roadmap", []), start=1):
            start_fy, end_fy = int(span["start_fy"]), int(span["end_fy"])
            # A copied plan may cover other years: keep what overlaps the new period.
            start_fy, end_fy = max(start_fy, plan.start_fy), min(end_fy, plan.end_fy)
            if start_fy <= end_fy:
                self.entries.append(
                    RoadmapEntry(
                        organization=organization,
                        measure=measure,
                        label=span["label"],
                        start_fy=start_fy,
                        end_fy=end_fy,
                        position=entry_position,
                    )
                )


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


# --- goals ----------------------------------------------------------------------------------


def _set_goal_items(goal: Goal, items) -> list[int]:
    """Link the goal to `items` (items of its plan only) in place of its links; return their ids."""
    items = list(items)
    if any(item.plan_id != goal.plan_id for item in items):
        raise ValidationError({"items": _("この計画の項目を選んでください。")}, code="item_of_other_plan")
    links = GoalItem.objects.for_organization(goal.organization_id).filter(goal=goal)
    wanted = {item.pk for item in items}
    links.exclude(item_id__in=wanted).delete()
    existing = set(links.values_list("item_id", flat=True))
    GoalItem.objects.bulk_create(
        GoalItem(organization=goal.organization, goal=goal, item_id=pk) for pk in sorted(wanted - existing)
    )
    return sorted(wanted)


@service
def goal_create(*, actor: Actor, plan: Plan, title: str, description: str = "", items=()) -> Goal:
    """Add a goal (取組目標) to the plan, linked to the items it serves."""
    items = list(items)
    require_plan_editor(actor, "goal.create", plan, *items)
    goal = Goal.objects.create(
        organization=plan.organization,
        plan=plan,
        position=next_position(plan.goals.all()),
        title=title,
        description=description,
    )
    linked = _set_goal_items(goal, items)
    audit_record(
        actor=actor.user, organization=plan.organization, verb="goal.create", target=goal, data={"items": linked}
    )
    return goal


@service
def goal_update(
    *, actor: Actor, goal: Goal, version: int, title: str, description: str, position: int, items=None
) -> Goal:
    """Change a goal; `items` (when given) replaces the items it is linked to."""
    items = list(items) if items is not None else None
    require_plan_editor(actor, "goal.update", goal, *(items or []))
    goal.title, goal.description, goal.position = title, description, position
    save_if_unchanged(goal, version, ["title", "description", "position"])
    data = {"items": _set_goal_items(goal, items)} if items is not None else {}
    audit_record(actor=actor.user, organization=goal.organization, verb="goal.update", target=goal, data=data)
    return goal


@service
def goal_delete(*, actor: Actor, goal: Goal) -> None:
    require_plan_editor(actor, "goal.delete", goal)
    audit_record(actor=actor.user, organization=goal.organization, verb="goal.delete", target=goal)
    goal.delete()


@service
def plan_levels_update(*, actor: Actor, plan: Plan, version: int, level_names: list[str], leaf_name: str) -> Plan:
    """Name the plan's levels. Their number changes only while the plan has no items and no measures
    (an item of a level that goes away would lose its place)."""
    require_plan_editor(actor, "plan.levels_update", plan)
    level_names = check_level_names(level_names)
    leaf_name = (leaf_name or "").strip() or DEFAULT_LEAF_NAME
    if len(level_names) != plan.depth and (plan.items.exists() or plan.measures.exists()):
        raise ValidationError(
            {
                "level_names": _(
                    "項目や施策がある計画は、階層の数を変えられません（今は%(n)s階層）。名前だけを変えてください。"
                )
                % {"n": plan.depth}
            },
            code="levels_in_use",
        )
    before = {"level_names": plan.level_names, "leaf_name": plan.leaf_name}
    plan.level_names, plan.leaf_name = level_names, leaf_name
    plan.full_clean()
    save_if_unchanged(plan, version, ["level_names", "leaf_name"])
    audit_record(
        actor=actor.user,
        organization=plan.organization,
        verb="plan.levels_update",
        target=plan,
        data={"before": before, "after": {"level_names": level_names, "leaf_name": leaf_name}},
    )
    return plan


def _check_item_place(plan: Plan, parent: PlanItem | None) -> int:
    """Return the level a child of `parent` takes in `plan`, or refuse a parent that cannot hold items."""
    if parent is not None and parent.plan_id != plan.pk:
        raise ValidationError({"parent": _("上位の項目がこの計画のものではありません。")}, code="parent_of_other_plan")
    level = parent.level + 1 if parent is not None else 1
    if level > plan.depth:
        raise ValidationError({"parent": _("この計画の項目は%(n)s階層までです。") % {"n": plan.depth}}, code="too_deep")
    return level


def _check_item_text(plan: Plan, parent: PlanItem | None, title: str, number: str, item: PlanItem | None) -> None:
    """Refuse a title another child of the same parent has, or a number taken as a full path."""
    siblings = PlanItem.objects.for_organization(plan.organization_id).filter(plan=plan, parent=parent, title=title)
    if item is not None:
        siblings = siblings.exclude(pk=item.pk)
    if siblings.exists():
        raise ValidationError({"title": _("同じ上位の項目の下に同じ名前の項目があります。")}, code="title_taken")
    numbers = PlanNumbers.for_plan(plan)
    own = numbers.item_path(item.pk) if item is not None else None
    if not numbers.is_free(parent.pk if parent else None, number, own_path=own):
        raise ValidationError(
            {
                "number": _("番号「%(number)s」はこの計画で既に使われています。")
                % {"number": path_text(numbers.path(parent.pk if parent else None, number))}
            },
            code="number_taken",
        )


@service
def plan_item_create(
    *,
    actor: Actor,
    plan: Plan,
    title: str,
    parent: PlanItem | None = None,
    number: str | None = None,
    description: str = "",
    cross_cutting: bool = False,
) -> PlanItem:
    """Add an item under `parent` (None: at the top level); without a number, the proposal of numbering.py."""
    require_plan_editor(actor, "plan_item.create", plan, *([parent] if parent else []))
    lock_plan(plan.pk, plan.organization_id)
    level = _check_item_place(plan, parent)
    if number is None:
        number = PlanNumbers.for_plan(plan).propose_item(parent.pk if parent else None, level)
    number = number.strip()
    _check_item_text(plan, parent, title, number, None)
    item = PlanItem(
        organization=plan.organization,
        plan=plan,
        parent=parent,
        level=level,
        number=number,
        position=next_position(
            PlanItem.objects.for_organization(plan.organization_id).filter(plan=plan, parent=parent)
        ),
        title=title,
        description=description,
        cross_cutting=cross_cutting,
    )
    item.full_clean()
    item.save()
    audit_record(
        actor=actor.user,
        organization=plan.organization,
        verb="plan_item.create",
        target=item,
        data={"level": level, "number": number},
    )
    return item


@service
def plan_item_update(
    *,
    actor: Actor,
    item: PlanItem,
    version: int,
    title: str,
    description: str,
    cross_cutting: bool,
    position: int,
    number: str | None = None,
    parent: PlanItem | None = None,
) -> PlanItem:
    """Change an item's text, number or place among its siblings; with `parent`, put it under another item of
    the level above (its items and measures go with it, last among its new siblings)."""
    require_plan_editor(actor, "plan_item.update", item, *([parent] if parent else []))
    number = item.number if number is None else number.strip()
    before = {"title": item.title, "number": item.number, "parent": item.parent_id}
    fields = ["title", "description", "cross_cutting", "position", "number"]
    moved = parent is not None and parent.pk != item.parent_id
    if moved:
        if parent.plan_id != item.plan_id or parent.level != item.level - 1:
            raise ValidationError(
                {"parent": _("一つ上の階層の、同じ計画の項目を選んでください。")}, code="parent_not_above"
            )
        position = next_position(
            PlanItem.objects.for_organization(item.organization_id).filter(plan=item.plan_id, parent=parent)
        )
        fields.append("parent")
    lock_plan(item.plan_id, item.organization_id)
    _check_item_text(item.plan, parent if moved else item.parent, title, number, item)
    renumbered = moved or number != before["number"]
    repeated_before = PlanNumbers.for_plan(item.plan).repeated_paths() if renumbered else frozenset()
    item.title, item.description, item.cross_cutting, item.position, item.number = (
        title,
        description,
        cross_cutting,
        position,
        number,
    )
    if moved:
        item.parent = parent
    item.full_clean(exclude=["plan", "organization", "parent"])
    save_if_unchanged(item, version, fields)
    if renumbered:
        # What lies below an unnumbered item may meet its namesakes under the new parent, or once a number is
        # cleared: every path is checked again.
        check_no_repeated_paths(item.plan, "parent" if moved else "number", already=repeated_before)
    changed = {k: [v, getattr(item, k if k != "parent" else "parent_id")] for k, v in before.items()}
    changed = {k: v for k, v in changed.items() if v[0] != v[1]}
    audit_record(actor=actor.user, organization=item.organization, verb="plan_item.update", target=item, data=changed)
    return item


@service
def plan_item_delete(*, actor: Actor, item: PlanItem) -> None:
    """Delete an empty item; one that still holds items or measures is refused."""
    require_plan_editor(actor, "plan_item.delete", item)
    if item.measures.exists() or item.children.exists():
        raise ValidationError(
            _("下に項目や施策がある項目は削除できません。先に移すか削除してください。"), code="item_not_empty"
        )
    GoalItem.objects.for_organization(item.organization_id).filter(item=item).delete()
    audit_record(actor=actor.user, organization=item.organization, verb="plan_item.delete", target=item)
    item.delete()


# --- measures ---------------------------------------------------------------------------------


class MeasureNumbering:
    """施策番号 proposals for new measures of a plan (numbering.PlanNumbers, by item)."""

    def __init__(self, numbers: PlanNumbers):
        self.numbers = numbers

    @classmethod
    def for_plan(cls, plan: Plan) -> "MeasureNumbering":
        return cls(PlanNumbers.for_plan(plan))

    def next_for(self, item: PlanItem | None) -> str:
        """Return a free number for a new measure of `item`, and count it as taken."""
        return self.numbers.propose_measure(item.pk if item is not None else None)


def next_measure_number(plan: Plan, item: PlanItem | None) -> str:
    """Return a free 施策番号 for a new measure of `item` (see numbering.py)."""
    return MeasureNumbering.for_plan(plan).next_for(item)


def check_measure_place(plan: Plan, item: PlanItem | None) -> None:
    """Refuse an item that cannot hold measures: another plan's, or one above the plan's last level."""
    if item is None:
        if plan.depth:
            raise ValidationError(
                {"item": _("%(level)sを選んでください。") % {"level": plan.level_names[-1]}}, code="item_required"
            )
        return
    if item.plan_id != plan.pk:
        raise ValidationError({"item": _("項目がこの計画のものではありません。")}, code="item_of_other_plan")
    if item.level != plan.depth:
        raise ValidationError(
            {"item": _("施策は%(level)sの下に置きます。") % {"level": plan.level_names[-1]}}, code="item_not_leaf"
        )


def _check_measure_number(plan: Plan, item: PlanItem | None, number: str, measure: Measure | None) -> None:
    numbers = PlanNumbers.for_plan(plan)
    own = numbers.path(measure.item_id, measure.number) if measure is not None and measure.number else None
    if not numbers.is_free(item.pk if item else None, number, own_path=own):
        raise ValidationError(
            {
                "number": _("施策番号「%(number)s」はこの計画で既に使われています。")
                % {"number": path_text(numbers.path(item.pk if item else None, number))}
            },
            code="number_taken",
        )


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
def measure_create(*, actor: Actor, plan: Plan, item: PlanItem | None, data: dict, departments) -> Measure:
    """Add a measure to `item` (None in a plan without levels), with the given 施策番号 or a proposed one."""
    departments = list(departments)
    require_plan_editor(actor, "measure.create", plan, *([item] if item else []), *departments)
    check_measure_place(plan, item)
    departments = _check_departments(plan, departments)
    lock_plan(plan.pk, plan.organization_id)
    number = (data.get("number") or "").strip()
    if number:
        _check_measure_number(plan, item, number, None)
    else:
        number = next_measure_number(plan, item)
    siblings = Measure.objects.for_organization(plan.organization_id).filter(plan=plan, item=item)
    measure = Measure(
        organization=plan.organization,
        plan=plan,
        item=item,
        number=number,
        position=next_position(siblings),
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
    item: PlanItem | None = None,
) -> Measure:
    """Change a measure. A department user may change the logic model of its own measures;
    only the secretariat moves a measure or changes its owners."""
    departments = list(departments) if departments is not None else None
    require_measure_editor(actor, measure, "measure.update", item, *(departments or []))
    if (departments is not None or item is not None) and not can_edit_plan(actor):
        departments = None
        item = None
    before = {f: getattr(measure, f) for f in [*MEASURE_TEXT_FIELDS, "number"]}
    old_item_id, old_number = measure.item_id, measure.number
    for field in MEASURE_TEXT_FIELDS:
        if field in data:
            setattr(measure, field, data[field])
    fields = list(MEASURE_TEXT_FIELDS)
    new_item = measure.item
    if item is not None and item.pk != measure.item_id:
        check_measure_place(measure.plan, item)
        new_item = item
        measure.item = item
        measure.position = next_position(
            Measure.objects.for_organization(measure.organization_id).filter(plan=measure.plan_id, item=item)
        )
        fields += ["item", "position"]
    # Only the secretariat renumbers (the number is the plan's, not the department's).
    if "number" in data and can_edit_plan(actor):
        measure.number = (data["number"] or "").strip() or measure.number
        fields.append("number")
    if (measure.item_id, measure.number) != (old_item_id, old_number):
        lock_plan(measure.plan_id, measure.organization_id)
        _check_measure_number(measure.plan, new_item, measure.number, Measure(item_id=old_item_id, number=old_number))
    measure.full_clean(exclude=["plan", "organization"])
    save_if_unchanged(measure, version, fields)
    changed = {
        f: [before[f], getattr(measure, f)]
        for f in [*MEASURE_TEXT_FIELDS, "number"]
        if before[f] != getattr(measure, f)
    }
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
    lock_plan(plan.pk, plan.organization_id)
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
        lock_plan(revision.plan_id, revision.organization_id)
        _check_revision_date(revision.plan, revision.published_on, revision=revision)
    return transition(revision, action, actor=actor, comment=comment)


# --- 工程表 import (read and checked by spreadsheets.py) ---------------------------------------
