"""The 工程表 import's write: a problem-free import (spreadsheets.parse_roadmap_sheet) applied in one transaction."""

from typing import TYPE_CHECKING

from django.db.models import F
from django.utils import timezone

from suishin.core.audit import audit_record
from suishin.core.bulk import bulk_insert
from suishin.core.service import service
from suishin.tabular.writes import bulk_update_rows
from suishin.tenants.access import require_same_organization
from suishin.tenants.actor import Actor

from .access import require_plan_editor
from .models import Measure, MeasureDepartment, Plan, RoadmapEntry
from .numbering import PlanNumbers

if TYPE_CHECKING:
    from .spreadsheets import ImportedMeasure, RoadmapImport


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
    areas = {area.title: area for area in plan.items.all()}
    existing = {
        values[0]: values
        for values in plan.measures.values_list("number", "pk", "item_id", "position", "title", "national_kpi_note")
    }
    current = _current_owners_and_spans(plan.organization_id, [values[1] for values in existing.values()])
    numbering = PlanNumbers.for_plan(plan)
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
                item=area,
                number=numbering.propose_measure(area.pk),
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
    bulk_update_rows(Measure, ["title", "item_id", "national_kpi_note"], renamed, versioned=True)
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
