"""The department tree of a day or a fiscal year, and what a draft would change.

Other apps call `department_tree(organization, fiscal_year)` (or `department_names`) to show a past
year as it was: the tree in force on the year's first day. It comes from the trees every applied
reorganisation kept, so it costs two queries whatever the number of years.
"""

import datetime as dt
from dataclasses import dataclass

from suishin.core import registry
from suishin.core.fiscal_year import fiscal_year_bounds
from suishin.tenants.models import Department, Organization

from .models import DepartmentMapping, DraftDepartment, Reorganisation


@dataclass(frozen=True)
class TreeNode:
    """A department as a tree shows it: `depth` 0 for a top-level one (a 局, or a 課 without one)."""

    id: int | None
    code: str
    name: str
    parent_id: int | None
    depth: int


def _organization_id(organization) -> int:
    return getattr(organization, "pk", organization)


def current_tree_rows(organization) -> list[dict]:
    """Return the organization's departments in force now (closed ones left out), as stored rows."""
    departments = Department.objects.for_organization(organization).filter(closed_on=None)
    return [
        {"id": pk, "code": code, "name": name, "parent_id": parent, "position": position}
        for pk, code, name, parent, position in departments.order_by("position", "code").values_list(
            "pk", "code", "name", "parent_id", "position"
        )
    ]


def as_tree(rows: list[dict]) -> list[TreeNode]:
    """Return stored rows as a tree in display order: each parent followed by its children, by position.

    A row whose parent is not among the rows is shown at the top level (a tree never loses a row).
    """
    ids = {row["id"] for row in rows}
    children: dict[int | None, list[dict]] = {}
    for row in sorted(rows, key=lambda r: (r.get("position", 0), r["code"])):
        parent = row["parent_id"] if row["parent_id"] in ids else None
        children.setdefault(parent, []).append(row)
    ordered: list[TreeNode] = []
    seen: set = set()

    def walk(parent, depth):
        for row in children.get(parent, []):
            if row["id"] in seen:
                continue
            seen.add(row["id"])
            ordered.append(TreeNode(row["id"], row["code"], row["name"], row["parent_id"], depth))
            walk(row["id"], depth + 1)

    walk(None, 0)
    for row in rows:  # parents in a cycle, which a stored tree should never have: shown all the same
        if row["id"] not in seen:
            ordered.append(TreeNode(row["id"], row["code"], row["name"], row["parent_id"], 0))
    return ordered


def tree_rows_on(organization, day: dt.date) -> list[dict]:
    """Return the rows of the tree in force on `day`: the tree before the first reorganisation that took
    effect after `day`, or today's tree when none did."""
    later = (
        Reorganisation.objects.for_organization(organization)
        .filter(status=Reorganisation.Status.APPLIED, applied_on__gt=day)
        .order_by("applied_on", "applied_at", "pk")
        .values_list("tree_before", flat=True)
        .first()
    )
    return later if later is not None else current_tree_rows(organization)


def department_tree(organization: Organization | int, fiscal_year: int) -> list[TreeNode]:
    """Return the department tree of `fiscal_year`: the one in force on its first day (1 April, after a
    reorganisation that took effect that day)."""
    return as_tree(tree_rows_on(organization, fiscal_year_bounds(fiscal_year)[0]))


def department_names(organization: Organization | int, fiscal_year: int) -> dict[int, str]:
    """Return {department id: its name in `fiscal_year`}, for pages that show a past year's departments
    by the names they had then."""
    return {node.id: node.name for node in department_tree(organization, fiscal_year) if node.id is not None}


def reorganisations_of(organization):
    return Reorganisation.objects.for_organization(organization).select_related("applied_by")


def in_preparation(organization) -> Reorganisation | None:
    """Return the reorganisation being prepared (draft or scheduled), if any: there is at most one."""
    return Reorganisation.objects.for_organization(organization).exclude(status=Reorganisation.Status.APPLIED).first()


def draft_rows(reorganisation: Reorganisation) -> list[dict]:
    """Return the draft's new tree as rows (ids are the draft departments')."""
    return [
        {"id": pk, "code": code, "name": name, "parent_id": parent, "position": position}
        for pk, code, name, parent, position in DraftDepartment.objects.for_organization(reorganisation.organization_id)
        .filter(reorganisation=reorganisation)
        .values_list("pk", "code", "name", "parent_id", "position")
    ]


@dataclass(frozen=True)
class DraftLine:
    """A department of the draft, beside what it is today."""

    node: DraftDepartment
    depth: int
    change: str  # "new", "renamed", "moved", "renamed_moved" or "" (unchanged)
    merged_from: tuple[str, ...]  # names of the departments that merge into it

    @property
    def indent(self) -> range:
        return range(self.depth)


def draft_lines(reorganisation: Reorganisation) -> list[DraftLine]:
    """Return the draft tree in display order, each department with its change, in three queries."""
    organization = reorganisation.organization_id
    nodes = {
        node.pk: node
        for node in DraftDepartment.objects.for_organization(organization)
        .filter(reorganisation=reorganisation)
        .select_related("continues", "parent")
    }
    merged: dict[int, list[str]] = {}
    for successor, name in (
        DepartmentMapping.objects.for_organization(organization)
        .filter(reorganisation=reorganisation, successor__isnull=False)
        .values_list("successor_id", "old_department__name")
    ):
        merged.setdefault(successor, []).append(name)
    lines = []
    for tree_node in as_tree(draft_rows(reorganisation)):
        node = nodes[tree_node.id]
        lines.append(DraftLine(node, tree_node.depth, _change(node), tuple(merged.get(node.pk, ()))))
    return lines


def _change(node: DraftDepartment) -> str:
    old = node.continues
    if old is None:
        return "new"
    renamed = (old.code, old.name) != (node.code, node.name)
    old_parent = old.parent_id
    new_parent = node.parent.continues_id if node.parent is not None else None
    moved = old_parent != new_parent or (node.parent is not None and node.parent.continues_id is None)
    if renamed and moved:
        return "renamed_moved"
    return "renamed" if renamed else "moved" if moved else ""


def open_row_counts(organization, department_ids) -> dict[int, list[tuple[str, int]]]:
    """Return, for each of `department_ids`, [(label, count)] of the registered objects of open years it
    owns (what would follow it to a successor), one query per registered kind."""
    from django.apps import apps
    from django.db.models import Count

    wanted = list(department_ids)
    counts: dict[int, list[tuple[str, int]]] = {}
    if not wanted:
        return counts
    organization_id = _organization_id(organization)
    for kind in registry.department_owned:
        model = apps.get_model(kind.model)
        attname = model._meta.get_field(kind.department_field).attname
        rows = kind.open_rows(organization_id).filter(**{f"{attname}__in": wanted}).order_by()
        for department_id, count in rows.values_list(attname).annotate(n=Count("pk")).values_list(attname, "n"):
            counts.setdefault(department_id, []).append((str(kind.label), count))
    return counts


@dataclass
class Branch:
    node: object  # a TreeNode or a DraftLine
    children: list


def nested(items: list, depth_of=lambda item: item.depth) -> list[Branch]:
    """Return a flat tree in display order (each item with its depth) as branches, for nested lists."""
    roots: list[Branch] = []
    path: list[Branch] = []
    for item in items:
        depth = min(depth_of(item), len(path))
        branch = Branch(item, [])
        del path[depth:]
        (path[-1].children if path else roots).append(branch)
        path.append(branch)
    return roots
