"""Reads of plan data for pages: each costs a fixed number of queries, whatever the plan's size."""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import QuerySet

from suishin.tenants.actor import Actor
from suishin.tenants.models import Department

from .models import MeasureDepartment, Plan, RoadmapEntry


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
    area_title: str
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


@dataclass(slots=True)
class AreaRow:
    id: int
    title: str
    cross_cutting: bool
    measures: list[MeasureRow] = field(default_factory=list)


def plan_outline(plan: Plan, department: Department | None = None, with_roadmap: bool = True) -> list[AreaRow]:
    """Return the plan's priority areas with their measures, owners and (optionally) roadmap spans.

    Plain rows in four queries, whatever the plan's size: the overview, the 工程表 page and its Excel
    export all read this.
    """
    areas = {
        a["id"]: AreaRow(a["id"], a["title"], a["cross_cutting"])
        for a in plan.items.values("id", "title", "cross_cutting")
    }
    measures_qs = plan.measures.all()
    if department is not None:
        measures_qs = measures_qs.filter(ownerships__department=department)
    measures = {}
    for m in measures_qs.order_by("item__position", "position", "number").values(
        "id", "number", "title", "stage", "national_kpi_note", "item_id"
    ):
        row = MeasureRow(m["id"], m["number"], m["title"], m["stage"], m["national_kpi_note"])
        measures[m["id"]] = row
        areas[m["item_id"]].measures.append(row)
    if not measures:
        return list(areas.values())
    _add_owner_names(measures, plan.organization_id)
    if with_roadmap:
        entries = (
            RoadmapEntry.objects.for_organization(plan.organization_id)
            .filter(measure_id__in=list(measures))
            .order_by("start_fy", "position", "id")
        )
        for e in entries.values_list("id", "measure_id", "label", "start_fy", "end_fy", "position"):
            measures[e[1]].entries.append(EntryRow(e[0], e[2], e[3], e[4], e[5]))
    return list(areas.values())


def _add_owner_names(rows: dict, organization_id: int) -> None:
    """Append to each row's `departments` the names of its measure's owners, in the departments' order.

    One query by the measures' ids (their foreign-key index), not by joining back to the plan.
    """
    owners = (
        MeasureDepartment.objects.for_organization(organization_id)
        .filter(measure_id__in=list(rows))
        .order_by("measure_id", "department__position", "department__code")
    )
    for measure_id, name in owners.values_list("measure_id", "department__name"):
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
    """A row of the 工程表: either a priority area's heading, or one lane of a measure."""

    area: AreaRow | None = None
    measure: MeasureRow | None = None
    first: bool = False
    lane_count: int = 1
    cells: list[RoadmapCell] = field(default_factory=list)


def roadmap_rows(plan: Plan, department: Department | None = None) -> list[RoadmapRow]:
    """Return the 工程表 as table rows: each area with measures, then each lane of its measures."""
    years = plan.fiscal_years
    rows = []
    for area in plan_outline(plan, department):
        if not area.measures:
            continue
        rows.append(RoadmapRow(area=area))
        for measure in area.measures:
            lanes = roadmap_lanes(measure.entries)
            for index, lane in enumerate(lanes):
                rows.append(RoadmapRow(None, measure, index == 0, len(lanes), lane_cells(lane, years[0], years[-1])))
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
    """Return one page of the plan's measures as plain rows with their owners: three queries a page."""
    measures = plan.measures.all()
    if department is not None:
        measures = measures.filter(ownerships__department=department)
    measures = measures.order_by("item__position", "position", "number").values_list(
        "id", "number", "title", "stage", "item__title"
    )
    page = Paginator(measures, per_page).get_page(page_number)
    rows = {values[0]: MeasureListRow(*values) for values in page.object_list}
    _add_owner_names(rows, plan.organization_id)
    page.object_list = list(rows.values())
    return page


def open_measure_ownerships(organization_id: int):
    """Return the owners of the measures of plans still open (their period reaches this fiscal year
    or later): a reorganisation moves these; a finished plan keeps its departments as they were."""
    from django.utils import timezone

    from suishin.core.fiscal_year import fiscal_year_of

    current = fiscal_year_of(timezone.localdate())
    return MeasureDepartment.objects.for_organization(organization_id).filter(measure__plan__end_fy__gte=current)
