"""Prepare, schedule and apply reorganisations (組織改編). Every write here is a `@service`.

Applying is one transaction: the departments of the new tree are created, renamed and moved through
the tenants services, each closed department is merged into its successor (`department_merge`: the
registered objects of open years move) or closed, and the trees before and after and the report are
stored with the reorganisation, with one audit entry holding the counts. Applying one already applied
does nothing.
"""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from suishin.core import registry
from suishin.core.audit import audit_record
from suishin.core.service import service
from suishin.tenants.actor import Actor
from suishin.tenants.models import Department, Organization
from suishin.tenants.services import (
    department_close,
    department_create,
    department_merge,
    department_move,
    department_update,
)

from .access import policy
from .checks import reorganisation_problems
from .models import DepartmentMapping, DraftDepartment, Reorganisation
from .selectors import current_tree_rows

EDIT, APPLY = "reorganisation.edit", "reorganisation.apply"


def _require_draft(reorganisation: Reorganisation) -> None:
    if not reorganisation.is_draft:
        raise ValidationError(_("下書きの組織改編だけを変更できます。施行予定を取り消してから変更してください。"))


def _audit(actor: Actor, verb: str, target, data: dict | None = None) -> None:
    audit_record(actor=actor.user, organization=target.organization, verb=verb, target=target, data=data)


@service
def reorganisation_create(
    *, actor: Actor, organization: Organization, title: str, effective_on: dt.date, note: str = ""
) -> Reorganisation:
    """Start a draft whose new tree is today's tree: every department carried on as it is."""
    policy.require(actor, EDIT, None, organization, audit_as="reorganisation.create")
    if Reorganisation.objects.for_organization(organization).exclude(status=Reorganisation.Status.APPLIED).exists():
        raise ValidationError(_("準備中の組織改編がすでにあります。それを施行するか削除してから作ってください。"))
    reorganisation = Reorganisation.objects.create(
        organization=organization, title=title, effective_on=effective_on, note=note
    )
    _copy_current_tree(reorganisation)
    _audit(actor, "reorganisation.create", reorganisation, {"effective_on": effective_on.isoformat()})
    return reorganisation


def _copy_current_tree(reorganisation: Reorganisation) -> None:
    rows = current_tree_rows(reorganisation.organization_id)
    nodes: dict[int, DraftDepartment] = {}
    for row in _parents_first(rows):
        nodes[row["id"]] = DraftDepartment.objects.create(
            organization_id=reorganisation.organization_id,
            reorganisation=reorganisation,
            continues_id=row["id"],
            parent=nodes.get(row["parent_id"]),
            code=row["code"],
            name=row["name"],
            position=row["position"],
        )


def _parents_first(rows: list[dict]) -> list[dict]:
    by_id = {row["id"]: row for row in rows}
    placed: set = set()
    ordered = []
    for row in rows:
        chain = []
        current: dict | None = row
        while current is not None and current["id"] not in placed:
            chain.append(current)
            placed.add(current["id"])
            current = by_id.get(current["parent_id"])
        ordered.extend(reversed(chain))
    return ordered


@service
def reorganisation_update(
    *, actor: Actor, reorganisation: Reorganisation, title: str, effective_on: dt.date, note: str = ""
) -> Reorganisation:
    policy.require(actor, EDIT, reorganisation, audit_as="reorganisation.update")
    if reorganisation.is_applied:
        raise ValidationError(_("施行済みの組織改編は変更できません。"))
    before = {
        "title": reorganisation.title,
        "effective_on": reorganisation.effective_on.isoformat(),
        "note": reorganisation.note,
    }
    reorganisation.title, reorganisation.effective_on, reorganisation.note = title, effective_on, note
    reorganisation.save(update_fields=["title", "effective_on", "note", "updated_at"])
    after = {"title": title, "effective_on": effective_on.isoformat(), "note": note}
    _audit(
        actor,
        "reorganisation.update",
        reorganisation,
        {key: [before[key], after[key]] for key in before if before[key] != after[key]},
    )
    return reorganisation


