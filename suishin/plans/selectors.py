"""Reads of plan data for pages: each costs a fixed number of queries, whatever the plan's size."""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils import timezone

from suishin.core.fiscal_year import fiscal_year_of
from suishin.reorganisation.selectors import department_names
from suishin.tenants.actor import Actor
from suishin.tenants.models import Department

from .models import Goal, Measure, MeasureDepartment, Plan, PlanItem, RoadmapEntry, item_label
from .numbering import path_text


def plans_of(actor: Actor) -> QuerySet[Plan]:
    return Plan.objects.for_organization(actor.organization).order_by("-start_fy", "-id")


def departments_of(actor: Actor) -> QuerySet[Department]:
    return Department.objects.for_organization(actor.organization)


@dataclass(slots=True)
class MeasureListRow:
    id: int
    number: str
    title: str
    stage: str
    # The label of the measure's item (「① 窓口のデジタル化」) and its ancestors' labels, top first; None in a
    # plan without levels (the list has no item column then), "" for a measure outside any item.
    item_label: str | None = None
    item_path: list[str] = field(default_factory=list)
    number_path: str = ""  # the measure's full number: 「① (1) ① ②」
    departments: list[str] = field(default_factory=list)


@dataclass(slots=True)
class EntryRow:
    id: int
    label: str
    start_fy: int
    end_fy: int
    position: int


@dataclass(slots=True)
class MeasureRow:
    id: int
    number: str
    title: str
    stage: str
    national_kpi_note: str
    departments: list[str] = field(default_factory=list)
    entries: list[EntryRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return item_label(self.number, self.title)


@dataclass(slots=True, eq=False)
class ItemNode:
    """An item of the plan in the outline: its children (the next level) or, at the last level, its measures."""

    id: int
    parent_id: int | None
    number: str
    title: str
    description: str
    cross_cutting: bool
    depth: int = 1  # 1 for the top level, as placed in the tree
    level_name: str = ""  # the plan's name of its level: 柱, 大項目…
    number_path: str = ""  # its full number: 「① (1)」
    children: list["ItemNode"] = field(default_factory=list)
    measures: list[MeasureRow] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)  # the titles of the goals (取組目標) it serves
    measure_count: int = 0  # its measures and those of every item under it

    @property
    def label(self) -> str:
        return item_label(self.number, self.title)


@dataclass(slots=True)
class GoalRow:
    id: int
    title: str

    @property
    def pk(self) -> int:
        return self.id


@dataclass(slots=True)
class Outline:
    """A plan as a tree: its top-level items with their children down to the last level, which holds the
    measures; a plan without levels has its measures straight under it (`measures`)."""

    level_names: list[str]
    leaf_name: str
    items: list[ItemNode] = field(default_factory=list)
    measures: list[MeasureRow] = field(default_factory=list)
    goals: list[GoalRow] = field(default_factory=list)  # the plan's goals, read with `with_goals`

    def walk(self):
        """Yield (item, ancestors) of every item, parents before their children, in plan order."""
        stack = [(node, ()) for node in reversed(self.items)]
        while stack:
            node, ancestors = stack.pop()
            yield node, ancestors
            stack.extend((child, (*ancestors, node)) for child in reversed(node.children))


def plan_outline(
    plan: Plan, department: Department | None = None, with_roadmap: bool = True, with_goals: bool = False
) -> Outline:
    """Return the plan as a tree of its items with their measures, owners and (optionally) roadmap spans
    and the goals each item serves.

    With `department`, only its measures and the branches that lead to them (the 工程表 of a department);
    without, every item, with measures or not (the overview). A query each for the items, the measures,
    their owners and their spans (and the goals with their items), whatever the plan's size and depth: the
    tree is built here. The overview, the 工程表 page and its PDF read this.
    """
    organization_id = plan.organization_id
    outline = Outline(list(plan.level_names or []), plan.leaf_name)
    nodes = _item_tree(plan, outline)
    measures_qs = Measure.objects.for_organization(organization_id).filter(plan=plan)
    if department is not None:
        measures_qs = measures_qs.filter(ownerships__department=department)
    measures = {}
    for pk, number, title, stage, note, item_id in measures_qs.order_by("position", "number", "id").values_list(
        "id", "number", "title", "stage", "national_kpi_note", "item_id"
    ):
        row = MeasureRow(pk, number, title, stage, note)
        measures[pk] = row
        node = nodes.get(item_id)
        (node.measures if node is not None else outline.measures).append(row)
    _count_measures(outline.items)
    if department is not None:
        outline.items = _pruned(outline.items)
    if with_goals:
        _add_goals(plan, outline, nodes)
    if not measures:
        return outline
    _add_owner_names(measures, plan)
    if with_roadmap:
        entries = (
            RoadmapEntry.objects.for_organization(organization_id)
            .filter(measure_id__in=list(measures))
            .order_by("start_fy", "position", "id")
        )
        for e in entries.values_list("id", "measure_id", "label", "start_fy", "end_fy", "position"):
            measures[e[1]].entries.append(EntryRow(e[0], e[2], e[3], e[4], e[5]))
    return outline


