"""Reads of plan data for pages: each costs a fixed number of queries, whatever the plan's size."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet

from suishin.tenants.actor import Actor
from suishin.tenants.models import Department

from .models import Measure, MeasureDepartment, Plan, PriorityArea, RoadmapEntry


def plans_of(actor: Actor) -> QuerySet[Plan]:
    return Plan.objects.for_organization(actor.organization).order_by("-start_fy", "-id")


def departments_of(actor: Actor) -> QuerySet[Department]:
    return Department.objects.for_organization(actor.organization)


def measures_with_details(
    plan: Plan, department: Department | None = None, with_roadmap: bool = True
) -> QuerySet[Measure]:
    """Return the plan's measures with their owners (and roadmap) prefetched."""
    measures = Measure.objects.filter(plan=plan).select_related("priority_area")
    if department is not None:
        measures = measures.filter(ownerships__department=department)
    measures = measures.prefetch_related(
        Prefetch("ownerships", queryset=MeasureDepartment.objects.select_related("department"))
    )
    if with_roadmap:
        measures = measures.prefetch_related(
            Prefetch("roadmap_entries", queryset=RoadmapEntry.objects.order_by("start_fy", "position", "id"))
        )
    return measures.order_by("priority_area__position", "position", "number")


@dataclass
class AreaWithMeasures:
    area: PriorityArea
    measures: list[Measure]


def plan_tree(plan: Plan, department: Department | None = None, with_roadmap: bool = True) -> list[AreaWithMeasures]:
    """Return the plan's priority areas, each with its measures (filtered by owning department)."""
    by_area: dict[int, list[Measure]] = {}
    for measure in measures_with_details(plan, department, with_roadmap):
        by_area.setdefault(measure.priority_area_id, []).append(measure)
    return [AreaWithMeasures(area, by_area.get(area.pk, [])) for area in plan.priority_areas.all()]


def roadmap_lanes(entries: list[RoadmapEntry]) -> list[list[RoadmapEntry]]:
    """Pack a measure's spans into rows so that spans in one row never overlap."""
    lanes: list[list[RoadmapEntry]] = []
    for entry in sorted(entries, key=lambda e: (e.start_fy, e.position, e.pk or 0)):
        for lane in lanes:
            if lane[-1].end_fy < entry.start_fy:
                lane.append(entry)
                break
        else:
            lanes.append([entry])
    return lanes or [[]]


def measure_page(plan: Plan, page_number, department: Department | None = None, per_page: int = 50):
    """Return one page of the plan's measures."""
    return Paginator(measures_with_details(plan, department, with_roadmap=False), per_page).get_page(page_number)
