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
from .models import Measure, MeasureDepartment, Plan, PlanItem, RoadmapEntry
from .numbering import PlanNumbers
from .services import lock_plan

if TYPE_CHECKING:
    from .spreadsheets import ImportedMeasure, RoadmapImport

MEASURE_FIELDS = ["item_id", "number", "title", "stage", "national_kpi_note", "position"]


class StaleImport(ValueError):
    """The plan changed between reading the file and applying it (an item or measure it names is gone)."""


@service
def roadmap_import_apply(*, actor: Actor, plan: Plan, imported: "RoadmapImport") -> dict:
    """Apply a problem-free import: add, rename and renumber items; update measures by ID (moved, renumbered,
    renamed), add new ones, replace their owners and spans.

    Rows that say what the plan already says are left alone (an edited file usually changes a few rows);
    the others are written in bulk, in a fixed number of statements whatever the file's size (one INSERT
    per level that gains items).
    """
    require_same_organization(actor, "roadmap.import", plan)
    require_plan_editor(actor, "roadmap.import", plan)
    if imported.problems:
        raise ValueError("an import with problems is never applied")
    lock_plan(
        plan.pk, plan.organization_id
    )  # numbers checked when the file was read stay free until this transaction ends
    repeated_before = PlanNumbers.for_plan(plan).repeated_paths()  # an older version's data, if any
    organization_id = plan.organization_id
    item_ids = _write_items(plan, imported)
    existing = {
        values[0]: values[1:]
        for values in plan.measures.values_list("pk", *MEASURE_FIELDS)  # (item_id, number, title, stage, note, pos)
    }
    current = _current_owners_and_spans(organization_id, list(existing))
    last_position: dict[int | None, int] = {}
    for item_id, *_text, position in existing.values():
        last_position[item_id] = max(last_position.get(item_id, 0), position)
    now = timezone.now()
    created, updated, rewritten = [], [], []
    new_owners, new_spans = [], []  # (measure, owner ids) and (measure, spans) to write in place of the old
    unchanged = 0
    for row in imported.measures:
        item_id = _item_id(row.item_key, item_ids)
        owners, spans = _owners_and_spans(row)
        if row.pk is None:
            last_position[item_id] = last_position.get(item_id, 0) + 1
            measure = Measure(
                organization_id=organization_id,
                plan=plan,
                item_id=item_id,
                number=row.number,
                position=last_position[item_id],
                title=row.title,
                stage=row.stage,
                national_kpi_note=row.note,
            )
            created.append(measure)
            new_owners.append((measure, owners))
            new_spans.append((measure, spans))
            continue
        if row.pk not in existing:
            raise StaleImport(f"measure {row.pk} is no longer in the plan")
        current_item_id, number, title, stage, note, position = existing[row.pk]
        text = (item_id, row.number, row.title, row.stage, row.note)
        same_text = text == (current_item_id, number, title, stage, note)
        current_owners, current_spans, _entries = current[row.pk]
        same_spans = sorted(spans) == current_spans  # the file lists spans by lane, the plan by position
        if same_text and owners == current_owners and same_spans:
            unchanged += 1
            continue
        measure = _Changed(row.pk)
        if same_text:
            updated.append(row.pk)
        else:
            if item_id != current_item_id:  # moved: last under its new item
                last_position[item_id] = position = last_position.get(item_id, 0) + 1
            rewritten.append((row.pk, *text, position))
        if owners != current_owners:
            new_owners.append((measure, owners))
        if not same_spans:
            new_spans.append((measure, spans))
    Measure.objects.bulk_create(created)
    # A changed measure gets a new version: edit forms opened before the import must reload.
    plan.measures.filter(pk__in=updated).update(version=F("version") + 1, updated_at=now)
    bulk_update_rows(Measure, MEASURE_FIELDS, rewritten, versioned=True)
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
    items_created = sum(1 for item in imported.items if item.pk is None)
    summary = {
        "created": len(created),
        "updated": len(updated) + len(rewritten),
        "unchanged": unchanged,
        "items_created": items_created,
        "items_renamed": len(imported.items) - items_created,
    }
    if PlanNumbers.for_plan(plan).repeated_paths() - repeated_before:
        # Someone numbered an item or measure the same way between the read and now: nothing is kept.
        raise StaleImport("a number of the import has been taken since the file was read")
    audit_record(actor=actor.user, organization=plan.organization, verb="roadmap.import", target=plan, data=summary)
    return summary


def _write_items(plan: Plan, imported: "RoadmapImport") -> dict[int, int]:
    """Add the new items (one INSERT per level, parents first) and rename or renumber the changed ones (one
    UPDATE); return the new items' ids by their keys in the import."""
    item_ids: dict[int, int] = {}
    changed = [item for item in imported.items if item.pk is not None]
    if changed:
        stored = set(
            PlanItem.objects.for_organization(plan.organization_id)
            .filter(plan=plan, pk__in=[item.pk for item in changed])
            .values_list("pk", flat=True)
        )
        if len(stored) != len(changed):
            raise StaleImport("an item of the import is no longer in the plan")
    bulk_update_rows(PlanItem, ["number", "title"], [(i.pk, i.number, i.title) for i in changed], versioned=True)
    by_level: dict[int, list] = {}
    for item in imported.items:
        if item.pk is None:
            by_level.setdefault(item.level, []).append(item)
    for level in sorted(by_level):
        new = by_level[level]
        objects = [
            PlanItem(
                organization_id=plan.organization_id,
                plan=plan,
                parent_id=_item_id(item.parent_key, item_ids),
                level=level,
                number=item.number,
                position=item.position,
                title=item.title,
            )
            for item in new
        ]
        PlanItem.objects.bulk_create(objects)
        item_ids.update((item.key, created.pk) for item, created in zip(new, objects, strict=True))
    return item_ids


def _item_id(key: int | None, item_ids: dict[int, int]) -> int | None:
    """An item's id by its key in the import: an existing item's key is its id, a new one's is negative."""
    if key is None or key > 0:
        return key
    return item_ids[key]


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