def _item_tree(plan: Plan, outline: Outline) -> dict[int, ItemNode]:
    """Read the plan's items in one query and hang them in `outline`; return them by id.

    An item whose parent is missing is shown at the top (a tree never loses an item)."""
    nodes = {
        pk: ItemNode(pk, parent_id, number, title, description, cross_cutting)
        for pk, parent_id, number, title, description, cross_cutting in PlanItem.objects.for_organization(
            plan.organization_id
        )
        .filter(plan=plan)
        .order_by("position", "id")
        .values_list("id", "parent_id", "number", "title", "description", "cross_cutting")
    }
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id != node.id else None
        (parent.children if parent is not None else outline.items).append(node)
    names = outline.level_names
    for node, ancestors in outline.walk():
        node.depth = len(ancestors) + 1
        node.level_name = names[node.depth - 1] if node.depth <= len(names) else ""
        node.number_path = path_text([*(a.number for a in ancestors), node.number])
    return nodes


def _add_goals(plan: Plan, outline: Outline, nodes: dict[int, ItemNode]) -> None:
    """Read the plan's goals with the items each serves, in one query: into `outline.goals`, and each
    goal's title into the items it serves."""
    goals: dict[int, GoalRow] = {}
    for pk, title, item_id in (
        Goal.objects.for_organization(plan.organization_id)
        .filter(plan=plan)
        .order_by("position", "id", "item_links__item__level", "item_links__item__position")
        .values_list("id", "title", "item_links__item_id")
    ):
        if pk not in goals:
            goals[pk] = GoalRow(pk, title)
        if item_id in nodes:
            nodes[item_id].goals.append(title)
    outline.goals = list(goals.values())


def _count_measures(nodes: list[ItemNode]) -> int:
    total = 0
    for node in nodes:
        node.measure_count = len(node.measures) + _count_measures(node.children)
        total += node.measure_count
    return total


def _pruned(nodes: list[ItemNode]) -> list[ItemNode]:
    """Keep the items that hold measures, or lead to some."""
    kept = [node for node in nodes if node.measure_count]
    for node in kept:
        node.children = _pruned(node.children)
    return kept


def _owner_names_in_force(plan: Plan) -> dict[int, str] | None:
    """Return the names the departments had in a finished plan's last year (a plan that ended before this
    fiscal year shows its owners as they were then, before later reorganisations renamed them); None for
    a plan still open, whose owners go by today's names."""
    if plan.end_fy >= current_fiscal_year():
        return None
    return department_names(plan.organization_id, plan.end_fy)


def current_fiscal_year() -> int:
    return fiscal_year_of(timezone.localdate())


def _add_owner_names(rows: dict, plan: Plan) -> None:
    """Append to each row's `departments` the names of its measure's owners, in the departments' order
    (a finished plan's by the names of its last year).

    One query by the measures' ids (their foreign-key index), not by joining back to the plan.
    """
    owners = (
        MeasureDepartment.objects.for_organization(plan.organization_id)
        .filter(measure_id__in=list(rows))
        .order_by("measure_id", "department__position", "department__code")
    )
    names_then = _owner_names_in_force(plan)
    for measure_id, department_id, name in owners.values_list("measure_id", "department_id", "department__name"):
        if names_then is not None:
            name = names_then.get(department_id, name)
        rows[measure_id].departments.append(name)


def roadmap_lanes(entries: list[RoadmapEntry]) -> list[list[RoadmapEntry]]:
    """Pack a measure's spans into rows so that spans in one row never overlap."""
    lanes: list[list[RoadmapEntry]] = []
    for entry in sorted(entries, key=lambda e: (e.start_fy, e.position, e.id or 0)):
        for lane in lanes:
            if lane[-1].end_fy < entry.start_fy:
                lane.append(entry)
                break
        else:
            lanes.append([entry])
    return lanes or [[]]


