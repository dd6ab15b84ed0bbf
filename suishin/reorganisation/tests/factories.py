"""Reorganisations for tests, built through the app's services."""

import datetime as dt

from suishin.reorganisation.models import DepartmentMapping, DraftDepartment, Reorganisation
from suishin.reorganisation.services import (
    department_successors_set,
    draft_department_close,
    draft_department_create,
    draft_department_update,
    reorganisation_create,
)


def node_of(reorganisation: Reorganisation, department) -> DraftDepartment:
    """The draft department that carries on `department`."""
    return DraftDepartment.objects.for_organization(reorganisation.organization_id).get(
        reorganisation=reorganisation, continues=department
    )


def merge_reorganisation(town, effective_on: dt.date, actor=None) -> Reorganisation:
    """第2課 is renamed デジタル推進課 and 第3課 merges into it; a new 新設課 is added under 第1課."""
    actor = actor or town.actor("admin")
    first, second, third = town.departments
    reorganisation = reorganisation_create(
        actor=actor, organization=town.organization, title="令和8年度組織改編", effective_on=effective_on
    )
    renamed = node_of(reorganisation, second)
    draft_department_update(
        actor=actor, node=renamed, code="D02", name="デジタル推進課", parent=None, position=renamed.position
    )
    draft_department_create(
        actor=actor, reorganisation=reorganisation, code="N01", name="新設課", parent=node_of(reorganisation, first)
    )
    draft_department_close(actor=actor, node=node_of(reorganisation, third))
    department_successors_set(actor=actor, reorganisation=reorganisation, successors={third.pk: renamed})
    return reorganisation


def mapping_of(reorganisation: Reorganisation, department) -> DepartmentMapping:
    return DepartmentMapping.objects.for_organization(reorganisation.organization_id).get(
        reorganisation=reorganisation, old_department=department
    )