@service
def reorganisation_delete(*, actor: Actor, reorganisation: Reorganisation) -> None:
    """Throw a draft away (an applied reorganisation is history and stays)."""
    policy.require(actor, EDIT, reorganisation, audit_as="reorganisation.delete")
    _require_draft(reorganisation)
    _audit(actor, "reorganisation.delete", reorganisation, {"title": reorganisation.title})
    DepartmentMapping.objects.for_organization(reorganisation.organization_id).filter(
        reorganisation=reorganisation
    ).delete()
    nodes = DraftDepartment.objects.for_organization(reorganisation.organization_id).filter(
        reorganisation=reorganisation
    )
    nodes.update(parent=None)
    nodes.delete()
    reorganisation.delete()


# --- the draft tree -------------------------------------------------------------------------------


def _check_node(reorganisation: Reorganisation, code: str, name: str, parent, node=None) -> None:
    """Refuse a code or name another department of the draft has, and a parent below the node itself."""
    siblings = DraftDepartment.objects.for_organization(reorganisation.organization_id).filter(
        reorganisation=reorganisation
    )
    if node is not None:
        siblings = siblings.exclude(pk=node.pk)
    errors = {}
    if siblings.filter(code=code).exists():
        errors["code"] = _("組織コード「%(code)s」は改編後の組織にすでにあります。") % {"code": code}
    if siblings.filter(name=name).exists():
        errors["name"] = _("組織名「%(name)s」は改編後の組織にすでにあります。") % {"name": name}
    if parent is not None and parent.reorganisation_id != reorganisation.pk:
        errors["parent"] = _("上位組織は同じ組織改編の課から選んでください。")
    ancestor = parent
    while node is not None and ancestor is not None:
        if ancestor.pk == node.pk:
            errors["parent"] = _("課をその課自身やその下の課の下には移せません。")
            break
        ancestor = ancestor.parent
    if errors:
        raise ValidationError(errors)