@dataclass(slots=True)
class RoadmapCell:
    entry: EntryRow | None
    colspan: int


@dataclass(slots=True)
class RoadmapRow:
    """A row of the 工程表: either an item's heading (at any level), or one lane of a measure."""

    item: ItemNode | None = None
    measure: MeasureRow | None = None
    first: bool = False
    lane_count: int = 1
    cells: list[RoadmapCell] = field(default_factory=list)


def roadmap_rows(plan: Plan, department: Department | None = None) -> list[RoadmapRow]:
    """Return the 工程表 as table rows, as printed plans group it: a heading row for each item at every level
    that holds measures (directly or below it), then one row per lane of each of its measures."""
    years = plan.fiscal_years
    outline = plan_outline(plan, department)
    rows: list[RoadmapRow] = []

    def add_measures(measures: list[MeasureRow]) -> None:
        for measure in measures:
            lanes = roadmap_lanes(measure.entries)
            for index, lane in enumerate(lanes):
                rows.append(RoadmapRow(None, measure, index == 0, len(lanes), lane_cells(lane, years[0], years[-1])))

    add_measures(outline.measures)
    for node, _ancestors in outline.walk():
        if node.measure_count:
            rows.append(RoadmapRow(item=node))
            add_measures(node.measures)
    return rows


def lane_cells(lane, first_year: int, last_year: int) -> list[RoadmapCell]:
    """Return the cells of one lane: a span over its years, or one empty cell per free year."""
    cells, year = [], first_year
    by_start = {entry.start_fy: entry for entry in lane}
    while year <= last_year:
        entry = by_start.get(year)
        if entry is not None:
            cells.append(RoadmapCell(entry, entry.end_fy - entry.start_fy + 1))
            year = entry.end_fy + 1
        else:
            cells.append(RoadmapCell(None, 1))
            year += 1
    return cells


def measure_page(plan: Plan, page_number, department: Department | None = None, per_page: int = 50):
    """Return one page of the plan's measures in plan order as plain rows with their item's path and their
    owners: three queries a page (the plan's items, its measures, the page's owners), whatever its depth.

    The measures are read whole (a few short columns; a plan has hundreds, not millions) so that they can
    be put in the tree's order here, which no column of theirs holds."""
    measures = Measure.objects.for_organization(plan.organization_id).filter(plan=plan)
    if department is not None:
        measures = measures.filter(ownerships__department=department)
    values = list(
        measures.order_by("position", "number", "id").values_list("id", "number", "title", "stage", "item_id")
    )
    paths = _item_paths(plan) if values else {}
    order = {pk: index for index, pk in enumerate(paths)}
    values.sort(key=lambda v: -1 if v[4] is None else order.get(v[4], len(order)))
    page = Paginator(values, per_page).get_page(page_number)
    rows = {}
    for pk, number, title, stage, item_id in page.object_list:
        row = MeasureListRow(pk, number, title, stage, number_path=number)
        if plan.level_names:
            numbers, labels = paths.get(item_id, ((), ()))
            row.item_label = labels[-1] if labels else ""
            row.item_path = list(labels[:-1])
            row.number_path = path_text([*numbers, number])
        rows[pk] = row
    _add_owner_names(rows, plan)
    page.object_list = list(rows.values())
    return page


def _item_paths(plan: Plan) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Return {item id: (the numbers, the labels) from the top down to the item}, in the tree's order
    (parents before their children, siblings by position), in one query."""
    outline = Outline(list(plan.level_names or []), plan.leaf_name)
    _item_tree(plan, outline)
    return {
        node.id: (tuple(n.number for n in (*ancestors, node)), tuple(n.label for n in (*ancestors, node)))
        for node, ancestors in outline.walk()
    }


def measure_item_path(measure: Measure) -> list[tuple[str, str]]:
    """Return (level name, item label) from the plan's top level down to the measure's item, in one query."""
    if measure.item_id is None:
        return []
    plan = measure.plan
    _numbers, labels = _item_paths(plan).get(measure.item_id, ((), ()))
    names = list(plan.level_names or [])
    return [(names[i] if i < len(names) else "", label) for i, label in enumerate(labels)]


def open_measure_ownerships(organization_id: int):
    """Return the owners of the measures of plans still open (their period reaches this fiscal year
    or later): a reorganisation moves these; a finished plan keeps its departments as they were."""
    current = current_fiscal_year()
    return MeasureDepartment.objects.for_organization(organization_id).filter(measure__plan__end_fy__gte=current)