@service
def draft_department_create(
    *,
    actor: Actor,
    reorganisation: Reorganisation,
    code: str,
    name: str,
    parent: DraftDepartment | None = None,
    position: int | None = None,
) -> DraftDepartment:
    """Add a new department to the draft tree."""
    policy.require(actor, EDIT, reorganisation, parent, audit_as="draft_department.create")
    _require_draft(reorganisation)
    _check_node(reorganisation, code, name, parent)
    if position is None:
        last = (
            DraftDepartment.objects.for_organization(reorganisation.organization_id)
            .filter(reorganisation=reorganisation)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        position = (last or 0) + 1
    node = DraftDepartment.objects.create(
        organization_id=reorganisation.organization_id,
        reorganisation=reorganisation,
        code=code,
        name=name,
        parent=parent,
        position=position,
    )
    _audit(actor, "draft_department.create", node, {"code": code, "name": name})
    return node


@service
def draft_department_update(
    *, actor: Actor, node: DraftDepartment, code: str, name: str, parent: DraftDepartment | None, position: int
) -> DraftDepartment:
    """Rename or move a department of the draft tree."""
    policy.require(actor, EDIT, node.reorganisation, node, parent, audit_as="draft_department.update")
    _require_draft(node.reorganisation)
    _check_node(node.reorganisation, code, name, parent, node)
    before = {"code": node.code, "name": node.name, "parent": str(node.parent or ""), "position": node.position}
    node.code, node.name, node.parent, node.position = code, name, parent, position
    node.save(update_fields=["code", "name", "parent", "position", "updated_at"])
    after = {"code": code, "name": name, "parent": str(parent or ""), "position": position}
    _audit(
        actor,
        "draft_department.update",
        node,
        {key: [before[key], after[key]] for key in before if before[key] != after[key]},
    )
    return node


@service
def draft_department_close(*, actor: Actor, node: DraftDepartment) -> DepartmentMapping | None:
    """Take a department out of the draft tree: a department of today is closed (its successor is then
    chosen on the mapping page), a department the draft added is simply removed."""
    reorganisation = node.reorganisation
    policy.require(actor, EDIT, reorganisation, node, audit_as="draft_department.close")
    _require_draft(reorganisation)
    scope = DraftDepartment.objects.for_organization(reorganisation.organization_id)
    if scope.filter(parent=node).exists():
        raise ValidationError(
            _("「%(name)s」の下に課があります。先にそれらを移すか廃止してください。") % {"name": node.name}
        )
    if DepartmentMapping.objects.for_organization(reorganisation.organization_id).filter(successor=node).exists():
        raise ValidationError(
            _("「%(name)s」は廃止する課の引継ぎ先です。先に引継ぎ先を変えてください。") % {"name": node.name}
        )
    mapping = None
    if node.continues_id is not None:
        mapping = DepartmentMapping.objects.create(
            organization_id=reorganisation.organization_id,
            reorganisation=reorganisation,
            old_department_id=node.continues_id,
        )
    _audit(actor, "draft_department.close", reorganisation, {"name": node.name, "code": node.code})
    node.delete()
    return mapping


@service
def draft_department_restore(*, actor: Actor, mapping: DepartmentMapping) -> DraftDepartment:
    """Keep a department the draft was to close: it is carried on as it is today."""
    reorganisation = mapping.reorganisation
    policy.require(actor, EDIT, reorganisation, mapping, audit_as="draft_department.restore")
    _require_draft(reorganisation)
    old = mapping.old_department
    scope = DraftDepartment.objects.for_organization(reorganisation.organization_id).filter(
        reorganisation=reorganisation
    )
    parent = scope.filter(continues_id=old.parent_id).first() if old.parent_id else None
    _check_node(reorganisation, old.code, old.name, parent)
    mapping.delete()
    node = DraftDepartment.objects.create(
        organization_id=reorganisation.organization_id,
        reorganisation=reorganisation,
        continues=old,
        parent=parent,
        code=old.code,
        name=old.name,
        position=old.position,
    )
    _audit(actor, "draft_department.restore", node, {"name": old.name})
    return node


@service
def department_successors_set(
    *, actor: Actor, reorganisation: Reorganisation, successors: dict[int, DraftDepartment | None]
) -> None:
    """Set the successor of each department the draft closes ({old department id: new one or None}).

    Several closed departments naming one successor merge into it. A department split in several keeps
    one successor for everything it owns (its main one); the pages of each app reassign single objects
    after the reorganisation took effect.
    """
    policy.require(actor, EDIT, reorganisation, *successors.values(), audit_as="department_mapping.update")
    _require_draft(reorganisation)
    mappings = {
        m.old_department_id: m
        for m in DepartmentMapping.objects.for_organization(reorganisation.organization_id)
        .filter(reorganisation=reorganisation)
        .select_related("old_department", "successor")
    }
    changes = {}
    for old_id, successor in successors.items():
        mapping = mappings.get(old_id)
        if mapping is None:
            raise ValidationError(_("廃止しない課の引継ぎ先は選べません。"))
        if successor is not None and successor.reorganisation_id != reorganisation.pk:
            raise ValidationError(_("引継ぎ先は同じ組織改編の課から選んでください。"))
        if mapping.successor_id != (successor.pk if successor else None):
            changes[mapping.old_department.name] = [str(mapping.successor or ""), str(successor or "")]
            mapping.successor = successor
            mapping.save(update_fields=["successor", "updated_at"])
    _audit(actor, "department_mapping.update", reorganisation, changes)


@service
def reorganisation_import(*, actor: Actor, reorganisation: Reorganisation, imported) -> dict:
    """Replace the draft tree and the successors with those of a problem-free file (spreadsheets.py)."""
    policy.require(actor, EDIT, reorganisation, audit_as="reorganisation.import")
    _require_draft(reorganisation)
    if imported.problems:
        raise ValueError("an import with problems is never applied")
    organization = reorganisation.organization_id
    DepartmentMapping.objects.for_organization(organization).filter(reorganisation=reorganisation).delete()
    old_nodes = DraftDepartment.objects.for_organization(organization).filter(reorganisation=reorganisation)
    old_nodes.update(parent=None)
    old_nodes.delete()
    rows = [{"id": row.code, "parent_id": row.parent_code or None, "row": row} for row in imported.rows]
    nodes: dict[str, DraftDepartment] = {}
    for entry in _parents_first(rows):
        row = entry["row"]
        nodes[row.code] = DraftDepartment.objects.create(
            organization_id=organization,
            reorganisation=reorganisation,
            continues_id=row.continues_id,
            parent=nodes.get(row.parent_code) if row.parent_code else None,
            code=row.code,
            name=row.name,
            position=row.row,
        )
    successors = {old_id: nodes[row.code] for row in imported.rows for old_id in row.merged_ids}
    continued = {row.continues_id for row in imported.rows if row.continues_id}
    departments_closed = list(
        Department.objects.for_organization(organization)
        .filter(closed_on=None)
        .exclude(pk__in=continued)
        .values_list("pk", flat=True)
    )
    for department_id in departments_closed:
        DepartmentMapping.objects.create(
            organization_id=organization,
            reorganisation=reorganisation,
            old_department_id=department_id,
            successor=successors.get(department_id),
        )
    summary = {
        "departments": len(nodes),
        "merged": len(successors),
        "closed": len(set(departments_closed) - set(successors)),
    }
    _audit(actor, "reorganisation.import", reorganisation, summary)
    return summary


# --- scheduling and applying --------------------------------------------------------------------------


def _depths(organization) -> dict[int, int]:
    parents = dict(Department.objects.for_organization(organization).values_list("pk", "parent_id"))
    depths: dict[int, int] = {}
    for pk in parents:
        depth, current, seen = 0, parents[pk], {pk}
        while current is not None and current not in seen:
            seen.add(current)
            depth += 1
            current = parents.get(current)
        depths[pk] = depth
    return depths


def _refuse_problems(reorganisation: Reorganisation) -> None:
    problems = reorganisation_problems(reorganisation)
    if problems:
        raise ValidationError(problems)


@service
def reorganisation_schedule(*, actor: Actor, reorganisation: Reorganisation) -> Reorganisation:
    """Fix the draft: it takes effect on its date (the daily command applies it)."""
    policy.require(actor, EDIT, reorganisation, audit_as="reorganisation.schedule")
    _require_draft(reorganisation)
    _refuse_problems(reorganisation)
    reorganisation.status = Reorganisation.Status.SCHEDULED
    reorganisation.save(update_fields=["status", "updated_at"])
    _audit(actor, "reorganisation.schedule", reorganisation, {"effective_on": reorganisation.effective_on.isoformat()})
    return reorganisation


@service
def reorganisation_unschedule(*, actor: Actor, reorganisation: Reorganisation) -> Reorganisation:
    """Take a scheduled reorganisation back to a draft, to change it."""
    policy.require(actor, EDIT, reorganisation, audit_as="reorganisation.unschedule")
    if reorganisation.status != Reorganisation.Status.SCHEDULED:
        raise ValidationError(_("施行予定の組織改編ではありません。"))
    reorganisation.status = Reorganisation.Status.DRAFT
    reorganisation.save(update_fields=["status", "updated_at"])
    _audit(actor, "reorganisation.unschedule", reorganisation)
    return reorganisation


@service
def reorganisation_apply(
    *, actor: Actor, reorganisation: Reorganisation, today: dt.date | None = None
) -> Reorganisation:
    """Make the new tree today's, move what follows, and keep the trees and the report; all or nothing.

    A reorganisation already applied is left as it is (the daily command and the button may meet).
    """
    policy.require(actor, APPLY, reorganisation, audit_as="reorganisation.apply")
    locked = (
        Reorganisation.objects.for_organization(reorganisation.organization_id)
        .select_for_update()
        .get(pk=reorganisation.pk)
    )
    if locked.is_applied:
        return locked
    reorganisation = locked
    _refuse_problems(reorganisation)
    today = today or timezone.localdate()
    organization = reorganisation.organization
    tree_before = current_tree_rows(organization)
    names = {row["id"]: row["name"] for row in tree_before}
    scope = DraftDepartment.objects.for_organization(organization).filter(reorganisation=reorganisation)
    nodes = {node.pk: node for node in scope.select_related("continues", "continues__parent")}
    rows = [{"id": pk, "parent_id": node.parent_id} for pk, node in nodes.items()]
    departments: dict[int, Department] = {}  # draft department id -> the department it is from now on
    created, renamed, moved = [], [], []
    for entry in _parents_first(rows):
        node = nodes[entry["id"]]
        parent = departments[node.parent_id] if node.parent_id else None
        department = node.continues
        if department is None:
            department = department_create(
                actor=actor,
                organization=organization,
                code=node.code,
                name=node.name,
                parent=parent,
                position=node.position,
            )
            created.append(node.name)
        else:
            if (department.code, department.name) != (node.code, node.name):
                renamed.append([department.name, node.name])
                department = department_update(actor=actor, department=department, code=node.code, name=node.name)
            if department.parent_id != (parent.pk if parent else None) or department.position != node.position:
                if department.parent_id != (parent.pk if parent else None):
                    moved.append(node.name)
                department = department_move(actor=actor, department=department, parent=parent, position=node.position)
        departments[node.pk] = department
        names[department.pk] = department.name

    mappings = list(
        DepartmentMapping.objects.for_organization(organization)
        .filter(reorganisation=reorganisation)
        .select_related("old_department")
    )
    closed_on = min(reorganisation.effective_on, today)
    kinds: dict[str, dict[str, Any]] = {
        str(kind.label): {"label": str(kind.label), "count": 0, "merged": 0, "moves": []}
        for kind in registry.department_owned
    }
    closed = []
    depth = _depths(organization)
    # Children before their parents: a department is closed once nothing open is left under it.
    for mapping in sorted(mappings, key=lambda m: -depth.get(m.old_department_id, 0)):
        old = Department.objects.for_organization(organization).get(pk=mapping.old_department_id)
        successor = departments[mapping.successor_id] if mapping.successor_id else None
        if successor is None:
            department_close(actor=actor, department=old, closed_on=closed_on)
        else:
            merge = department_merge(actor=actor, source=old, target=successor, closed_on=closed_on)
            for part in merge["moved"]:
                kind = kinds.setdefault(part["label"], {"label": part["label"], "count": 0, "merged": 0, "moves": []})
                kind["count"] += part["count"]
                kind["merged"] += part["dropped"]
                kind["moves"].append({"from": old.name, "to": successor.name, "count": part["count"]})
        closed.append({"name": old.name, "successor": successor.name if successor else ""})

    reorganisation.tree_before = tree_before
    reorganisation.tree_after = current_tree_rows(organization)
    reorganisation.report = {
        "kinds": list(kinds.values()),
        "created": created,
        "renamed": renamed,
        "moved": moved,
        "closed": closed,
    }
    reorganisation.status = Reorganisation.Status.APPLIED
    reorganisation.applied_on = min(reorganisation.effective_on, today)
    reorganisation.applied_at = timezone.now()
    user = actor.user
    reorganisation.applied_by = user if isinstance(user, User) and user.pk else None  # a system actor has none
    reorganisation.save()
    _audit(
        actor,
        "reorganisation.apply",
        reorganisation,
        {
            "applied_on": reorganisation.applied_on.isoformat(),
            "moved_rows": [
                _("%(label)s %(n)s件") % {"label": kind["label"], "n": kind["count"]}
                + (_("（ほかに重複%(n)s件を統合）") % {"n": kind["merged"]} if kind["merged"] else "")
                for kind in kinds.values()
            ],
            "created": len(created),
            "renamed": len(renamed),
            "moved": len(moved),
            "closed": len(closed),
        },
    )
    return reorganisation
